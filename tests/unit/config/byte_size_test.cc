// Table tests for ParseByteSize.
#include "config/byte_size.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("ParseByteSize reads bytes with decimal and binary units",
          "[config]") {
  struct Case {
    std::string text;
    int64_t bytes;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"1048576", 1048576},
      {"512B", 512},
      {"1KB", 1000},
      {"2MB", 2000000},
      {"1GB", 1000000000},
      {"1KiB", 1024},
      {"16MiB", 16777216},
      {"2GiB", 2147483648},
      {"8589934591GiB", 8589934591LL * 1073741824LL},
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
