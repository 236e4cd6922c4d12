// Output directory metrics: finished and in-progress part files, bytes,
// freshness, rows.
#include "collectors/output_collector.h"

#include "collectors/family.h"

namespace flinkha {

void OutputCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  (void)snapshot;
  (void)out;  // TODO(owner of this concern): implement.
}

}  // namespace flinkha
