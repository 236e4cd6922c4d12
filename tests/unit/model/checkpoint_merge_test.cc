// Checkpoint merge and poll planning: the last completed checkpoint survives a
// failover, values not fetched are kept, and numRestarts is only skipped when
// nothing could have changed it.
#include "model/checkpoint_merge.h"

#include <catch2/catch.hpp>

#include "model/checkpoint_parsers.h"
#include "support/fake_flink.h"

namespace flinkha {
namespace {

using testing::ReadFlinkFixture;

CompletedCheckpoint Completed(int64_t id, int64_t ack_ms) {
  CompletedCheckpoint c;
  c.id = id;
  c.latest_ack_timestamp_ms = ack_ms;
  return c;
}

CheckpointStats Stats(const std::string& fixture) {
  auto s = ParseCheckpointStats(ReadFlinkFixture(fixture));
  REQUIRE(s.ok());
  return *s;
}

TEST_CASE("NewerCompleted keeps the later acknowledged checkpoint",
          "[model][checkpoints]") {
  CHECK_FALSE(NewerCompleted(std::nullopt, std::nullopt));
  CHECK(NewerCompleted(Completed(1, 100), std::nullopt)->id == 1);
  CHECK(NewerCompleted(std::nullopt, Completed(2, 100))->id == 2);
  CHECK(NewerCompleted(Completed(1, 200), Completed(9, 100))->id == 1);
  CHECK(NewerCompleted(Completed(9, 100), Completed(1, 200))->id == 1);
  CHECK(NewerCompleted(Completed(3, 100), Completed(4, 100))->id == 4);
}

TEST_CASE(
    "MergeCheckpointPoll keeps the last completed checkpoint across a failover",
    "[model][checkpoints]") {
  CheckpointPollResult before;
  before.job_id = "j1";
  before.job_name = "csv-writer";
  before.stats = Stats("1.18/checkpoints.json");
  before.restarts_fetched = true;
  before.num_restarts = 2;
  const JobCheckpointObservation first = MergeCheckpointPoll(nullptr, before);
  REQUIRE(first.last_completed_ever);
  CHECK(first.last_completed_ever->id == 42);
  CHECK(first.num_restarts == 2);

  // New JobMaster: counts restart at zero and latest.completed is null.
  CheckpointPollResult after;
  after.job_id = "j1";
  after.job_name = "csv-writer";
  after.stats = Stats("1.18/checkpoints_after_failover.json");
  after.restarts_fetched = true;
  after.num_restarts = 0;
  const JobCheckpointObservation second = MergeCheckpointPoll(&first, after);
  REQUIRE(second.stats);
  CHECK(second.stats->completed == 0);
  CHECK_FALSE(second.stats->latest_completed);
  REQUIRE(second.last_completed_ever);
  CHECK(second.last_completed_ever->id == 42);
  CHECK(second.last_completed_ever->latest_ack_timestamp_ms == 1717002521830);
  CHECK(second.num_restarts == 0);

  // The first checkpoint of the new JobMaster replaces it.
  CheckpointPollResult later = after;
  later.stats->completed = 1;
  later.stats->latest_completed = Completed(43, 1717002700000);
  const JobCheckpointObservation third = MergeCheckpointPoll(&second, later);
  CHECK(third.last_completed_ever->id == 43);

  // An older checkpoint (e.g. a lagging endpoint) never moves it back.
  CheckpointPollResult stale = before;
  const JobCheckpointObservation fourth = MergeCheckpointPoll(&third, stale);
  CHECK(fourth.last_completed_ever->id == 43);
}

TEST_CASE("MergeCheckpointPoll keeps values a poll did not fetch",
          "[model][checkpoints]") {
  CheckpointPollResult full;
  full.job_id = "j1";
  full.stats = Stats("1.18/checkpoints.json");
  full.config = CheckpointConfigInfo{60000, 600000, 0, "exactly_once", 3, true};
  full.restarts_fetched = true;
  full.num_restarts = 5;
  const JobCheckpointObservation first = MergeCheckpointPoll(nullptr, full);

  CheckpointPollResult failed;  // every request failed this time
  failed.job_id = "j1";
  failed.error = "GET /jobs/j1/checkpoints: timeout after 3s";
  const JobCheckpointObservation second = MergeCheckpointPoll(&first, failed);
  REQUIRE(second.stats);
  CHECK(second.stats->completed == 24);
  REQUIRE(second.config);
  CHECK(second.config->interval_ms == 60000);
  CHECK(second.num_restarts == 5);
  CHECK(second.error == "GET /jobs/j1/checkpoints: timeout after 3s");

  CheckpointPollResult ok = failed;
  ok.error.clear();
  ok.stats = Stats("1.18/checkpoints.json");
  CHECK(MergeCheckpointPoll(&second, ok).error.empty());

  CheckpointPollResult unknown_metric;  // fetched, but Flink has no such metric
  unknown_metric.job_id = "j1";
  unknown_metric.restarts_fetched = true;
  CHECK_FALSE(MergeCheckpointPoll(&first, unknown_metric).num_restarts);

  CheckpointPollResult disabled;
  disabled.job_id = "j1";
  disabled.checkpointing_disabled = true;
  const JobCheckpointObservation off = MergeCheckpointPoll(&first, disabled);
  CHECK_FALSE(off.stats);
  CHECK_FALSE(off.config);
  CHECK(off.last_completed_ever);  // history is not forgotten
}

JobSummary Job(int64_t start, int64_t modified,
               const std::string& state = "RUNNING") {
  JobSummary j;
  j.id = "d4f5e2a1c3b7a9e8f0d1c2b3a4e5f6a7";
  j.state = state;
  j.start_time_ms = start;
  j.last_modification_ms = modified;
  return j;
}

TEST_CASE(
    "PlanJobPoll fetches config on start-time changes and restarts only when "
    "needed",
    "[model][checkpoints]") {
  const JobSummary job = Job(1000, 2000);
  const JobPollPlan first = PlanJobPoll(job, nullptr, "jm-1");
  CHECK(first.fetch_config);
  CHECK(first.fetch_restarts);

  JobPollTracking t;
  RecordJobPoll(t, job, "jm-1", first, true, true);
  const JobPollPlan steady = PlanJobPoll(job, &t, "jm-1");
  CHECK_FALSE(steady.fetch_config);
  CHECK_FALSE(steady.fetch_restarts);

  CHECK(PlanJobPoll(Job(1000, 2500), &t, "jm-1")
            .fetch_restarts);  // tasks changed state
  CHECK_FALSE(PlanJobPoll(Job(1000, 2500), &t, "jm-1").fetch_config);
  CHECK(
      PlanJobPoll(Job(1500, 2000), &t, "jm-1").fetch_config);  // new JobMaster
  CHECK(PlanJobPoll(job, &t, "jm-2").fetch_restarts);          // other endpoint
  CHECK(PlanJobPoll(Job(1000, 2000, "RESTARTING"), &t, "jm-1").fetch_restarts);

  // A failed fetch is retried next poll.
  JobPollTracking failed;
  RecordJobPoll(failed, job, "jm-1", first, false, false);
  CHECK(PlanJobPoll(job, &failed, "jm-1").fetch_config);
  CHECK(PlanJobPoll(job, &failed, "jm-1").fetch_restarts);

  // The guard: never more than kMaxRestartSkips skipped polls in a row.
  JobPollTracking guard = t;
  int skipped = 0;
  while (!PlanJobPoll(job, &guard, "jm-1").fetch_restarts && skipped < 100) {
    RecordJobPoll(guard, job, "jm-1", PlanJobPoll(job, &guard, "jm-1"), true,
                  true);
    ++skipped;
  }
  CHECK(skipped == kMaxRestartSkips);
}

TEST_CASE("PlanJobPoll asks numRestarts again while Flink's metric store lags",
          "[model][checkpoints]") {
  // RUNNING again after a restart at 2000 ms: the first answer may be the
  // stale count, so every poll asks until the change is kMetricStoreLagMs old.
  const JobSummary job = Job(1000, 2000);
  JobPollTracking t;
  RecordJobPoll(t, job, "jm-1", PlanJobPoll(job, nullptr, "jm-1", 2100), true,
                true);
  CHECK(PlanJobPoll(job, &t, "jm-1", 2000 + kMetricStoreLagMs - 1)
            .fetch_restarts);
  CHECK_FALSE(
      PlanJobPoll(job, &t, "jm-1", 2000 + kMetricStoreLagMs).fetch_restarts);
}

}  // namespace
}  // namespace flinkha
