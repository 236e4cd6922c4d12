// Failover recovery timelines: how long after losing its leader a cluster runs
// its job, completes a checkpoint and writes an output file again. Pure over
// ClusterState and time.
#pragma once

#include "model/state.h"

namespace flinkha {

inline constexpr size_t kMaxRecoveries = 20;

// Opens a timeline for each new failover and fills the phases of the newest
// one. Triggers: a failover in the HA analysis (ZooKeeper), or, without
// ZooKeeper, REST going from a leader to an election answer / no answer and
// back. Called after every update of the cluster.
void UpdateRecoveries(ClusterState& cluster, TimePoint now);

}  // namespace flinkha
