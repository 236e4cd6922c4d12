// Display time zones: UTC and fixed offsets; anything else a clear error.
#include "config/timezone.h"

#include <catch2/catch.hpp>

#include "model/rest_types.h"

namespace flinkha {
namespace {

TEST_CASE("Display zone: UTC and fixed offsets", "[config][timezone]") {
  for (const char* utc : {"UTC", "Z", "+00:00", "UTC+0"}) {
    INFO(utc);
    auto z = ParseDisplayZone(utc);
    REQUIRE(z.ok());
    CHECK(z->offset_minutes == 0);
    CHECK(z->name == "UTC");
  }
  auto cst = ParseDisplayZone("UTC+8");
  REQUIRE(cst.ok());
  CHECK(cst->offset_minutes == 480);
  CHECK(cst->name == "UTC+08:00");
  auto ist = ParseDisplayZone("+05:30");
  REQUIRE(ist.ok());
  CHECK(ist->offset_minutes == 330);
  auto west = ParseDisplayZone("-03:00");
  REQUIRE(west.ok());
  CHECK(west->offset_minutes == -180);
  for (const char* bad :
       {"", "Asia/Shanghai", "+8:61", "+15", "UTC+", "+08:00x", "8"}) {
    INFO(bad);
    auto z = ParseDisplayZone(bad);
    REQUIRE_FALSE(z.ok());
    CHECK(z.error().message.rfind("expected UTC or a fixed offset", 0) == 0);
  }
}

TEST_CASE("Display zone: times print in the zone", "[config][timezone]") {
  const TimePoint t = TimePoint{} + std::chrono::seconds(1'700'000'000);
  CHECK(FormatInZone(t, 0) == "2023-11-14T22:13:20Z");
  CHECK(FormatInZone(t, 480) == "2023-11-15T06:13:20+08:00");
  CHECK(FormatInZone(t, -330) == "2023-11-14T16:43:20-05:30");
}

}  // namespace
}  // namespace flinkha
