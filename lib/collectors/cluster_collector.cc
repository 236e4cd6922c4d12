// Cluster-wide metrics from the preferred JobManager: TaskManagers, slots, jobs
// by state.
#include "collectors/cluster_collector.h"

#include <map>

#include "collectors/family.h"

namespace flinkha {

void ClusterCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto tms = Gauge(
      "flinkha_taskmanagers",
      "TaskManagers registered with the ResourceManager (GET /overview of the "
      "leading or first healthy JobManager). Refreshed every poll interval.");
  auto slots =
      Gauge("flinkha_task_slots", "Task slots in the cluster (GET /overview).");
  auto avail =
      Gauge("flinkha_task_slots_available", "Free task slots (GET /overview).");
  auto jobs =
      Gauge("flinkha_jobs",
            "Jobs by state (GET /jobs/overview of the leading or first healthy "
            "JobManager).");
  auto expected =
      Gauge("flinkha_taskmanagers_expected",
            "TaskManagers the operator expects (expected_taskmanagers in the "
            "configuration).");
  auto source = Gauge(
      "flinkha_cluster_data_jobmanager",
      "Which JobManager the cluster-level series come from; 1 for that one.");
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

}  // namespace flinkha
