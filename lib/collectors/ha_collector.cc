// HA metrics from ZooKeeper: leaders per component, contenders, failovers,
// split brain.
#include "collectors/ha_collector.h"

#include "collectors/family.h"

namespace flinkha {

void HaCollector::Collect(const Snapshot& snapshot,
                          std::vector<prometheus::MetricFamily>* out) const {
  (void)snapshot;
  (void)out;  // TODO(owner of this concern): implement.
}

}  // namespace flinkha
