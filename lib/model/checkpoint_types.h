// Typed checkpoint statistics of one job (GET /jobs/<jid>/checkpoints[/config],
// numRestarts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/rest_types.h"

namespace flinkha {

struct CompletedCheckpoint {
  int64_t id = 0;
  int64_t trigger_timestamp_ms = 0;
  int64_t latest_ack_timestamp_ms = 0;
  int64_t end_to_end_duration_ms = 0;
  int64_t checkpointed_size_bytes = 0;  // state_size before Flink 1.15
  int64_t state_size_bytes = 0;
  std::string external_path;
  bool is_savepoint = false;
};

struct FailedCheckpoint {
  int64_t id = 0;
  int64_t trigger_timestamp_ms = 0;
  int64_t failure_timestamp_ms = 0;
  std::string failure_message;  // status JSON only, never a label
};

struct RestoredCheckpoint {
  int64_t id = 0;
  int64_t restore_timestamp_ms = 0;
  bool is_savepoint = false;
  std::string external_path;
};

// GET /jobs/<jid>/checkpoints
struct CheckpointStats {
  int64_t restored = 0;
  int64_t total = 0;
  int64_t in_progress = 0;
  int64_t completed = 0;
  int64_t failed = 0;
  std::optional<CompletedCheckpoint> latest_completed;
  std::optional<CompletedCheckpoint> latest_savepoint;
  std::optional<FailedCheckpoint> latest_failed;
  std::optional<RestoredCheckpoint> latest_restored;
  // The completed entries of `history` (Flink keeps the newest
  // web.checkpoints.history, 10 by default), newest first: Flink's REST caches
  // these statistics for seconds, so `latest` can skip a checkpoint that the
  // history still lists with its acknowledgement time.
  std::vector<CompletedCheckpoint> history_completed;
};

// GET /jobs/<jid>/checkpoints/config
struct CheckpointConfigInfo {
  int64_t interval_ms = 0;
  int64_t timeout_ms = 0;
  int64_t min_pause_ms = 0;
  std::string mode;
  int64_t tolerable_failed_checkpoints = 0;         // absent in old versions: 0
  bool tolerable_failed_checkpoints_known = false;  // false: field absent
};

// What the exporter knows about one job's checkpoints, merged over polls (and
// failovers).
struct JobCheckpointObservation {
  std::string job_id;
  std::string job_name;
  TimePoint at{};
  std::optional<CheckpointStats> stats;
  std::optional<CheckpointConfigInfo> config;
  std::optional<int64_t> num_restarts;
  // Kept across a JobManager failover, when Flink's counts restart and
  // latest.completed is null.
  std::optional<CompletedCheckpoint> last_completed_ever;
  std::string error;  // last poll error for this job, empty when fine
};

}  // namespace flinkha
