// ZooKeeper metrics: the exporter's session and each quorum member's health
// (4lw).
#include "collectors/zookeeper_collector.h"

#include "collectors/family.h"

namespace flinkha {

void ZooKeeperCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  (void)snapshot;
  (void)out;  // TODO(owner of this concern): implement.
}

}  // namespace flinkha
