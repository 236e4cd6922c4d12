// TaskManager view and lost-TaskManager bookkeeping (rule in the header).
#include "model/taskmanager_tracker.h"

#include <algorithm>
#include <memory>

namespace flinkha {
namespace {

// An interruption: every running clock restarts with the next answer.
void RestartClocks(TaskManagerView& view) {
  for (auto& [id, t] : view.tracked) t.missing_since.reset();
}

}  // namespace

TaskManagerView NextTaskManagerView(const TaskManagerView& prev,
                                    const TaskManagerListing& in,
                                    Duration lost_after) {
  const bool same_answer = in.taskmanagers && prev.listed_at &&
                           *prev.listed_at == in.at &&
                           prev.jobmanager == in.jobmanager;
  if (same_answer) return prev;
  TaskManagerView next = prev;
  if (in.jobmanager != prev.jobmanager) RestartClocks(next);
  next.jobmanager = in.jobmanager;
  if (!in.taskmanagers) {
    RestartClocks(next);
    next.listed_at.reset();
    next.taskmanagers.clear();
    return next;
  }
  next.listed_at = in.at;
  next.taskmanagers = *in.taskmanagers;
  std::sort(next.taskmanagers.begin(), next.taskmanagers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::map<std::string, TrackedTaskManager> tracked;
  for (const auto& tm : next.taskmanagers) {
    tracked[tm.id] = TrackedTaskManager{tm.address, in.at, {}, {}};
  }
  for (auto& [id, t] : next.tracked) {
    if (tracked.count(id)) continue;  // listed again
    if (!t.gone_at) t.gone_at = in.at;
    if (!t.missing_since) t.missing_since = in.at;
    if (in.at - *t.missing_since >= lost_after) {
      ++next.lost_total;
      next.lost.push_back(
          LostTaskManager{id, t.address, t.last_seen, *t.gone_at, in.at});
      continue;  // forgotten: its series are gone, the loss is counted once
    }
    tracked[id] = t;
  }
  if (next.lost.size() > kMaxLostTaskManagers) {
    next.lost.erase(
        next.lost.begin(),
        next.lost.end() - static_cast<std::ptrdiff_t>(kMaxLostTaskManagers));
  }
  next.tracked = std::move(tracked);
  return next;
}

void UpdateTaskManagers(ClusterState& cluster) {
  TaskManagerListing in;
  if (const JobManagerObservation* jm =
          PreferredJobManager(cluster, &in.jobmanager)) {
    in.at = jm->at;
    if (jm->taskmanagers) in.taskmanagers = &*jm->taskmanagers;
  }
  const Duration lost_after = cluster.config
                                  ? cluster.config->taskmanager_lost_after
                                  : ClusterConfig{}.taskmanager_lost_after;
  static const TaskManagerView kEmpty;
  const TaskManagerView& prev =
      cluster.taskmanagers ? *cluster.taskmanagers : kEmpty;
  TaskManagerView next = NextTaskManagerView(prev, in, lost_after);
  // Unchanged views keep their object, so readers can tell nothing changed.
  if (cluster.taskmanagers && next == prev) return;
  cluster.taskmanagers =
      std::make_shared<const TaskManagerView>(std::move(next));
}

}  // namespace flinkha
