// Per-job checkpoint metrics: counts, last completed/failed/restored
// checkpoint, interval.
#include "collectors/checkpoint_collector.h"

#include "collectors/family.h"

namespace flinkha {

void CheckpointCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  (void)snapshot;
  (void)out;  // TODO(owner of this concern): implement.
}

}  // namespace flinkha
