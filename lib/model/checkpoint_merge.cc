// Checkpoint poll planning and merging (pure; the poller owns the I/O).
#include "model/checkpoint_merge.h"

#include "model/job_diagnosis.h"

namespace flinkha {

std::optional<CompletedCheckpoint> NewerCompleted(
    const std::optional<CompletedCheckpoint>& a,
    const std::optional<CompletedCheckpoint>& b) {
  if (!a) return b;
  if (!b) return a;
  if (a->latest_ack_timestamp_ms != b->latest_ack_timestamp_ms) {
    return a->latest_ack_timestamp_ms > b->latest_ack_timestamp_ms ? a : b;
  }
  return a->id >= b->id ? a : b;
}

JobCheckpointObservation MergeCheckpointPoll(
    const JobCheckpointObservation* previous,
    const CheckpointPollResult& poll) {
  JobCheckpointObservation out;
  if (previous) out = *previous;
  out.job_id = poll.job_id;
  out.job_name = poll.job_name;
  out.at = poll.at;
  out.error = poll.error;
  if (poll.checkpointing_disabled) {
    out.stats.reset();
    out.config.reset();
  }
  if (poll.stats) out.stats = poll.stats;
  if (poll.config) out.config = poll.config;
  if (poll.restarts_fetched) out.num_restarts = poll.num_restarts;
  if (poll.exceptions) out.exceptions = poll.exceptions;
  if (poll.details) {
    if (out.details) {
      if (auto bp = BackpressureBetween(*out.details, *poll.details)) {
        out.backpressure = bp;
      }
    }
    out.details = poll.details;
  }
  out.last_completed_ever =
      NewerCompleted(previous ? previous->last_completed_ever : std::nullopt,
                     poll.stats ? poll.stats->latest_completed : std::nullopt);
  return out;
}

JobPollPlan PlanJobPoll(const JobSummary& job, const JobPollTracking* tracking,
                        const std::string& endpoint, int64_t now_ms,
                        int64_t details_period_ms) {
  JobPollPlan plan;
  if (!tracking) {
    // A new job: statistics, config and restarts first. Its exception
    // history and details wait for the next visit, so a start-up round over
    // many jobs (the first full picture) costs no more requests than before.
    plan.fetch_exceptions = false;
    plan.fetch_details = false;
    return plan;
  }
  plan.fetch_config = !tracking->has_config ||
                      tracking->config_start_time_ms != job.start_time_ms;
  // numRestarts changes only when the job restarts, globally or one pipelined
  // region. Every restart cancels and redeploys tasks, and /jobs/overview's
  // last-modification is the latest state change of the job and of any of its
  // tasks, so a restart always moves it: while it is unchanged the previous
  // value is still right. It is fetched anyway when the job is not RUNNING (a
  // restart may be under way and the counter and states need not move
  // together), when another JobManager answers (after a failover the new
  // JobMaster counts from zero), after a failed fetch (has_restarts is false),
  // and every kMaxRestartSkips polls as a guard.
  plan.fetch_restarts =
      !tracking->has_restarts ||
      tracking->restarts_last_modification_ms != job.last_modification_ms ||
      tracking->restarts_endpoint != endpoint || job.state != "RUNNING" ||
      tracking->polls_since_restarts >= kMaxRestartSkips ||
      now_ms - job.last_modification_ms < kMetricStoreLagMs;
  plan.fetch_exceptions =
      !tracking->has_exceptions ||
      tracking->exceptions_last_modification_ms != job.last_modification_ms ||
      tracking->exceptions_endpoint != endpoint ||
      now_ms - job.last_modification_ms < kMetricStoreLagMs;
  plan.fetch_details =
      !tracking->has_details ||
      tracking->details_last_modification_ms != job.last_modification_ms ||
      (job.state == "RUNNING" &&
       now_ms - tracking->details_at_ms >= details_period_ms);
  return plan;
}

void RecordJobPoll(JobPollTracking& tracking, const JobSummary& job,
                   const std::string& endpoint, const JobPollPlan& plan,
                   bool config_ok, bool restarts_ok, bool exceptions_ok,
                   bool details_ok, int64_t now_ms) {
  if (plan.fetch_config) {
    tracking.has_config = config_ok;
    tracking.config_start_time_ms = job.start_time_ms;
  }
  if (plan.fetch_restarts) {
    tracking.has_restarts = restarts_ok;
    tracking.restarts_last_modification_ms = job.last_modification_ms;
    tracking.restarts_endpoint = endpoint;
    tracking.polls_since_restarts = 0;
  } else {
    ++tracking.polls_since_restarts;
  }
  if (plan.fetch_exceptions) {
    tracking.has_exceptions = exceptions_ok;
    tracking.exceptions_last_modification_ms = job.last_modification_ms;
    tracking.exceptions_endpoint = endpoint;
  }
  if (plan.fetch_details) {
    tracking.has_details = details_ok;
    tracking.details_last_modification_ms = job.last_modification_ms;
    tracking.details_at_ms = now_ms;
  }
}

}  // namespace flinkha
