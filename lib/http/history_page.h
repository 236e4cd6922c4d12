// The history part of the status page: per cluster an inline SVG of the last
// hours (leadership and failovers, jobs and checkpoints, TaskManagers, output,
// ZooKeeper, sources). Pure: no script, no external asset.
#pragma once

#include <string>

#include "model/history.h"
#include "model/state.h"

namespace flinkha {

// CSS the history SVG relies on (light and dark colour schemes), for the
// page's <style>.
extern const char kHistoryCss[];

// The history of one cluster as an <svg> element, on a time axis from its
// first sample (at least 5 minutes, at most the history window) to now.
// `cluster_index` is the cluster's position in the snapshot: the failover marks
// link to the status page's report rows "#fo-<index>-<ms>".
std::string ClusterHistorySvg(const std::string& cluster,
                              const ClusterHistory& history,
                              const ClusterState* state, size_t cluster_index,
                              TimePoint now);

// The anchor id of a failover report row on the status page.
std::string FailoverAnchor(size_t cluster_index, TimePoint lost_at);

}  // namespace flinkha
