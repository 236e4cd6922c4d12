// Cluster-wide metrics from the preferred JobManager: TaskManagers, slots, jobs
// by state.
#include "collectors/cluster_collector.h"

#include <map>

#include "collectors/family.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kTaskmanagers{
    "flinkha_taskmanagers", prometheus::MetricType::Gauge,
    "TaskManagers registered with the ResourceManager (GET /overview of the "
    "leading or first healthy JobManager). Refreshed every poll interval.",
    "", "flink_cluster"};

constexpr MetricDesc kTaskSlots{
    "flinkha_task_slots", prometheus::MetricType::Gauge,
    "Task slots in the cluster (GET /overview).", "", "flink_cluster"};

constexpr MetricDesc kTaskSlotsAvailable{
    "flinkha_task_slots_available", prometheus::MetricType::Gauge,
    "Free task slots (GET /overview).", "", "flink_cluster"};

constexpr MetricDesc kJobs{"flinkha_jobs", prometheus::MetricType::Gauge,
                           "Jobs by state (GET /jobs/overview of the leading "
                           "or first healthy JobManager).",
                           "", "flink_cluster,state"};

constexpr MetricDesc kTaskmanagersExpected{
    "flinkha_taskmanagers_expected", prometheus::MetricType::Gauge,
    "TaskManagers the operator expects (expected_taskmanagers in the "
    "configuration).",
    "", "flink_cluster"};

constexpr MetricDesc kClusterDataJobmanager{
    "flinkha_cluster_data_jobmanager", prometheus::MetricType::Gauge,
    "Which JobManager the cluster-level series come from; 1 for that one.", "",
    "flink_cluster,jobmanager"};

constexpr const MetricDesc* kClusterCollectorMetrics[] = {
    &kTaskmanagers,         &kTaskSlots,
    &kTaskSlotsAvailable,   &kJobs,
    &kTaskmanagersExpected, &kClusterDataJobmanager};

}  // namespace

void ClusterCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto tms = Family(kTaskmanagers);
  auto slots = Family(kTaskSlots);
  auto avail = Family(kTaskSlotsAvailable);
  auto jobs = Family(kJobs);
  auto expected = Family(kTaskmanagersExpected);
  auto source = Family(kClusterDataJobmanager);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    Labels l{{"flink_cluster", cluster_name}};
    if (cluster.config && cluster.config->expected_taskmanagers > 0) {
      expected.Add(l, cluster.config->expected_taskmanagers);
    }
    std::string jm_name;
    const JobManagerObservation* jm = PreferredJobManager(cluster, &jm_name);
    if (!jm) continue;
    source.Add({{"flink_cluster", cluster_name}, {"jobmanager", jm_name}}, 1);
    tms.Add(l, static_cast<double>(jm->overview->taskmanagers));
    slots.Add(l, static_cast<double>(jm->overview->slots_total));
    avail.Add(l, static_cast<double>(jm->overview->slots_available));
    if (jm->jobs) {
      std::map<std::string, int> by_state;
      for (const char* s : kJobStates) by_state[s] = 0;
      for (const auto& j : *jm->jobs) ++by_state[j.state];
      for (const auto& [state, n] : by_state) {
        jobs.Add({{"flink_cluster", cluster_name}, {"state", state}}, n);
      }
    }
  }
  tms.AppendTo(out);
  slots.AppendTo(out);
  avail.AppendTo(out);
  jobs.AppendTo(out);
  expected.AppendTo(out);
  source.AppendTo(out);
}

bool ClusterCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    key->Add(cluster.config.get());
    std::string jm_name;
    key->Add(PreferredJobManager(cluster, &jm_name));
    key->Add(jm_name);
  }
  return true;
}

std::span<const MetricDesc* const> ClusterCollector::Descriptors() const {
  return kClusterCollectorMetrics;
}

}  // namespace flinkha
