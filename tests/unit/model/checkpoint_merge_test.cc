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

TEST_CASE(
    "PlanJobPoll asks for the exception history when the job changed and the "
    "details when it changed or once a period while RUNNING",
    "[model][checkpoints][diagnosis]") {
  const JobSummary job = Job(1000, 2000);
  const int64_t later = 2000 + kMetricStoreLagMs;
  // The first visit leaves them to the second: a start-up round costs what
  // it did.
  const JobPollPlan first = PlanJobPoll(job, nullptr, "jm-1", later, 60000);
  CHECK_FALSE(first.fetch_exceptions);
  CHECK_FALSE(first.fetch_details);
  JobPollTracking t;
  RecordJobPoll(t, job, "jm-1", first, true, true, false, false, later);
  const JobPollPlan second = PlanJobPoll(job, &t, "jm-1", later + 1, 60000);
  CHECK(second.fetch_exceptions);
  CHECK(second.fetch_details);
  RecordJobPoll(t, job, "jm-1", second, true, true, true, true, later);
  const JobPollPlan steady = PlanJobPoll(job, &t, "jm-1", later + 1, 60000);
  CHECK_FALSE(steady.fetch_exceptions);
  CHECK_FALSE(steady.fetch_details);
  // A restart (also of one region) moves last-modification.
  const JobPollPlan changed =
      PlanJobPoll(Job(1000, later), &t, "jm-1", later + 1, 60000);
  CHECK(changed.fetch_exceptions);
  CHECK(changed.fetch_details);
  // A new JobMaster has its own history.
  CHECK(PlanJobPoll(job, &t, "jm-2", later + 1, 60000).fetch_exceptions);
  // The details once a period while RUNNING, not otherwise.
  CHECK(PlanJobPoll(job, &t, "jm-1", later + 60000, 60000).fetch_details);
  CHECK_FALSE(PlanJobPoll(Job(1000, 2000, "RESTARTING"), &t, "jm-1",
                          later + 60000, 60000)
                  .fetch_details);
  // Failed fetches are retried.
  JobPollTracking failed;
  RecordJobPoll(failed, job, "jm-1", second, true, true, false, false, later);
  CHECK(PlanJobPoll(job, &failed, "jm-1", later + 1, 60000).fetch_exceptions);
  CHECK(PlanJobPoll(job, &failed, "jm-1", later + 1, 60000).fetch_details);
  // 2 x the longest cadence: 2 min at the default 5 s poll interval.
  CHECK(DetailsPeriodMs(std::chrono::seconds(5)) == 120000);
  CHECK(DetailsPeriodMs(std::chrono::seconds(1)) == 24000);
}

TEST_CASE(
    "MergeCheckpointPoll: new details give a backpressure share against the "
    "previous ones; the history is replaced",
    "[model][checkpoints][diagnosis]") {
  auto details = [](int64_t now, double bp, double idle) {
    auto d = std::make_shared<JobDetails>();
    d->state = "RUNNING";
    d->now_ms = now;
    VertexTimes v;
    v.id = "v";
    v.name = "Source: rows";
    v.parallelism = 1;
    v.backpressured_ms = bp;
    v.idle_ms = idle;
    v.busy_ms = 0;
    d->vertices.push_back(v);
    return std::shared_ptr<const JobDetails>(d);
  };
  CheckpointPollResult p1;
  p1.job_id = "j";
  p1.details = details(0, 0, 0);
  p1.exceptions = ExceptionHistory{};
  const JobCheckpointObservation o1 = MergeCheckpointPoll(nullptr, p1);
  CHECK_FALSE(o1.backpressure);
  CHECK(o1.details == p1.details);
  CheckpointPollResult p2;
  p2.job_id = "j";
  p2.details = details(10000, 6000, 4000);
  const JobCheckpointObservation o2 = MergeCheckpointPoll(&o1, p2);
  REQUIRE(o2.backpressure);
  CHECK(o2.backpressure->ratio == Approx(0.6));
  CHECK(o2.backpressure->vertex == "Source: rows");
  CHECK(o2.exceptions);  // not fetched: kept
  // Details that give no share (not refreshed) keep the last share.
  CheckpointPollResult p3;
  p3.job_id = "j";
  p3.details = details(20000, 6000, 4000);
  const JobCheckpointObservation o3 = MergeCheckpointPoll(&o2, p3);
  REQUIRE(o3.backpressure);
  CHECK(o3.backpressure->ratio == Approx(0.6));
  CHECK(o3.details == p3.details);
}

}  // namespace
}  // namespace flinkha
