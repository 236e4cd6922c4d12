// Per-JobManager metrics: REST reachability, poll duration, version, ZooKeeper
// leadership.
#include "collectors/jobmanager_collector.h"

#include "collectors/family.h"

namespace flinkha {

void JobManagerCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto up = Gauge(
      "flinkha_jobmanager_up",
      "Whether the JobManager's REST endpoint answered the last poll as Flink "
      "(HTTP 200, or 503 during a leader election). Refreshed every poll "
      "interval.");
  auto duration =
      Gauge("flinkha_jobmanager_request_duration_seconds",
            "Wall time of the last poll of this JobManager's REST endpoint "
            "(/config, /overview, /jobs/overview, /taskmanagers).");
  auto election = Gauge(
      "flinkha_jobmanager_leader_election_in_progress",
      "Whether this JobManager's REST endpoint answered 503 'ongoing leader "
      "election' at the last poll.");
  auto info = Gauge(
      "flinkha_jobmanager_info",
      "Flink version and revision reported by GET /config of this JobManager; "
      "constant 1.");
  auto leader = Gauge(
      "flinkha_jobmanager_leader",
      "Whether ZooKeeper names this JobManager the leader of the component "
      "(matched by its configured advertised host:port).");
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    if (!cluster.config) continue;
    for (const auto& jm : cluster.config->jobmanagers) {
      Labels l{{"flink_cluster", cluster_name}, {"jobmanager", jm.name}};
      auto it = cluster.jobmanagers.find(jm.name);
      if (it == cluster.jobmanagers.end() || !it->second)
        continue;  // not polled yet
      const JobManagerObservation& o = *it->second;
      up.Add(l, o.up ? 1 : 0);
      duration.Add(l, o.duration_seconds);
      election.Add(l, o.fault == RestFault::kLeaderElection ? 1 : 0);
      if (o.config) {
        info.Add({{"flink_cluster", cluster_name},
                  {"jobmanager", jm.name},
                  {"flink_version", o.config->flink_version},
                  {"flink_revision", o.config->flink_revision}},
                 1);
      }
    }
    if (cluster.ha) {
      for (const auto& [component, lead] : cluster.ha->components) {
        for (const auto& jm : cluster.config->jobmanagers) {
          leader.Add({{"flink_cluster", cluster_name},
                      {"jobmanager", jm.name},
                      {"component", component}},
                     lead.known && lead.jobmanager == jm.name ? 1 : 0);
        }
      }
    }
  }
  up.AppendTo(out);
  duration.AppendTo(out);
  election.AppendTo(out);
  info.AppendTo(out);
  leader.AppendTo(out);
}

bool JobManagerCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    key->Add(cluster.config.get());
    key->Add(cluster.ha.get());
    for (const auto& [name, o] : cluster.jobmanagers) {
      key->Add(name);
      key->Add(o.get());
    }
  }
  return true;
}

}  // namespace flinkha
