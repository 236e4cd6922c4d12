// Metrics about the exporter itself: build info, per-source health, config
// reloads, the HTTP listener.
#include "collectors/exporter_collector.h"

#include "collectors/family.h"
#include "util/build_info.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kBuildInfo{
    "flinkha_build_info", prometheus::MetricType::Gauge,
    "Build information of flink-ha-exporter; constant 1.", "",
    "version,revision,compiler"};

constexpr MetricDesc kStartTimeSeconds{
    "flinkha_start_time_seconds", prometheus::MetricType::Gauge,
    "Start time of the exporter process, seconds since epoch.", "", ""};

constexpr MetricDesc kConfigLastReloadSuccessful{
    "flinkha_config_last_reload_successful", prometheus::MetricType::Gauge,
    "Whether the last configuration reload succeeded (1) or was rejected (0).",
    "", ""};

constexpr MetricDesc kConfigLastReloadSuccessTimestampSeconds{
    "flinkha_config_last_reload_success_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time of the last successful configuration load, seconds since epoch.", "",
    ""};

constexpr MetricDesc kHttpConnectionsRejectedTotal{
    "flinkha_http_connections_rejected_total", prometheus::MetricType::Counter,
    "HTTP connections refused because the listener already had its maximum of "
    "open connections.",
    "", ""};

constexpr MetricDesc kHttpRequestHeadTimeoutsTotal{
    "flinkha_http_request_head_timeouts_total", prometheus::MetricType::Counter,
    "HTTP connections closed because a request head (or TLS handshake) did not "
    "arrive within the deadline.",
    "", ""};

constexpr MetricDesc kSourceUp{
    "flinkha_source_up", prometheus::MetricType::Gauge,
    "Whether the last attempt of this source (REST poller, ZooKeeper watcher, "
    "output watcher, ...) succeeded.",
    "", "flink_cluster,source"};

constexpr MetricDesc kSourceLastSuccessTimestampSeconds{
    "flinkha_source_last_success_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time of the last successful attempt of this source, seconds since epoch.",
    "", "flink_cluster,source"};

constexpr MetricDesc kSourceErrorsTotal{
    "flinkha_source_errors_total", prometheus::MetricType::Counter,
    "Failed attempts of this source since the exporter started.", "",
    "flink_cluster,source"};

constexpr MetricDesc kCheckpointPollRequestsTotal{
    "flinkha_checkpoint_poll_requests_total", prometheus::MetricType::Counter,
    "Checkpoint statistics, checkpoint config and numRestarts requests sent to "
    "the JobManager asked.",
    "", "flink_cluster"};

constexpr MetricDesc kCheckpointPollBudgetRequestsPerSecond{
    "flinkha_checkpoint_poll_budget_requests_per_second",
    prometheus::MetricType::Gauge,
    "The configured checkpoint_requests_per_second.", "", "flink_cluster"};

constexpr MetricDesc kCheckpointPollOverdueJobs{
    "flinkha_checkpoint_poll_overdue_jobs", prometheus::MetricType::Gauge,
    "Jobs whose checkpoint poll is more than one poll interval late: the "
    "request budget is too small for the jobs.",
    "", "flink_cluster"};

constexpr const MetricDesc* kExporterCollectorMetrics[] = {
    &kBuildInfo,
    &kStartTimeSeconds,
    &kConfigLastReloadSuccessful,
    &kConfigLastReloadSuccessTimestampSeconds,
    &kHttpConnectionsRejectedTotal,
    &kHttpRequestHeadTimeoutsTotal,
    &kSourceUp,
    &kSourceLastSuccessTimestampSeconds,
    &kSourceErrorsTotal,
    &kCheckpointPollRequestsTotal,
    &kCheckpointPollBudgetRequestsPerSecond,
    &kCheckpointPollOverdueJobs};

}  // namespace

void ExporterCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  Family(kBuildInfo)
      .Add({{"version", std::string(BuildVersion())},
            {"revision", std::string(BuildRevision())},
            {"compiler", std::string(BuildCompiler())}},
           1)
      .AppendTo(out);
  Family(kStartTimeSeconds)
      .Add({}, ToUnixSeconds(snapshot.started_at))
      .AppendTo(out);
  Family(kConfigLastReloadSuccessful)
      .Add({}, snapshot.config_last_reload_successful ? 1 : 0)
      .AppendTo(out);
  auto reload_ts = Family(kConfigLastReloadSuccessTimestampSeconds);
  if (snapshot.config_last_reload_success) {
    reload_ts.Add({}, ToUnixSeconds(*snapshot.config_last_reload_success));
  }
  reload_ts.AppendTo(out);
  Family(kHttpConnectionsRejectedTotal)
      .Add({}, static_cast<double>(snapshot.http.connections_rejected_total))
      .AppendTo(out);
  Family(kHttpRequestHeadTimeoutsTotal)
      .Add({}, static_cast<double>(snapshot.http.request_head_timeouts_total))
      .AppendTo(out);

  auto up = Family(kSourceUp);
  auto last = Family(kSourceLastSuccessTimestampSeconds);
  auto errors = Family(kSourceErrorsTotal);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    for (const auto& [source, st] : cluster.sources) {
      Labels l{{"flink_cluster", cluster_name}, {"source", source}};
      up.Add(l, st.up ? 1 : 0);
      if (st.last_success) last.Add(l, ToUnixSeconds(*st.last_success));
      errors.Add(l, static_cast<double>(st.errors_total));
    }
  }
  up.AppendTo(out);
  last.AppendTo(out);
  errors.AppendTo(out);

  // The checkpoint poller's pace (sources/rest/checkpoint_poller.h).
  auto requests = Family(kCheckpointPollRequestsTotal);
  auto budget = Family(kCheckpointPollBudgetRequestsPerSecond);
  auto overdue = Family(kCheckpointPollOverdueJobs);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    if (!cluster.checkpoint_poll) continue;
    const CheckpointPollStatus& p = *cluster.checkpoint_poll;
    Labels l{{"flink_cluster", cluster_name}};
    requests.Add(l, static_cast<double>(p.requests_total));
    budget.Add(l, p.requests_per_second_budget);
    overdue.Add(l, static_cast<double>(p.overdue_jobs));
  }
  requests.AppendTo(out);
  budget.AppendTo(out);
  overdue.AppendTo(out);
}

std::span<const MetricDesc* const> ExporterCollector::Descriptors() const {
  return kExporterCollectorMetrics;
}

}  // namespace flinkha
