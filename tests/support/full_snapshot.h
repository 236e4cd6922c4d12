// A snapshot with every source filled in at fixed times: each metric family
// the exporter can emit has at least one series.
#pragma once

#include <memory>
#include <vector>

#include "collectors/collector.h"
#include "model/state.h"

namespace flinkha::testing {

// The time the snapshot's observations were made.
extern const TimePoint kFullSnapshotTime;

// One cluster "realtime-pipeline" with two JobManagers (jm-1 up), one job with
// checkpoints, ZooKeeper (HA state and a quorum member), an output directory,
// three TaskManagers (one lost) and a closed failover report.
Snapshot FullSnapshot();

// Derives every cluster's facts (ClusterFacts) as StateStore::UpdateCluster
// does, for a snapshot built or changed by hand.
void RefreshFacts(Snapshot& s);

// AllCollectors() with the process collector's figures fixed instead of read
// from /proc/self, so two renders of one snapshot are byte-identical.
std::vector<std::unique_ptr<Collector>> StableCollectors();

}  // namespace flinkha::testing
