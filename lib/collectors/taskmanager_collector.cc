// Per-TaskManager metrics of the preferred JobManager's GET /taskmanagers and
// the TaskManagers lost, from the snapshot's TaskManager view.
#include "collectors/taskmanager_collector.h"

#include "collectors/family.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kTaskmanagerInfo{
    "flinkha_taskmanager_info", prometheus::MetricType::Gauge,
    "A TaskManager registered with the ResourceManager, with the host:port of "
    "its RPC address; 1 for each (GET /taskmanagers of the leading or first "
    "healthy JobManager). Refreshed every poll interval.",
    "", "flink_cluster,taskmanager,address"};

constexpr MetricDesc kTaskmanagerSlots{
    "flinkha_taskmanager_slots", prometheus::MetricType::Gauge,
    "Task slots of the TaskManager (GET /taskmanagers).", "",
    "flink_cluster,taskmanager"};

constexpr MetricDesc kTaskmanagerSlotsAvailable{
    "flinkha_taskmanager_slots_available", prometheus::MetricType::Gauge,
    "Free task slots of the TaskManager (GET /taskmanagers).", "",
    "flink_cluster,taskmanager"};

constexpr MetricDesc kTaskmanagerLastHeartbeatTimestampSeconds{
    "flinkha_taskmanager_last_heartbeat_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Last heartbeat the ResourceManager received from the TaskManager, seconds "
    "since epoch (timeSinceLastHeartbeat of GET /taskmanagers).",
    "", "flink_cluster,taskmanager"};

constexpr MetricDesc kTaskmanagersLostTotal{
    "flinkha_taskmanagers_lost_total", prometheus::MetricType::Counter,
    "TaskManagers the preferred JobManager stopped listing in GET "
    "/taskmanagers and did not list again within taskmanager_lost_after of "
    "uninterrupted answers (failovers and REST errors restart that wait).",
    "", "flink_cluster"};

constexpr MetricDesc kTaskmanagerLastLostTimestampSeconds{
    "flinkha_taskmanager_last_lost_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "When the most recently lost TaskManager was first missing from GET "
    "/taskmanagers, seconds since epoch; labelled with its id.",
    "", "flink_cluster,taskmanager"};

constexpr const MetricDesc* kTaskManagerCollectorMetrics[] = {
    &kTaskmanagerInfo,           &kTaskmanagerSlots,
    &kTaskmanagerSlotsAvailable, &kTaskmanagerLastHeartbeatTimestampSeconds,
    &kTaskmanagersLostTotal,     &kTaskmanagerLastLostTimestampSeconds};

}  // namespace

void TaskManagerCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto info = Family(kTaskmanagerInfo);
  auto slots = Family(kTaskmanagerSlots);
  auto avail = Family(kTaskmanagerSlotsAvailable);
  auto heartbeat = Family(kTaskmanagerLastHeartbeatTimestampSeconds);
  auto lost = Family(kTaskmanagersLostTotal);
  auto last_lost = Family(kTaskmanagerLastLostTimestampSeconds);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    const TaskManagerView* view = cluster.taskmanagers.get();
    lost.Add({{"flink_cluster", cluster_name}},
             view ? static_cast<double>(view->lost_total) : 0);
    if (!view) continue;
    if (!view->lost.empty()) {
      last_lost.Add({{"flink_cluster", cluster_name},
                     {"taskmanager", view->lost.back().id}},
                    ToUnixSeconds(view->lost.back().gone_at));
    }
    for (const auto& tm : view->taskmanagers) {
      Labels l{{"flink_cluster", cluster_name}, {"taskmanager", tm.id}};
      Labels li = l;
      li.emplace_back("address", tm.address);
      info.Add(li, 1);
      slots.Add(l, static_cast<double>(tm.slots_number));
      avail.Add(l, static_cast<double>(tm.free_slots));
      if (tm.last_heartbeat_ms > 0) {
        heartbeat.Add(l, MillisToSeconds(tm.last_heartbeat_ms));
      }
    }
  }
  info.AppendTo(out);
  slots.AppendTo(out);
  avail.AppendTo(out);
  heartbeat.AppendTo(out);
  lost.AppendTo(out);
  last_lost.AppendTo(out);
}

bool TaskManagerCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    key->Add(cluster.taskmanagers.get());
  }
  return true;
}

std::span<const MetricDesc* const> TaskManagerCollector::Descriptors() const {
  return kTaskManagerCollectorMetrics;
}

}  // namespace flinkha
