// Table tests for ParseListenAddress.
#include <catch2/catch.hpp>

#include "http/server.h"

namespace flinkha {
namespace {

TEST_CASE("ParseListenAddress splits host and port", "[http]") {
  auto a = ParseListenAddress(":9879");
  REQUIRE(a.ok());
  CHECK(a->first == "0.0.0.0");
  CHECK(a->second == 9879);
  auto b = ParseListenAddress("[::1]:0");
  REQUIRE(b.ok());
  CHECK(b->first == "::1");
  CHECK(b->second == 0);
  auto c = ParseListenAddress("127.0.0.1:65536");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message ==
        "listen address port must be 0-65535, found \"65536\"");
  CHECK_FALSE(ParseListenAddress("localhost").ok());
}

}  // namespace
}  // namespace flinkha
