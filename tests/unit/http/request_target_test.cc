// The request path the server routes on: query dropped, %XX decoded.
#include "http/request_target.h"

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

TEST_CASE("request path: query dropped, escapes decoded", "[http]") {
  CHECK(RequestPath("/metrics") == "/metrics");
  CHECK(RequestPath("/metrics?debug=1&x=%41") == "/metrics");
  CHECK(RequestPath("/%6Detrics") == "/metrics");
  CHECK(RequestPath("/%6detrics") == "/metrics");
  CHECK(RequestPath("/a%2Fb") == "/a/b");
  CHECK(RequestPath("") == "");
  CHECK(RequestPath("?") == "");
}

TEST_CASE("request path: incomplete or non-hex escapes are kept", "[http]") {
  CHECK(RequestPath("/x%") == "/x%");
  CHECK(RequestPath("/x%4") == "/x%4");
  CHECK(RequestPath("/x%zz") == "/x%zz");
  CHECK(RequestPath("/x%4g1") == "/x%4g1");
  CHECK(RequestPath("%41") == "A");
  CHECK(RequestPath("%%41") == "%A");
}

}  // namespace
}  // namespace flinkha
