// Failover report of the last failover: what was lost and how, the recovery
// point and the time until the job runs, checkpoints and writes again.
#include "collectors/recovery_collector.h"

#include "collectors/family.h"

namespace flinkha {

namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kFailoverRecoverySeconds{
    "flinkha_failover_recovery_seconds", prometheus::MetricType::Gauge,
    "Time from the last failover's leader loss (its first evidence) until the "
    "job was RUNNING again (phase=job_running), until its first new completed "
    "checkpoint (phase=checkpoint), and until the first new committed output "
    "file (phase=output). A phase appears once reached.",
    "", "flink_cluster,phase"};

constexpr MetricDesc kFailoverRecoveryStartTimestampSeconds{
    "flinkha_failover_recovery_start_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "When the last failover began (first evidence of the leader loss), seconds "
    "since epoch.",
    "", "flink_cluster"};

constexpr MetricDesc kLastFailoverInfo{
    "flinkha_last_failover_info", prometheus::MetricType::Gauge,
    "The last failover: the JobManager lost, how (refused, timed_out, "
    "session_expired, left, revoked, unknown: the first evidence) and the one "
    "that took over; constant 1.",
    "", "flink_cluster,lost_jobmanager,cause,new_jobmanager"};

constexpr MetricDesc kFailoverRestoredCheckpointId{
    "flinkha_failover_restored_checkpoint_id", prometheus::MetricType::Gauge,
    "Checkpoint the job resumed from after the last failover (latest.restored "
    "of /jobs/<jid>/checkpoints).",
    "", "flink_cluster"};

constexpr MetricDesc kFailoverRestoredCheckpointAgeSeconds{
    "flinkha_failover_restored_checkpoint_age_seconds",
    prometheus::MetricType::Gauge,
    "Age of the restored checkpoint at the leader loss: the processing the job "
    "replays after the last failover (its recovery point).",
    "", "flink_cluster"};

constexpr const MetricDesc* kRecoveryCollectorMetrics[] = {
    &kFailoverRecoverySeconds, &kFailoverRecoveryStartTimestampSeconds,
    &kLastFailoverInfo, &kFailoverRestoredCheckpointId,
    &kFailoverRestoredCheckpointAgeSeconds};

}  // namespace

void RecoveryCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto seconds = Family(kFailoverRecoverySeconds);
  auto started = Family(kFailoverRecoveryStartTimestampSeconds);
  auto info = Family(kLastFailoverInfo);
  auto restored = Family(kFailoverRestoredCheckpointId);
  auto restored_age = Family(kFailoverRestoredCheckpointAgeSeconds);
  for (const auto& [name, c] : snapshot.clusters) {
    // The last failover that ended: a newer open one may still turn out a
    // blip (the same leader serving again).
    const FailoverReport* last =
        c.failover ? c.failover->last_closed() : nullptr;
    if (!last) continue;
    const FailoverReport& r = *last;
    const Labels l{{"flink_cluster", name}};
    started.Add(l, ToUnixSeconds(r.lost_at));
    if (!r.new_jobmanager.empty()) {
      info.Add({{"flink_cluster", name},
                {"lost_jobmanager", r.lost_jobmanager},
                {"cause", LossCauseName(r.cause)},
                {"new_jobmanager", r.new_jobmanager}},
               1);
    }
    // l, not the structured binding `name`: clang before 16 cannot capture
    // those in a lambda.
    auto add = [&](const char* phase, const std::optional<TimePoint>& t) {
      if (auto v = r.SecondsTo(t)) {
        Labels phased = l;
        phased.emplace_back("phase", phase);
        seconds.Add(phased, *v);
      }
    };
    add("job_running", r.job_running_at);
    add("checkpoint", r.checkpoint_at);
    add("output", r.output_at);
    if (r.restored_checkpoint_id) {
      restored.Add(l, static_cast<double>(*r.restored_checkpoint_id));
    }
    if (r.restored_checkpoint_age_seconds) {
      restored_age.Add(l, *r.restored_checkpoint_age_seconds);
    }
  }
  seconds.AppendTo(out);
  started.AppendTo(out);
  info.AppendTo(out);
  restored.AppendTo(out);
  restored_age.AppendTo(out);
}

bool RecoveryCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [name, c] : snapshot.clusters) {
    key->Add(name);
    key->Add(c.failover.get());
  }
  return true;
}

std::span<const MetricDesc* const> RecoveryCollector::Descriptors() const {
  return kRecoveryCollectorMetrics;
}

}  // namespace flinkha
