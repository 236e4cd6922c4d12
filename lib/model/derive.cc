// DeriveCluster: one place that orders the derivations over a cluster.
#include "model/derive.h"

#include <memory>

#include "model/failover.h"
#include "model/taskmanager_tracker.h"

namespace flinkha {

void DeriveCluster(ClusterState& cluster, TimePoint now,
                   std::vector<HaEvent>* new_events) {
  cluster.facts = DeriveFacts(cluster);
  cluster.failover = std::make_shared<const FailoverState>(
      AdvanceFailover(cluster.failover ? *cluster.failover : FailoverState(),
                      cluster, now, new_events));
  UpdateTaskManagers(cluster);
}

}  // namespace flinkha
