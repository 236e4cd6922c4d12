// What is derived from a cluster's observations after each update: its facts
// (ClusterFacts), the failover story (model/failover.h) and the TaskManager
// view (model/taskmanager_tracker.h), in that order, since the latter two read
// the facts. StateStore::UpdateCluster runs it; tests that build a cluster by
// hand run it the same way.
#pragma once

#include <vector>

#include "model/ha_types.h"
#include "model/state.h"

namespace flinkha {

// Brings every derived part of `cluster` up to date with its observations at
// `now`; the HA events this produces are appended to new_events.
void DeriveCluster(ClusterState& cluster, TimePoint now,
                   std::vector<HaEvent>* new_events);

}  // namespace flinkha
