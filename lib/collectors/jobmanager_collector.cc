// Per-JobManager metrics: REST reachability, poll duration, version, ZooKeeper
// leadership.
#include "collectors/jobmanager_collector.h"

#include "collectors/family.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kJobmanagerUp{
    "flinkha_jobmanager_up", prometheus::MetricType::Gauge,
    "Whether the JobManager's REST endpoint answered the last poll as Flink "
    "(HTTP 200, or 503 during a leader election). Refreshed every poll "
    "interval.",
    "", "flink_cluster,jobmanager"};

constexpr MetricDesc kJobmanagerRequestDurationSeconds{
    "flinkha_jobmanager_request_duration_seconds",
    prometheus::MetricType::Gauge,
    "Wall time of the last poll of this JobManager's REST endpoint (/config, "
    "/overview, /jobs/overview, /taskmanagers).",
    "", "flink_cluster,jobmanager"};

constexpr MetricDesc kJobmanagerLeaderElectionInProgress{
    "flinkha_jobmanager_leader_election_in_progress",
    prometheus::MetricType::Gauge,
    "Whether this JobManager's REST endpoint answered 503 'ongoing leader "
    "election' at the last poll.",
    "", "flink_cluster,jobmanager"};

constexpr MetricDesc kJobmanagerInfo{
    "flinkha_jobmanager_info", prometheus::MetricType::Gauge,
    "Flink version and revision reported by GET /config of this JobManager; "
    "constant 1.",
    "", "flink_cluster,jobmanager,flink_version,flink_revision"};

constexpr MetricDesc kJobmanagerLeader{
    "flinkha_jobmanager_leader", prometheus::MetricType::Gauge,
    "Whether ZooKeeper names this JobManager the leader of the component "
    "(matched by its configured advertised host:port).",
    "", "flink_cluster,jobmanager,component"};

constexpr const MetricDesc* kJobManagerCollectorMetrics[] = {
    &kJobmanagerUp, &kJobmanagerRequestDurationSeconds,
    &kJobmanagerLeaderElectionInProgress, &kJobmanagerInfo, &kJobmanagerLeader};

}  // namespace

void JobManagerCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto up = Family(kJobmanagerUp);
  auto duration = Family(kJobmanagerRequestDurationSeconds);
  auto election = Family(kJobmanagerLeaderElectionInProgress);
  auto info = Family(kJobmanagerInfo);
  auto leader = Family(kJobmanagerLeader);
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

std::span<const MetricDesc* const> JobManagerCollector::Descriptors() const {
  return kJobManagerCollectorMetrics;
}

}  // namespace flinkha
