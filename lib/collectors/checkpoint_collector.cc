// Per-job checkpoint metrics: counts, last completed/failed/restored
// checkpoint, interval.
#include "collectors/checkpoint_collector.h"

#include <cstdint>
#include <limits>

#include "collectors/family.h"

namespace flinkha {
namespace {

constexpr std::string_view kStats =
    " (GET /jobs/<jid>/checkpoints of the leading JobManager). Refreshed at a "
    "quarter of the job's checkpoint interval, between poll_interval and 60 "
    "s.";
constexpr std::string_view kConfig =
    " (GET /jobs/<jid>/checkpoints/config of the leading JobManager, read when "
    "the job starts).";

// Flink writes -1 or 0 for "no such time" and Long.MAX_VALUE for "never"
// (periodic checkpointing off): such values are unknown and their series are
// left out.
bool Known(int64_t v) {
  return v > 0 && v != std::numeric_limits<int64_t>::max();
}

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kCheckpointsCompleted{
    "flinkha_checkpoints_completed", prometheus::MetricType::Gauge,
    "Completed checkpoints counted by the job's current JobMaster; restarts "
    "from zero after a JobManager failover",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointsFailed{
    "flinkha_checkpoints_failed", prometheus::MetricType::Gauge,
    "Failed checkpoints counted by the job's current JobMaster; restarts from "
    "zero after a JobManager failover",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointsInProgress{
    "flinkha_checkpoints_in_progress", prometheus::MetricType::Gauge,
    "Checkpoints in progress", kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointsRestored{
    "flinkha_checkpoints_restored", prometheus::MetricType::Gauge,
    "Restores from a checkpoint counted by the job's current JobMaster", kStats,
    "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastCompletedTimestampSeconds{
    "flinkha_checkpoint_last_completed_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time the last completed checkpoint was acknowledged, seconds since epoch; "
    "kept across JobManager failovers, when Flink forgets it until the next "
    "one",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastCompletedId{
    "flinkha_checkpoint_last_completed_id", prometheus::MetricType::Gauge,
    "Id of the last completed checkpoint; kept across JobManager failovers",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastDurationSeconds{
    "flinkha_checkpoint_last_duration_seconds", prometheus::MetricType::Gauge,
    "End-to-end duration of the last completed checkpoint", kStats,
    "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastSizeBytes{
    "flinkha_checkpoint_last_size_bytes", prometheus::MetricType::Gauge,
    "Size written by the last completed checkpoint (checkpointed_size; "
    "state_size before Flink 1.15)",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastFailureTimestampSeconds{
    "flinkha_checkpoint_last_failure_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time the last failed checkpoint failed, seconds since epoch; absent when "
    "none failed under the current JobMaster",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastRestoreTimestampSeconds{
    "flinkha_checkpoint_last_restore_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time the job was last restored from a checkpoint, seconds since epoch",
    kStats, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointLastRestoredId{
    "flinkha_checkpoint_last_restored_id", prometheus::MetricType::Gauge,
    "Id of the checkpoint the job was last restored from", kStats,
    "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointIntervalSeconds{
    "flinkha_checkpoint_interval_seconds", prometheus::MetricType::Gauge,
    "Configured checkpoint interval", kConfig, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointTimeoutSeconds{
    "flinkha_checkpoint_timeout_seconds", prometheus::MetricType::Gauge,
    "Configured checkpoint timeout", kConfig, "flink_cluster,job_id,job_name"};

constexpr MetricDesc kCheckpointTolerableFailures{
    "flinkha_checkpoint_tolerable_failures", prometheus::MetricType::Gauge,
    "Configured tolerable failed checkpoints before the job fails", kConfig,
    "flink_cluster,job_id,job_name"};

constexpr const MetricDesc* kCheckpointCollectorMetrics[] = {
    &kCheckpointsCompleted,
    &kCheckpointsFailed,
    &kCheckpointsInProgress,
    &kCheckpointsRestored,
    &kCheckpointLastCompletedTimestampSeconds,
    &kCheckpointLastCompletedId,
    &kCheckpointLastDurationSeconds,
    &kCheckpointLastSizeBytes,
    &kCheckpointLastFailureTimestampSeconds,
    &kCheckpointLastRestoreTimestampSeconds,
    &kCheckpointLastRestoredId,
    &kCheckpointIntervalSeconds,
    &kCheckpointTimeoutSeconds,
    &kCheckpointTolerableFailures};

}  // namespace

void CheckpointCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto completed = Family(kCheckpointsCompleted);
  auto failed = Family(kCheckpointsFailed);
  auto in_progress = Family(kCheckpointsInProgress);
  auto restored = Family(kCheckpointsRestored);
  auto last_ts = Family(kCheckpointLastCompletedTimestampSeconds);
  auto last_id = Family(kCheckpointLastCompletedId);
  auto last_duration = Family(kCheckpointLastDurationSeconds);
  auto last_size = Family(kCheckpointLastSizeBytes);
  auto last_failure = Family(kCheckpointLastFailureTimestampSeconds);
  auto last_restore = Family(kCheckpointLastRestoreTimestampSeconds);
  auto last_restored_id = Family(kCheckpointLastRestoredId);
  auto interval = Family(kCheckpointIntervalSeconds);
  auto timeout = Family(kCheckpointTimeoutSeconds);
  auto tolerable = Family(kCheckpointTolerableFailures);

  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    for (const auto& [job_id, ptr] : cluster.checkpoints) {
      if (!ptr) continue;
      const JobCheckpointObservation& o = *ptr;
      const Labels l{{"flink_cluster", cluster_name},
                     {"job_id", o.job_id},
                     {"job_name", o.job_name}};
      if (o.stats) {
        const CheckpointStats& s = *o.stats;
        completed.Add(l, static_cast<double>(s.completed));
        failed.Add(l, static_cast<double>(s.failed));
        in_progress.Add(l, static_cast<double>(s.in_progress));
        restored.Add(l, static_cast<double>(s.restored));
        if (s.latest_failed && Known(s.latest_failed->failure_timestamp_ms)) {
          last_failure.Add(
              l, MillisToSeconds(s.latest_failed->failure_timestamp_ms));
        }
        if (s.latest_restored) {
          if (Known(s.latest_restored->restore_timestamp_ms)) {
            last_restore.Add(
                l, MillisToSeconds(s.latest_restored->restore_timestamp_ms));
          }
          if (s.latest_restored->id >= 0) {
            last_restored_id.Add(l, static_cast<double>(s.latest_restored->id));
          }
        }
      }
      if (o.last_completed_ever) {
        const CompletedCheckpoint& c = *o.last_completed_ever;
        if (Known(c.latest_ack_timestamp_ms)) {
          last_ts.Add(l, MillisToSeconds(c.latest_ack_timestamp_ms));
        }
        if (c.id >= 0) last_id.Add(l, static_cast<double>(c.id));
        if (c.end_to_end_duration_ms >= 0) {
          last_duration.Add(l, MillisToSeconds(c.end_to_end_duration_ms));
        }
        if (c.checkpointed_size_bytes >= 0) {
          last_size.Add(l, static_cast<double>(c.checkpointed_size_bytes));
        }
      }
      if (o.config) {
        if (Known(o.config->interval_ms))
          interval.Add(l, MillisToSeconds(o.config->interval_ms));
        if (Known(o.config->timeout_ms))
          timeout.Add(l, MillisToSeconds(o.config->timeout_ms));
        if (o.config->tolerable_failed_checkpoints_known &&
            o.config->tolerable_failed_checkpoints >= 0) {
          tolerable.Add(
              l, static_cast<double>(o.config->tolerable_failed_checkpoints));
        }
      }
    }
  }
  for (FamilyBuilder* f :
       {&completed, &failed, &in_progress, &restored, &last_ts, &last_id,
        &last_duration, &last_size, &last_failure, &last_restore,
        &last_restored_id, &interval, &timeout, &tolerable}) {
    f->AppendTo(out);
  }
}

bool CheckpointCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    for (const auto& [job_id, ptr] : cluster.checkpoints) key->Add(ptr.get());
  }
  return true;
}

std::span<const MetricDesc* const> CheckpointCollector::Descriptors() const {
  return kCheckpointCollectorMetrics;
}

}  // namespace flinkha
