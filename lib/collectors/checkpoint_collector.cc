// Per-job checkpoint metrics: counts, last completed/failed/restored
// checkpoint, interval.
#include "collectors/checkpoint_collector.h"

#include <cstdint>
#include <limits>

#include "collectors/family.h"

namespace flinkha {
namespace {

constexpr const char* kStats =
    " (GET /jobs/<jid>/checkpoints of the leading JobManager). Refreshed at a "
    "quarter of the job's checkpoint interval, between poll_interval and 60 "
    "s.";
constexpr const char* kConfig =
    " (GET /jobs/<jid>/checkpoints/config of the leading JobManager, read when "
    "the job starts).";

// Flink writes -1 or 0 for "no such time" and Long.MAX_VALUE for "never"
// (periodic checkpointing off): such values are unknown and their series are
// left out.
bool Known(int64_t v) {
  return v > 0 && v != std::numeric_limits<int64_t>::max();
}

}  // namespace

void CheckpointCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto completed =
      Gauge("flinkha_checkpoints_completed",
            std::string("Completed checkpoints counted by the job's current "
                        "JobMaster; restarts from zero after a JobManager "
                        "failover") +
                kStats);
  auto failed = Gauge(
      "flinkha_checkpoints_failed",
      std::string("Failed checkpoints counted by the job's current JobMaster; "
                  "restarts from zero after a JobManager failover") +
          kStats);
  auto in_progress = Gauge("flinkha_checkpoints_in_progress",
                           std::string("Checkpoints in progress") + kStats);
  auto restored = Gauge(
      "flinkha_checkpoints_restored",
      std::string("Restores from a checkpoint counted by the job's current "
                  "JobMaster") +
          kStats);
  auto last_ts = Gauge("flinkha_checkpoint_last_completed_timestamp_seconds",
                       std::string("Time the last completed checkpoint was "
                                   "acknowledged, seconds since epoch; kept "
                                   "across JobManager failovers, when Flink "
                                   "forgets it until the next one") +
                           kStats);
  auto last_id = Gauge(
      "flinkha_checkpoint_last_completed_id",
      std::string("Id of the last completed checkpoint; kept across JobManager "
                  "failovers") +
          kStats);
  auto last_duration =
      Gauge("flinkha_checkpoint_last_duration_seconds",
            std::string("End-to-end duration of the last completed "
                        "checkpoint") +
                kStats);
  auto last_size =
      Gauge("flinkha_checkpoint_last_size_bytes",
            std::string("Size written by the last completed checkpoint "
                        "(checkpointed_size; state_size before Flink 1.15)") +
                kStats);
  auto last_failure =
      Gauge("flinkha_checkpoint_last_failure_timestamp_seconds",
            std::string("Time the last failed checkpoint failed, seconds since "
                        "epoch; absent when none failed under the current "
                        "JobMaster") +
                kStats);
  auto last_restore =
      Gauge("flinkha_checkpoint_last_restore_timestamp_seconds",
            std::string("Time the job was last restored from a checkpoint, "
                        "seconds since epoch") +
                kStats);
  auto last_restored_id =
      Gauge("flinkha_checkpoint_last_restored_id",
            std::string("Id of the checkpoint the job was last restored "
                        "from") +
                kStats);
  auto interval =
      Gauge("flinkha_checkpoint_interval_seconds",
            std::string("Configured checkpoint interval") + kConfig);
  auto timeout = Gauge("flinkha_checkpoint_timeout_seconds",
                       std::string("Configured checkpoint timeout") + kConfig);
  auto tolerable = Gauge(
      "flinkha_checkpoint_tolerable_failures",
      std::string("Configured tolerable failed checkpoints before the job "
                  "fails") +
          kConfig);

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

}  // namespace flinkha
