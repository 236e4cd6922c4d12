// History: fixed memory whatever the uptime (fake clock over many hours),
// eviction of vanished jobs and clusters, caps, a reload's snapshot keeping
// it, time going backwards, failover marks and leadership gaps.
#include "model/history.h"

#include <catch2/catch.hpp>

#include "support/history_snapshot.h"

namespace flinkha {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::HistoryScenario;
using testing::HistorySnapshot;

const TimePoint kT0 = TimePoint{} + seconds(1'764'061'200);

// Samples the scenario every `step` from `from` for `length`.
void Run(History& h, const HistoryScenario& sc, TimePoint from,
         std::chrono::seconds length, std::chrono::seconds step,
         int* counter = nullptr) {
  int local = 0;
  int& n = counter ? *counter : local;
  for (TimePoint t = from; t < from + length; t += step, ++n)
    h.Sample(HistorySnapshot(sc, n, t), t);
}

template <typename Series>
bool Ordered(const Series& s) {
  if constexpr (std::is_same_v<Series, StateSeries>) {
    for (size_t i = 0; i < s.spans().size(); ++i) {
      if (s.spans()[i].from > s.spans()[i].to) return false;
      if (i && s.spans()[i - 1].to > s.spans()[i].from) return false;
    }
  } else {
    for (size_t i = 1; i < s.points().size(); ++i) {
      if (s.points()[i - 1].at > s.points()[i].at) return false;
    }
  }
  return true;
}

bool AllOrdered(const HistoryData& d) {
  for (const auto& [name, c] : d.clusters) {
    if (!Ordered(c.leader) || !Ordered(c.standby) || !Ordered(c.taskmanagers))
      return false;
    for (const auto& [id, j] : c.jobs) {
      if (!Ordered(j.state) || !Ordered(j.checkpoints_completed) ||
          !Ordered(j.checkpoints_failed) || !Ordered(j.restarts))
        return false;
    }
    for (const auto& [p, o] : c.outputs) {
      if (!Ordered(o.files_committed) || !Ordered(o.in_progress)) return false;
    }
  }
  return true;
}

TEST_CASE("History memory is fixed after the window, whatever the uptime",
          "[model][history]") {
  History h;
  HistoryScenario sc;
  sc.flap = true;  // every sample changes the job states: spans hit their cap
  int n = 0;
  Run(h, sc, kT0, hours(7), seconds(10), &n);
  const size_t after_7h = h.ApproxBytes();
  Run(h, sc, kT0 + hours(7), hours(7), seconds(10), &n);
  const size_t after_14h = h.ApproxBytes();
  // Same element counts, same strings: exactly the same estimate.
  CHECK(after_14h == after_7h);
  CHECK(after_14h < 4 * 1024 * 1024);
  const HistoryData d = h.Copy();
  REQUIRE(d.clusters.size() == 1);
  const ClusterHistory& c = d.clusters.at("prod");
  REQUIRE(c.jobs.size() == 10);
  const JobHistory& j = c.jobs.at("job3");
  CHECK(j.state.spans().size() == kHistoryMaxSpans);
  // One point per interval over the window.
  CHECK(j.checkpoints_completed.points().size() <= kHistoryMaxPoints);
  CHECK(j.checkpoints_completed.points().size() >=
        kHistoryWindow / kHistoryPointInterval - 1);
  // Nothing older than the window.
  const TimePoint now = kT0 + hours(14) - seconds(10);
  CHECK(j.checkpoints_completed.points().front().at >= now - kHistoryWindow);
  CHECK(c.leader.spans().size() == 1);  // a steady leader is one span
  CHECK(c.leader.spans().front().from >= now - kHistoryWindow - seconds(10));
  CHECK(*d.first_sample >= now - kHistoryWindow);
  CHECK(AllOrdered(d));
}

TEST_CASE("History drops jobs and clusters that vanished once they age out",
          "[model][history]") {
  History h;
  HistoryScenario sc;
  sc.jobs = 3;
  Run(h, sc, kT0, minutes(10), seconds(30));
  sc.jobs = 1;  // job1 and job2 are gone
  Run(h, sc, kT0 + minutes(10), hours(5), seconds(60));
  CHECK(h.Copy().clusters.at("prod").jobs.size() == 3);  // still in the window
  Run(h, sc, kT0 + minutes(10) + hours(5), hours(2), seconds(60));
  CHECK(h.Copy().clusters.at("prod").jobs.size() == 1);

  // A cluster removed from the config ages out the same way.
  HistoryScenario other;
  other.cluster = "other";
  const TimePoint t = kT0 + hours(8);
  h.Sample(HistorySnapshot(other, 0, t), t);
  CHECK(h.Copy().clusters.size() == 2);
  h.Sample(HistorySnapshot(other, 1, t + hours(6) + seconds(1)),
           t + hours(6) + seconds(1));
  CHECK(h.Copy().clusters.size() == 1);
  CHECK(h.Copy().clusters.count("other") == 1);
}

TEST_CASE("History tracks at most kHistoryMaxJobs jobs per cluster",
          "[model][history]") {
  History h;
  HistoryScenario sc;
  sc.jobs = static_cast<int>(kHistoryMaxJobs) + 10;
  h.Sample(HistorySnapshot(sc, 0, kT0), kT0);
  const HistoryData d = h.Copy();
  CHECK(d.clusters.at("prod").jobs.size() == kHistoryMaxJobs);
  CHECK(d.clusters.at("prod").jobs_not_tracked == 10);
  // A new job takes the place of one that vanished.
  HistoryScenario fewer;
  fewer.jobs = 5;
  h.Sample(HistorySnapshot(fewer, 1, kT0 + seconds(30)), kT0 + seconds(30));
  HistoryScenario other;
  other.jobs = 1;
  other.first_job = 100;
  h.Sample(HistorySnapshot(other, 2, kT0 + seconds(60)), kT0 + seconds(60));
  CHECK(h.Copy().clusters.at("prod").jobs.count("job100") == 1);
  CHECK(h.Copy().clusters.at("prod").jobs.size() == kHistoryMaxJobs);
  CHECK(h.Copy().clusters.at("prod").jobs_not_tracked == 0);
}

TEST_CASE("History is kept across a reload's snapshot", "[model][history]") {
  // App::Start on reload replaces each cluster's config and resets sources it
  // no longer expects; the history lives outside App and keeps its series.
  History h;
  HistoryScenario sc;
  int n = 0;
  Run(h, sc, kT0, hours(1), seconds(30), &n);
  Snapshot reloaded = HistorySnapshot(sc, n, kT0 + hours(1));
  ClusterState& c = reloaded.clusters.at("prod");
  auto cfg = std::make_shared<ClusterConfig>(*c.config);
  c.config = cfg;
  for (auto& [id, st] : c.sources) st = SourceStatus{};
  h.Sample(reloaded, kT0 + hours(1));
  const HistoryData d = h.Copy();
  CHECK(*d.first_sample == kT0);
  const ClusterHistory& ch = d.clusters.at("prod");
  CHECK(ch.leader.spans().front().from == kT0);
  CHECK(ch.jobs.at("job0").checkpoints_completed.points().size() == 121);
  CHECK(ch.sources.at("zookeeper").spans().back().value == "pending");
  CHECK(ch.sources.at("zookeeper").spans().front().value == "up");
}

TEST_CASE("History stays in time order when the clock steps back",
          "[model][history]") {
  History h;
  HistoryScenario sc;
  int n = 0;
  Run(h, sc, kT0, hours(2), seconds(30), &n);
  // The clock steps back one hour: what lies after it is dropped.
  const TimePoint back = kT0 + hours(1);
  Run(h, sc, back, minutes(30), seconds(30), &n);
  HistoryData d = h.Copy();
  CHECK(d.clock_steps_total == 1);
  CHECK(AllOrdered(d));
  CHECK(*d.last_sample == back + minutes(30) - seconds(30));
  const auto& points =
      d.clusters.at("prod").jobs.at("job0").checkpoints_completed.points();
  CHECK(points.back().at == back + minutes(30) - seconds(30));
  CHECK(points.size() == 180);  // 0..1h, then 1h30s..1h29m30s
  CHECK(d.clusters.at("prod").leader.spans().back().to == *d.last_sample);
  // A step back before the first sample empties the series but not order.
  h.Sample(HistorySnapshot(sc, n, kT0 - hours(1)), kT0 - hours(1));
  d = h.Copy();
  CHECK(d.clock_steps_total == 2);
  CHECK(*d.first_sample == kT0 - hours(1));
  CHECK(d.clusters.at("prod")
            .jobs.at("job0")
            .checkpoints_completed.points()
            .size() == 1);
  CHECK(AllOrdered(d));
}

TEST_CASE("History marks failovers and the time without a serving leader",
          "[model][history]") {
  History h;
  HistoryScenario sc;
  int n = 0;
  Run(h, sc, kT0, minutes(5), seconds(5), &n);
  sc.failover_lost_at = kT0 + minutes(5);
  Run(h, sc, kT0 + minutes(5), seconds(20), seconds(5), &n);
  sc.leader = "jm-2";
  sc.failover_leader_at = kT0 + minutes(5) + seconds(20);
  Run(h, sc, kT0 + minutes(5) + seconds(20), minutes(5), seconds(5), &n);
  const HistoryData d = h.Copy();
  const ClusterHistory& c = d.clusters.at("prod");
  REQUIRE(c.failovers.size() == 1);
  CHECK(c.failovers[0].lost_at == kT0 + minutes(5));
  CHECK(c.failovers[0].leader_at == kT0 + minutes(5) + seconds(20));
  CHECK(c.failovers[0].new_jobmanager == "jm-2");
  CHECK(c.failovers[0].cause == "refused");
  REQUIRE(c.leader.spans().size() == 3);
  CHECK(c.leader.spans()[0].value == "jm-1");
  CHECK(c.leader.spans()[1].value == "");  // no serving leader
  CHECK(c.leader.spans()[1].from == kT0 + minutes(5));
  CHECK(c.leader.spans()[2].value == "jm-2");
  CHECK(c.standby.spans().back().value == "yes");
}

TEST_CASE("History keeps label values bounded", "[model][history]") {
  History h;
  HistoryScenario sc;
  sc.jobs = 1;
  sc.job_name_prefix = std::string(10000, 'x');
  h.Sample(HistorySnapshot(sc, 0, kT0), kT0);
  CHECK(h.Copy().clusters.at("prod").jobs.at("job0").name.size() ==
        kHistoryMaxLabel);
}

}  // namespace
}  // namespace flinkha
