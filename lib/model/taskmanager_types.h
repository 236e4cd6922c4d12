// The TaskManager view of one cluster: the TaskManagers its preferred
// JobManager lists, and the ones lost. Built by taskmanager_tracker.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/rest_types.h"

namespace flinkha {

inline constexpr size_t kMaxLostTaskManagers = 20;

// A TaskManager counted lost.
struct LostTaskManager {
  std::string id;
  std::string address;     // host:port, empty when unknown
  TimePoint last_seen{};   // poll time of the last list that named it
  TimePoint gone_at{};     // poll time of the first list without it
  TimePoint counted_at{};  // poll time of the list that confirmed the loss

  bool operator==(const LostTaskManager&) const = default;
};

// A TaskManager listed before, as the tracker remembers it.
struct TrackedTaskManager {
  std::string address;
  TimePoint last_seen{};
  // First list without it since it was last seen (kept across interruptions:
  // the time reported as the loss).
  std::optional<TimePoint> gone_at;
  // Start of the uninterrupted run of lists from one JobManager without it
  // (the clock of taskmanager_lost_after); cleared by every interruption.
  std::optional<TimePoint> missing_since;

  bool operator==(const TrackedTaskManager&) const = default;
};

// Immutable once published in ClusterState.
struct TaskManagerView {
  // The preferred JobManager of the latest input; empty when there was none.
  std::string jobmanager;
  // Poll time of `taskmanagers`; unset when the preferred JobManager had no
  // successful GET /taskmanagers (then `taskmanagers` is empty).
  std::optional<TimePoint> listed_at;
  std::vector<TaskManagerSummary> taskmanagers;  // as listed, sorted by id
  uint64_t lost_total = 0;
  std::vector<LostTaskManager> lost;                  // newest last, at most
                                                      // kMaxLostTaskManagers
  std::map<std::string, TrackedTaskManager> tracked;  // by id

  bool operator==(const TaskManagerView&) const = default;
};

}  // namespace flinkha
