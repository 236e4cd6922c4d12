// Metrics about the exporter itself: build info, per-source health, config
// reloads, the HTTP listener.
#include "collectors/exporter_collector.h"

#include "collectors/family.h"
#include "util/build_info.h"

namespace flinkha {

void ExporterCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  Gauge("flinkha_build_info",
        "Build information of flink-ha-exporter; constant 1.")
      .Add({{"version", std::string(BuildVersion())},
            {"revision", std::string(BuildRevision())},
            {"compiler", std::string(BuildCompiler())}},
           1)
      .AppendTo(out);
  Gauge("flinkha_start_time_seconds",
        "Start time of the exporter process, seconds since epoch.")
      .Add({}, ToUnixSeconds(snapshot.started_at))
      .AppendTo(out);
  Gauge("flinkha_config_last_reload_successful",
        "Whether the last configuration reload succeeded (1) or was rejected "
        "(0).")
      .Add({}, snapshot.config_last_reload_successful ? 1 : 0)
      .AppendTo(out);
  auto reload_ts = Gauge(
      "flinkha_config_last_reload_success_timestamp_seconds",
      "Time of the last successful configuration load, seconds since epoch.");
  if (snapshot.config_last_reload_success) {
    reload_ts.Add({}, ToUnixSeconds(*snapshot.config_last_reload_success));
  }
  reload_ts.AppendTo(out);
  Counter("flinkha_http_connections_rejected_total",
          "HTTP connections refused because the listener already had its "
          "maximum of open connections.")
      .Add({}, static_cast<double>(snapshot.http.connections_rejected_total))
      .AppendTo(out);
  Counter("flinkha_http_request_head_timeouts_total",
          "HTTP connections closed because a request head (or TLS handshake) "
          "did not arrive within the deadline.")
      .Add({}, static_cast<double>(snapshot.http.request_head_timeouts_total))
      .AppendTo(out);

  auto up = Gauge("flinkha_source_up",
                  "Whether the last attempt of this source (REST poller, "
                  "ZooKeeper watcher, "
                  "output watcher, ...) succeeded.");
  auto last = Gauge("flinkha_source_last_success_timestamp_seconds",
                    "Time of the last successful attempt of this source, "
                    "seconds since epoch.");
  auto errors =
      Counter("flinkha_source_errors_total",
              "Failed attempts of this source since the exporter started.");
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
  auto requests = Counter(
      "flinkha_checkpoint_poll_requests_total",
      "Checkpoint statistics, checkpoint config and numRestarts requests sent "
      "to the JobManager asked.");
  auto budget = Gauge("flinkha_checkpoint_poll_budget_requests_per_second",
                      "The configured checkpoint_requests_per_second.");
  auto overdue = Gauge(
      "flinkha_checkpoint_poll_overdue_jobs",
      "Jobs whose checkpoint poll is more than one poll interval late: the "
      "request budget is too small for the jobs.");
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

}  // namespace flinkha
