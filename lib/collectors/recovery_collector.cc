// Failover recovery timeline: time until the job runs, checkpoints and writes
// again.
#include "collectors/recovery_collector.h"

#include "collectors/family.h"

namespace flinkha {

void RecoveryCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  (void)snapshot;
  (void)out;  // TODO(owner of this concern): implement.
}

}  // namespace flinkha
