// Pure logic of the checkpoint source: which requests a poll needs per job, and
// how one poll merges into what is known (keeping the last completed checkpoint
// across JobManager failovers).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "model/checkpoint_types.h"
#include "model/rest_types.h"

namespace flinkha {

// The newer of two completed checkpoints: the later latest_ack_timestamp, on a
// tie the higher id. Either may be absent.
std::optional<CompletedCheckpoint> NewerCompleted(
    const std::optional<CompletedCheckpoint>& a,
    const std::optional<CompletedCheckpoint>& b);

// What one poll fetched for one job. A field is nullopt when it was not
// requested or failed.
struct CheckpointPollResult {
  std::string job_id;
  std::string job_name;
  TimePoint at{};
  std::optional<CheckpointStats> stats;
  std::optional<CheckpointConfigInfo> config;
  bool restarts_fetched = false;  // the metrics request succeeded
  std::optional<int64_t>
      num_restarts;  // its value; nullopt when Flink has no such metric
  bool checkpointing_disabled =
      false;  // Flink answered 404: no checkpoint statistics exist
  std::optional<ExceptionHistory> exceptions;  // when fetched
  std::shared_ptr<const JobDetails> details;   // when fetched
  std::string error;  // first failure of this job's requests
};

// Merges a poll into the previous observation of the job (null for a job seen
// the first time): fetched values replace old ones; what was not fetched, or
// failed, keeps its previous value (one failed request does not make series
// flap; the source's error shows it). Flink restarts its counts after a
// failover and latest.completed is null until the first new checkpoint, so
// last_completed_ever keeps the newer of the previous one and the polled
// latest.completed. New details give a backpressure share against the previous
// details (the previous share stays when the pair gives none).
JobCheckpointObservation MergeCheckpointPoll(
    const JobCheckpointObservation* previous, const CheckpointPollResult& poll);

// What the poller remembers per job between polls to avoid needless requests.
struct JobPollTracking {
  bool has_config =
      false;  // config known (or known disabled) for config_start_time_ms
  int64_t config_start_time_ms = 0;
  bool has_restarts =
      false;  // numRestarts fetched while the job looked as below
  int64_t restarts_last_modification_ms = 0;
  std::string restarts_endpoint;  // JobManager that answered
  int polls_since_restarts = 0;
  bool has_exceptions = false;  // history fetched while the job looked as below
  int64_t exceptions_last_modification_ms = 0;
  std::string exceptions_endpoint;
  bool has_details = false;  // details fetched while the job looked as below
  int64_t details_last_modification_ms = 0;
  int64_t details_at_ms = 0;  // when (epoch ms)
};

struct JobPollPlan {
  bool fetch_config = true;
  bool fetch_restarts = true;
  bool fetch_exceptions = true;
  bool fetch_details = true;
};

// How often a running job's details (backpressure) are read when nothing
// changed: twice the longest checkpoint cadence, 2 minutes at the default
// poll_interval, so they add at most half a statistics request per job.
inline int64_t DetailsPeriodMs(Duration poll_interval) {
  return 2 * std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::max(poll_interval,
                          std::min<Duration>(std::chrono::seconds(60),
                                             poll_interval * 12)))
                 .count();
}

// Polls numRestarts is skipped at most this many times in a row (a guard, see
// PlanJobPoll).
inline constexpr int kMaxRestartSkips = 12;

// Flink's REST answers job metrics from a store its MetricFetcher refreshes at
// most every metrics.fetcher.update-interval (10 s by default): numRestarts is
// asked again until a state change is older than that, or the first answer
// after a restart is the stale count (seen on Flink 1.20: 0 after a restart).
inline constexpr int64_t kMetricStoreLagMs = 15000;

// numRestarts read before this time (epoch milliseconds) may be the count from
// before the job's latest change: the poller asks once more then, still inside
// the kMetricStoreLagMs window (so PlanJobPoll asks) but after Flink's
// fetcher refreshed.
inline int64_t RestartsRecheckAtMs(const JobSummary& job) {
  return job.last_modification_ms + kMetricStoreLagMs - 1000;
}

// Decides the optional requests of one poll for one job (statistics are fetched
// every poll): the config when the job is new or its start-time changed (a new
// JobMaster may run it with a new configuration); numRestarts unless nothing
// could have changed it, see the .cc.
// The exception history from the second visit of a job on, when it changed
// (last-modification
// moves with every restart, also of one region) and for kMetricStoreLagMs
// after, the details when it changed and every details_period_ms while
// RUNNING.
// now_ms: the poll's time, epoch milliseconds.
JobPollPlan PlanJobPoll(const JobSummary& job, const JobPollTracking* tracking,
                        const std::string& endpoint,
                        int64_t now_ms = std::numeric_limits<int64_t>::max(),
                        int64_t details_period_ms = 120000);

// Updates the tracking after the poll planned by plan: config_ok / restarts_ok
// say whether those requests succeeded (a 404 for a job without checkpointing
// counts as a config answer); so do exceptions_ok and details_ok, now_ms is
// the poll's time.
void RecordJobPoll(JobPollTracking& tracking, const JobSummary& job,
                   const std::string& endpoint, const JobPollPlan& plan,
                   bool config_ok, bool restarts_ok, bool exceptions_ok = false,
                   bool details_ok = false, int64_t now_ms = 0);

}  // namespace flinkha
