// Table tests for ParseByteSize.
#include "config/byte_size.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("ParseByteSize reads units as powers of 1024, as Prometheus does",
          "[config]") {
  struct Case {
    std::string text;
    int64_t bytes;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"1048576", 1048576},
      {"512B", 512},
      // Prometheus' units.Base2Bytes: KB and KiB are both 1024.
      {"1KB", 1024},
      {"1KiB", 1024},
      {"2MB", 2097152},
      {"16MB", 16777216},
      {"16MiB", 16777216},
      {"1GB", 1073741824},
      {"2GiB", 2147483648},
      {"1TB", 1099511627776LL},
      {"1TiB", 1099511627776LL},
      {"1PB", 1125899906842624LL},
      {"7EiB", 7LL << 60},
      {"8589934591GiB", 8589934591LL * 1073741824LL},
      {"8589934591GB", 8589934591LL * 1073741824LL},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto n = ParseByteSize(c.text);
    REQUIRE(n.ok());
    CHECK(*n == c.bytes);
  }
}

TEST_CASE("ParseByteSize rejects other forms", "[config]") {
  const std::vector<std::string> bad = {
      "",
      "MiB",
      "16 MiB",
      "16mib",
      "16M",
      "1.5MiB",
      "-1",
      "16Mi",
      "16MiBs",
      "lots",
      "9223372036854775808",
      "8589934592GiB",
      "8EiB",
      // Prometheus rejects kB (the SI spelling of 1000) too.
      "16kB",
      "16K",
      "16k",
      "1Ki",
  };
  for (const std::string& text : bad) {
    INFO(text);
    auto n = ParseByteSize(text);
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().message ==
          "expected a size in bytes such as 16MiB, found \"" + text + "\"");
  }
}

}  // namespace
}  // namespace flinkha
