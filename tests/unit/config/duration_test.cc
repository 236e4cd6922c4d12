// Table tests for ParseDuration and FormatDuration (Prometheus duration
// grammar).
#include "config/duration.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("ParseDuration accepts Prometheus durations", "[config]") {
  struct Case {
    std::string text;
    int64_t millis;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"0s", 0},
      {"500ms", 500},
      {"5s", 5000},
      {"1m", 60000},
      {"1m30s", 90000},
      {"2h", 7200000},
      {"1h30m15s250ms", 5415250},
      {"1d", 86400000},
      {"1w", 604800000},
      {"1y", 31536000000},
      {"90s", 90000},
      {"007s", 7000},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto d = ParseDuration(c.text);
    REQUIRE(d.ok());
    CHECK(d->count() == c.millis);
  }
}

TEST_CASE("ParseDuration rejects everything else", "[config]") {
  const std::vector<std::string> bad = {
      "",
      "fast",
      "5",
      "s",
      "-5s",
      "+5s",
      "1.5s",
      "5 s",
      " 5s",
      "5s ",
      "30s1m",
      "1s1s",
      "5S",
      "5sec",
      "1m30",
      "ms",
      "1h 30m",
      "1us",
      "0x10s",
      "1ms1s",
      "9223372036854775807ms1ms",
      "99999999999999999999s",
      "300000000y",
  };
  for (const std::string& text : bad) {
    INFO(text);
    auto d = ParseDuration(text);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().message ==
          "expected a duration such as 5s, found \"" + text + "\"");
  }
}

TEST_CASE("FormatDuration writes what ParseDuration reads", "[config]") {
  struct Case {
    int64_t millis;
    std::string text;
  };
  const std::vector<Case> cases = {
      {0, "0s"},
      {1, "1ms"},
      {500, "500ms"},
      {1000, "1s"},
      {90000, "1m30s"},
      {3600000, "1h"},
      {5415250, "1h30m15s250ms"},
      {86400000, "1d"},
      {694861001, "1w1d1h1m1s1ms"},
      {-1500, "-1s500ms"},
  };
  for (const Case& c : cases) {
    INFO(c.millis);
    CHECK(FormatDuration(Duration(c.millis)) == c.text);
    if (c.millis >= 0) {
      auto back = ParseDuration(c.text);
      REQUIRE(back.ok());
      CHECK(back->count() == c.millis);
    }
  }
}

}  // namespace
}  // namespace flinkha
