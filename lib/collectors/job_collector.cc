// Per-job metrics from /jobs/overview: state (one series per state), start
// time.
#include "collectors/job_collector.h"

#include "collectors/family.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kJobState{
    "flinkha_job_state", prometheus::MetricType::Gauge,
    "Current state of the job: 1 for the state it is in, 0 for the others (GET "
    "/jobs/overview). Refreshed every poll interval.",
    "", "flink_cluster,job_id,job_name,state"};

constexpr MetricDesc kJobStartTimeSeconds{
    "flinkha_job_start_time_seconds", prometheus::MetricType::Gauge,
    "Start time of the job, seconds since epoch (GET /jobs/overview).", "",
    "flink_cluster,job_id,job_name"};

constexpr MetricDesc kJobLastModificationTimestampSeconds{
    "flinkha_job_last_modification_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Last state change of the job, seconds since epoch (GET /jobs/overview).",
    "", "flink_cluster,job_id,job_name"};

constexpr MetricDesc kJobRestarts{
    "flinkha_job_restarts", prometheus::MetricType::Gauge,
    "Restarts of the job as counted by its current JobMaster (job metric "
    "numRestarts); restarts from zero after a JobManager failover.",
    "", "flink_cluster,job_id,job_name"};

constexpr const MetricDesc* kJobCollectorMetrics[] = {
    &kJobState, &kJobStartTimeSeconds, &kJobLastModificationTimestampSeconds,
    &kJobRestarts};

}  // namespace

void JobCollector::Collect(const Snapshot& snapshot,
                           std::vector<prometheus::MetricFamily>* out) const {
  auto state = Family(kJobState);
  auto start = Family(kJobStartTimeSeconds);
  auto modified = Family(kJobLastModificationTimestampSeconds);
  auto restarts = Family(kJobRestarts);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    const JobManagerObservation* jm = PreferredJobManager(cluster);
    if (!jm || !jm->jobs) continue;
    for (const auto& j : *jm->jobs) {
      Labels l{{"flink_cluster", cluster_name},
               {"job_id", j.id},
               {"job_name", j.name}};
      for (const char* s : kJobStates) {
        Labels ls = l;
        ls.emplace_back("state", s);
        state.Add(ls, j.state == s ? 1 : 0);
      }
      if (j.start_time_ms > 0) start.Add(l, MillisToSeconds(j.start_time_ms));
      if (j.last_modification_ms > 0)
        modified.Add(l, MillisToSeconds(j.last_modification_ms));
      auto ck = cluster.checkpoints.find(j.id);
      if (ck != cluster.checkpoints.end() && ck->second &&
          ck->second->num_restarts) {
        restarts.Add(l, static_cast<double>(*ck->second->num_restarts));
      }
    }
  }
  state.AppendTo(out);
  start.AppendTo(out);
  modified.AppendTo(out);
  restarts.AppendTo(out);
}

bool JobCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    const JobManagerObservation* jm = PreferredJobManager(cluster);
    key->Add(jm);
    if (!jm || !jm->jobs) continue;
    // Only num_restarts is read from the checkpoint observations, which the
    // checkpoint poller replaces far more often than restarts change.
    for (const auto& [job_id, ck] : cluster.checkpoints) {
      if (!ck || !ck->num_restarts) continue;
      key->Add(job_id);
      key->Add(*ck->num_restarts);
    }
  }
  return true;
}

std::span<const MetricDesc* const> JobCollector::Descriptors() const {
  return kJobCollectorMetrics;
}

}  // namespace flinkha
