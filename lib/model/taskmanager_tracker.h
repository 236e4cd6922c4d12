// TaskManager bookkeeping: which TaskManagers the cluster's preferred
// JobManager lists, and which are lost. Pure over the previous view and one
// input; UpdateTaskManagers() runs it once per update of the cluster.
//
// The lost rule: a TaskManager is counted lost when the preferred JobManager's
// successful GET /taskmanagers answers have not listed it, without a break, for
// taskmanager_lost_after (it was listed before). A break restarts the clock:
// no successful answer (404 "Cannot connect to ResourceManager", 503 election,
// down, unparseable), or another JobManager becoming preferred. So the short
// or empty lists of a new leader whose TaskManagers re-register, and REST
// outages, count nothing; a TaskManager listed again in time is not lost.
#pragma once

#include <vector>

#include "config/config.h"
#include "model/state.h"
#include "model/taskmanager_types.h"

namespace flinkha {

// One input: what the preferred JobManager's latest poll says.
struct TaskManagerListing {
  std::string jobmanager;  // the preferred JobManager; empty: none
  TimePoint at{};          // its poll time
  // Null when that poll has no successful GET /taskmanagers.
  const std::vector<TaskManagerSummary>* taskmanagers = nullptr;
};

// The view after `in`. Feeding the same listing again changes nothing.
TaskManagerView NextTaskManagerView(const TaskManagerView& prev,
                                    const TaskManagerListing& in,
                                    Duration lost_after);

// Builds the input from the cluster's preferred JobManager and publishes the
// next view in cluster.taskmanagers (a new object only when it changed).
// Called after every update of the cluster.
void UpdateTaskManagers(ClusterState& cluster);

}  // namespace flinkha
