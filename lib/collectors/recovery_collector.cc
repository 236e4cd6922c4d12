// Failover recovery timeline: time until the job runs, checkpoints and writes
// again.
#include "collectors/recovery_collector.h"

#include "collectors/family.h"

namespace flinkha {

void RecoveryCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto seconds = Gauge(
      "flinkha_failover_recovery_seconds",
      "Time from the last failover's leader loss until the job was RUNNING "
      "again (phase=job_running), until its first new completed checkpoint "
      "(phase=checkpoint), and until the first new output file "
      "(phase=output). A phase appears once reached.");
  auto started = Gauge("flinkha_failover_recovery_start_timestamp_seconds",
                       "When the last failover began (leader lost), seconds "
                       "since epoch.");
  for (const auto& [name, c] : snapshot.clusters) {
    if (c.recoveries.empty()) continue;
    const RecoveryTimeline& r = c.recoveries.back();
    started.Add({{"flink_cluster", name}}, ToUnixSeconds(r.failover_at));
    auto add = [&](const char* phase, const std::optional<double>& v) {
      if (v) seconds.Add({{"flink_cluster", name}, {"phase", phase}}, *v);
    };
    add("job_running", r.job_running_seconds);
    add("checkpoint", r.checkpoint_seconds);
    add("output", r.output_seconds);
  }
  seconds.AppendTo(out);
  started.AppendTo(out);
}

}  // namespace flinkha
