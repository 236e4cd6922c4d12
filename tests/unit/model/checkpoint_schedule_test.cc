// The checkpoint poll schedule with a fake clock: cadence from the checkpoint
// interval, the request budget never exceeded, requests spread without
// bursts, and jobs due again when they change.
#include "model/checkpoint_schedule.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

CadenceInput Running(std::optional<Duration> interval) {
  CadenceInput in;
  in.running = true;
  in.checkpoint_interval = interval;
  return in;
}

TEST_CASE("the cadence is a quarter of the checkpoint interval, clamped",
          "[model][schedule]") {
  const Duration poll = seconds(5);
  CHECK(MaxCheckpointCadence(poll) == seconds(60));
  CHECK(MaxCheckpointCadence(seconds(1)) == seconds(12));
  CHECK(MaxCheckpointCadence(seconds(120)) == seconds(120));  // never < poll

  CHECK(CheckpointCadence(Running(std::chrono::minutes(5)), poll) ==
        seconds(60));
  CHECK(CheckpointCadence(Running(seconds(60)), poll) == seconds(15));
  CHECK(CheckpointCadence(Running(seconds(10)), poll) == poll);   // not faster
  CHECK(CheckpointCadence(Running(std::nullopt), poll) == poll);  // unknown
  CHECK(CheckpointCadence(Running(std::chrono::minutes(5)), seconds(1)) ==
        seconds(12));

  CadenceInput restarting = Running(std::chrono::minutes(5));
  restarting.running = false;
  CHECK(CheckpointCadence(restarting, poll) == poll);
  CadenceInput disabled = Running(std::nullopt);
  disabled.checkpointing_disabled = true;
  CHECK(CheckpointCadence(disabled, poll) == seconds(60));
}

// The most request starts (sorted) in any window [t, t+1s).
size_t BusiestSecond(const std::vector<MonoTime>& starts) {
  size_t most = 0;
  for (size_t i = 0, j = 0; i < starts.size(); ++i) {
    while (j < starts.size() && starts[j] < starts[i] + seconds(1)) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

TEST_CASE("the pacer spaces requests 1/rate apart, also after a pause",
          "[model][schedule]") {
  RequestPacer pacer(20);
  CHECK(pacer.spacing() == milliseconds(50));
  const MonoTime t0{};
  // Greedy: take every slot as soon as it opens, for 10 s.
  std::vector<MonoTime> starts;
  MonoTime now = t0;
  while (pacer.NextSlot(now) < t0 + seconds(10)) {
    now = pacer.NextSlot(now);
    pacer.Take(now);
    starts.push_back(now);
  }
  // A pause, then a backlog: no burst after it.
  now = t0 + seconds(30);
  for (int i = 0; i < 100; ++i) {
    now = pacer.NextSlot(now);
    pacer.Take(now);
    starts.push_back(now);
  }
  for (size_t i = 1; i < starts.size(); ++i) {
    REQUIRE(starts[i] - starts[i - 1] >= milliseconds(50));
  }
  // Any window [t, t+1s) holds at most 20 requests.
  CHECK(BusiestSecond(starts) == 20);
  CHECK(starts.size() == 300);  // 10 s x 20/s + the 100 after the pause
}

std::vector<JobSummary> Jobs(int n) {
  std::vector<JobSummary> jobs;
  for (int i = 0; i < n; ++i) {
    JobSummary j;
    char id[33];
    snprintf(id, sizeof id, "%032x", 1000 - i);  // list order != id order
    j.id = id;
    j.state = "RUNNING";
    j.start_time_ms = 1000;
    j.last_modification_ms = 2000;
    jobs.push_back(j);
  }
  return jobs;
}

std::vector<const JobSummary*> Pointers(const std::vector<JobSummary>& jobs) {
  std::vector<const JobSummary*> p;
  for (const auto& j : jobs) p.push_back(&j);
  return p;
}

// Runs a poller's loop on a fake clock: the next due job is visited when the
// budget allows, costing `requests` requests; returns the start time of every
// request.
std::vector<MonoTime> Simulate(CheckpointSchedule& schedule,
                               RequestPacer& pacer, MonoTime from,
                               MonoTime until, int requests,
                               std::optional<Duration> interval,
                               std::map<std::string, int>* visits = nullptr) {
  std::vector<MonoTime> starts;
  MonoTime now = from;
  while (now < until) {
    auto due = schedule.NextDue(now);
    if (!due) {
      now = std::max(now + milliseconds(1),
                     schedule.EarliestDue().value_or(until));
      continue;
    }
    for (int r = 0; r < requests; ++r) {
      now = pacer.NextSlot(now);
      pacer.Take(now);
      starts.push_back(now);
    }
    if (visits) ++(*visits)[*due];
    schedule.Visited(*due, Running(interval), now);
  }
  return starts;
}

TEST_CASE(
    "1,000 jobs: first round within the budget, then about 17 requests/s "
    "spread evenly",
    "[model][schedule]") {
  const Duration poll = seconds(5);
  const auto jobs = Jobs(1000);
  CheckpointSchedule schedule(poll);
  RequestPacer pacer(60);
  const MonoTime t0{};
  schedule.Sync(Pointers(jobs), "jm-1", t0);
  REQUIRE(schedule.size() == 1000);
  // Due in list order.
  CHECK(*schedule.NextDue(t0 + seconds(1)) == jobs[0].id);

  // The first round costs three requests a job (statistics, config,
  // numRestarts): 3,000 at 60/s is 50 s.
  std::map<std::string, int> visits;
  MonoTime now = t0;
  for (int i = 0; i < 1000; ++i) {
    auto due = schedule.NextDue(now);
    REQUIRE(due);
    CHECK(*due == jobs[i].id);  // list order
    for (int r = 0; r < 3; ++r) {
      now = pacer.NextSlot(now);
      pacer.Take(now);
    }
    schedule.Visited(*due, Running(std::chrono::minutes(5)), now);
    // Next at the job's phase, half a cadence to one and a half away.
    REQUIRE(*schedule.DueOf(*due) >= now + seconds(30));
    REQUIRE(*schedule.DueOf(*due) < now + seconds(90));
  }
  CHECK(now - t0 < seconds(51));

  // Steady state: one request a visit, a visit a minute per job.
  const MonoTime steady_from = now + seconds(60);
  const auto starts =
      Simulate(schedule, pacer, now, steady_from + std::chrono::minutes(5), 1,
               std::chrono::minutes(5), &visits);
  std::vector<int> per_second(400, 0);
  for (MonoTime s : starts) {
    if (s < steady_from) continue;
    auto sec = std::chrono::duration_cast<seconds>(s - steady_from).count();
    if (sec < 300) ++per_second[sec];
  }
  int total = 0, max = 0;
  for (int i = 0; i < 300; ++i) {
    total += per_second[i];
    max = std::max(max, per_second[i]);
  }
  INFO("steady requests/s: " << total / 300.0 << ", busiest second " << max);
  CHECK(total / 300.0 < 17.5);
  CHECK(total / 300.0 > 16);
  CHECK(max <= 20);  // spread: no second far above the mean
  // Every job polled about once a minute, none starved.
  for (const auto& j : jobs) {
    REQUIRE(visits[j.id] >= 5);
    REQUIRE(visits[j.id] <= 7);
  }
}

TEST_CASE("a budget too small for the jobs is never exceeded; jobs go overdue",
          "[model][schedule]") {
  const Duration poll = seconds(5);
  const auto jobs = Jobs(200);
  CheckpointSchedule schedule(poll);
  RequestPacer pacer(10);  // 200 jobs every 5 s would need 40/s
  const MonoTime t0{};
  schedule.Sync(Pointers(jobs), "jm-1", t0);
  std::map<std::string, int> visits;
  const auto starts =
      Simulate(schedule, pacer, t0, t0 + seconds(60), 1, std::nullopt, &visits);
  CHECK(BusiestSecond(starts) <= 10);
  CHECK(schedule.Overdue(t0 + seconds(60), poll) > 0);
  // Earliest due first: every job still gets its turn (round robin).
  for (const auto& j : jobs) REQUIRE(visits[j.id] >= 2);
}

TEST_CASE("a changed job is due at once; a vanished one is dropped",
          "[model][schedule]") {
  const Duration poll = seconds(5);
  auto jobs = Jobs(3);
  CheckpointSchedule schedule(poll);
  const MonoTime t0{};
  schedule.Sync(Pointers(jobs), "jm-1", t0);
  for (const auto& j : jobs) {
    schedule.Visited(j.id, Running(std::chrono::minutes(5)), t0);
  }
  CHECK(*schedule.CadenceOf(jobs[0].id) == seconds(60));
  // Phases 0, 0.618 and 0.236 of the minute, at least 30 s away.
  CHECK(*schedule.DueOf(jobs[0].id) == t0 + seconds(60));
  CHECK(*schedule.DueOf(jobs[1].id) - t0 > seconds(37));
  CHECK(*schedule.DueOf(jobs[1].id) - t0 < seconds(38));
  CHECK(*schedule.DueOf(jobs[2].id) - t0 > seconds(74));
  CHECK(*schedule.DueOf(jobs[2].id) - t0 < seconds(75));
  CHECK_FALSE(schedule.NextDue(t0 + seconds(37)));

  // The same list again changes nothing.
  schedule.Sync(Pointers(jobs), "jm-1", t0 + seconds(10));
  CHECK_FALSE(schedule.NextDue(t0 + seconds(10)));

  // A restart moves last-modification: due now.
  jobs[1].last_modification_ms += 5000;
  schedule.Sync(Pointers(jobs), "jm-1", t0 + seconds(20));
  CHECK(*schedule.NextDue(t0 + seconds(20)) == jobs[1].id);
  schedule.Visited(jobs[1].id, Running(std::chrono::minutes(5)),
                   t0 + seconds(20), t0 + seconds(34));  // recheck restarts
  CHECK(*schedule.DueOf(jobs[1].id) == t0 + seconds(34));

  // A state change too.
  jobs[2].state = "RESTARTING";
  schedule.Sync(Pointers(jobs), "jm-1", t0 + seconds(21));
  CHECK(*schedule.NextDue(t0 + seconds(21)) == jobs[2].id);

  // Gone from the list: dropped.
  jobs.erase(jobs.begin());
  schedule.Sync(Pointers(jobs), "jm-1", t0 + seconds(22));
  CHECK(schedule.size() == 2);
  CHECK_FALSE(schedule.CadenceOf(Jobs(1)[0].id));
  schedule.Visited(Jobs(1)[0].id, Running(std::nullopt), t0);  // ignored
  CHECK(schedule.size() == 2);

  // Another JobManager answers (a failover): everything is due now.
  for (const auto& j : jobs) {
    schedule.Visited(j.id, Running(std::chrono::minutes(5)), t0 + seconds(22));
  }
  CHECK_FALSE(schedule.NextDue(t0 + seconds(23)));
  schedule.Sync(Pointers(jobs), "jm-2", t0 + seconds(23));
  CHECK(schedule.NextDue(t0 + seconds(23)));
  CHECK(schedule.Overdue(t0 + seconds(23), poll) == 0);
  CHECK(schedule.Overdue(t0 + seconds(29), poll) == 2);
}

}  // namespace
}  // namespace flinkha
