// Every metric family the exporter can emit, rendered from one fully populated
// snapshot at fixed times and diffed against
// tests/fixtures/golden/metrics_all.txt (UPDATE_GOLDEN=1 rewrites it). The
// metrics reference (docs/metrics.md) is checked against this file.
#include <catch2/catch.hpp>

#include "collectors/collector.h"
#include "model/store.h"
#include "support/exporter_process.h"
#include "support/full_snapshot.h"
#include "support/golden.h"
#include "support/process.h"

namespace flinkha {
namespace {

TEST_CASE("Every metric family matches the golden file and passes promtool",
          "[collectors]") {
  const std::string text =
      RenderMetrics(AllCollectors(), testing::FullSnapshot());
  const std::string diff =
      testing::CompareGolden("metrics_all.txt", testing::FilterVolatile(text));
  INFO(diff);
  CHECK(diff.empty());
  testing::TempDir dir;
  bool ok = false;
  const std::string promtool =
      testing::PromtoolCheckMetrics(dir.path(), text, &ok);
  INFO(promtool);
  CHECK(ok);
}

}  // namespace
}  // namespace flinkha
