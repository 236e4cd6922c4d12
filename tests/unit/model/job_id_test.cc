// Table test for IsJobId.
#include "model/job_id.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("IsJobId takes exactly Flink's 32 lower-case hex digits", "[model]") {
  CHECK(IsJobId("a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1"));
  const std::vector<std::string> bad = {
      "A8E7F5D3C2B1A0F9E8D7C6B5A4F3E2D1",   // upper case
      "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d",    // 31 digits
      "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d10",  // 33 digits
      "g8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1",   // not hex
      "../../../../../../../../overview",   // a path, not an id
      "",
  };
  for (const auto& id : bad) {
    INFO(id);
    CHECK_FALSE(IsJobId(id));
  }
}

}  // namespace
}  // namespace flinkha
