// Failover reports: start at the first evidence (REST or ZooKeeper), end at
// the new leader, cause, bounds, recovery phases; REST-only outages.
#include "model/failover.h"

#include <catch2/catch.hpp>

#include "model/state.h"
#include "model/store.h"

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint t0 = TimePoint{} + seconds(1'700'000'000);

int64_t Ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// A cluster of jm-1 and jm-2 on one host, as real Flink runs in the tests.
struct Fixture {
  ClusterState c;
  FailoverState f;
  std::vector<HaEvent> events;

  explicit Fixture(bool zookeeper = true) {
    ClusterConfig cfg;
    cfg.name = "c";
    cfg.jobmanagers = {{"jm-1", "http://127.0.0.1:8081", "127.0.0.1:8081"},
                       {"jm-2", "http://127.0.0.1:8082", "127.0.0.1:8082"}};
    if (zookeeper) cfg.zookeeper = ZooKeeperConfig{};
    c.config = std::make_shared<const ClusterConfig>(cfg);
  }

  // ZooKeeper names `jm` REST leader (empty: none); `started` marks an open
  // episode of the HA analysis; `replaced_at` closes it with a new leader.
  void Zk(const std::string& jm, std::optional<TimePoint> started = {},
          std::optional<TimePoint> replaced_at = {},
          const std::string& from = "jm-1") {
    auto ha = std::make_shared<HaState>(c.ha ? *c.ha : HaState());
    ComponentLeadership rest;
    rest.known = !jm.empty();
    rest.jobmanager = jm;
    if (!jm.empty()) {
      rest.leader.address =
          jm == "jm-1" ? "http://127.0.0.1:8081" : "http://127.0.0.1:8082";
    }
    ha->components["rest_server"] = rest;
    ha->failover_started = started;
    if (started) {
      ha->failover_from["rest_server"] = LeaderInfo{
          from == "jm-1" ? "http://127.0.0.1:8081" : "http://127.0.0.1:8082",
          "s"};
    } else {
      ha->failover_from.clear();
    }
    if (replaced_at) {
      ++ha->failovers_total;
      HaEvent e;
      e.at = *replaced_at;
      e.kind = HaEventKind::kLeadersReplaced;
      e.from = from;
      e.to = jm;
      e.duration_seconds =
          std::chrono::duration<double>(*replaced_at - *started).count();
      ha->events.push_back(e);
      ha->failover_started.reset();
    }
    c.ha = ha;
  }

  // One poll of jm at `at`: up, or refused / timed out.
  void Poll(const std::string& jm, TimePoint at, RestFault fault,
            const std::string& job_state = "RUNNING",
            int64_t last_modification_ms = 0) {
    auto o = std::make_shared<JobManagerObservation>();
    o->at = at;
    o->fault = fault;
    o->up = fault == RestFault::kNone;
    if (o->up) {
      o->overview = ClusterOverview{};
      o->jobs = std::vector<JobSummary>{
          {"j", "job", job_state, 1, last_modification_ms}};
    } else {
      o->error = "connection refused";
    }
    c.jobmanagers[jm] = o;
    RecordSourceAttempt(c, "rest/" + jm, at, o->up ? "" : o->error);
  }

  void Checkpoint(int64_t id, TimePoint ack,
                  std::optional<int64_t> restored_id = {},
                  TimePoint restored_at = {}) {
    auto ck = std::make_shared<JobCheckpointObservation>();
    ck->stats = CheckpointStats{};
    if (restored_id) {
      ck->stats->latest_restored =
          RestoredCheckpoint{*restored_id, Ms(restored_at), false, ""};
    }
    ck->last_completed_ever = CompletedCheckpoint{};
    ck->last_completed_ever->id = id;
    ck->last_completed_ever->latest_ack_timestamp_ms = Ms(ack);
    if (auto old = c.checkpoints.find("j");
        old != c.checkpoints.end() && old->second) {
      ck->exceptions = old->second->exceptions;
    }
    c.checkpoints["j"] = ck;
  }

  // Flink's exception history of job j (newest first), kept beside its
  // checkpoints.
  void Exceptions(std::vector<JobException> entries) {
    auto ck = std::make_shared<JobCheckpointObservation>(
        c.checkpoints.count("j") && c.checkpoints["j"]
            ? *c.checkpoints["j"]
            : JobCheckpointObservation());
    ck->exceptions = ExceptionHistory{std::move(entries), false};
    c.checkpoints["j"] = ck;
  }

  Fixture& At(TimePoint now) {
    c.facts = DeriveFacts(c);  // as DeriveCluster does before the failover
    f = AdvanceFailover(f, c, now, &events);
    return *this;
  }
  size_t Count(const std::string& kind) const {
    size_t n = 0;
    for (const auto& e : events) n += HaEventKindName(e.kind) == kind;
    return n;
  }
};

TEST_CASE("Failover: a killed leader is lost at its first refused poll",
          "[model][failover]") {
  Fixture x;
  x.Zk("jm-1");
  x.Poll("jm-1", t0, RestFault::kNone);
  x.Checkpoint(41, t0 - seconds(3));
  x.At(t0);
  CHECK_FALSE(x.f.in_progress());

  // Killed at about t0 + 0.5 s: the poll at t0 + 1 s is refused. ZooKeeper
  // still names it until its session expires.
  x.Poll("jm-1", t0 + seconds(1), RestFault::kConnect);
  x.At(t0 + milliseconds(1002));
  REQUIRE(x.f.in_progress());
  const FailoverReport& open = x.f.reports.back();
  CHECK(open.lost_jobmanager == "jm-1");
  CHECK(open.cause == LossCause::kRefused);
  CHECK(open.lost_at == t0 + seconds(1));
  CHECK(open.last_good == t0);
  CHECK(x.Count("leader_unreachable") == 1);
  x.At(t0 + seconds(3));
  CHECK(x.f.leaderless_seconds_total == Approx(2.0));

  // Session expired at t0 + 6.5 s, jm-2 leads 20 ms later.
  x.Zk("", t0 + milliseconds(6500));
  x.At(t0 + milliseconds(6500));
  CHECK(x.f.reports.back().zookeeper_lost_at == t0 + milliseconds(6500));
  x.Zk("jm-2", t0 + milliseconds(6500), t0 + milliseconds(6520));
  x.At(t0 + milliseconds(6521));
  REQUIRE_FALSE(x.f.in_progress());
  CHECK(x.f.failovers_total == 1);
  const FailoverReport& r = x.f.reports.back();
  CHECK(r.new_jobmanager == "jm-2");
  CHECK(*r.leaderless_seconds() == Approx(5.52));
  CHECK(*r.leaderless_upper_bound_seconds() == Approx(6.52));
  CHECK(x.f.leaderless_seconds_total == Approx(5.52));
  CHECK(x.Count("failover") == 1);
  CHECK(x.events.back().duration_seconds == Approx(5.52));
  // Each update makes a new state: read the report afresh after it.
  auto last = [&]() -> const FailoverReport& { return x.f.reports.back(); };
  CHECK(x.events.back().detail == "lost: refused");

  // Recovery: the job runs (Flink's own transition time), restores 41,
  // checkpoints and commits again.
  x.Poll("jm-2", t0 + seconds(10), RestFault::kNone, "RUNNING",
         Ms(t0 + milliseconds(8250)));
  x.Checkpoint(41, t0 - seconds(3), 41, t0 + seconds(8));
  x.At(t0 + seconds(10));
  CHECK(*last().SecondsTo(last().job_running_at) == Approx(7.25));
  REQUIRE(last().restored_checkpoint_id == 41);
  CHECK(*last().restored_checkpoint_age_seconds == Approx(4.0));
  CHECK_FALSE(last().checkpoint_at);
  x.Checkpoint(42, t0 + seconds(14), 41, t0 + seconds(8));
  auto out = std::make_shared<OutputObservation>();
  out->recent_commit_timestamps_seconds = {1'700'000'014.5};
  x.c.outputs["./out"] = out;
  x.At(t0 + seconds(15));
  CHECK(*last().SecondsTo(last().checkpoint_at) == Approx(13.0));
  CHECK(last().checkpoint_id == 42);
  CHECK(*last().SecondsTo(last().output_at) == Approx(13.5));
  // Totals do not move after the failover ended.
  x.At(t0 + seconds(20));
  CHECK(x.f.leaderless_seconds_total == Approx(5.52));
  CHECK(x.f.reports.size() == 1);
}

JobException Failure(TimePoint at, const std::string& cls,
                     const std::string& task = "", const std::string& tm = "") {
  JobException e;
  e.timestamp_ms = Ms(at);
  e.exception_class = cls;
  e.message = "m " + cls;
  e.task = task;
  e.endpoint = tm;
  return e;
}

// jm-1 serves at t0, is refused at t0 + 1 s, jm-2 leads at t0 + 6.52 s.
void KillLeader(Fixture& x) {
  x.Zk("jm-1");
  x.Poll("jm-1", t0, RestFault::kNone);
  x.Checkpoint(41, t0 - seconds(3));
  x.At(t0);
  x.Poll("jm-1", t0 + seconds(1), RestFault::kConnect);
  x.At(t0 + milliseconds(1002));
  x.Zk("", t0 + milliseconds(6500));
  x.At(t0 + milliseconds(6500));
  x.Zk("jm-2", t0 + milliseconds(6500), t0 + milliseconds(6520));
  x.At(t0 + milliseconds(6521));
  REQUIRE(x.f.failovers_total == 1);
}

TEST_CASE(
    "Failover: the failure Flink recorded from the loss to the first new "
    "checkpoint comes with the report",
    "[model][failover]") {
  Fixture x;
  // An old failure of the old JobMaster, before the last good poll.
  x.Exceptions({Failure(t0 - seconds(60), "java.io.IOException")});
  KillLeader(x);
  auto last = [&]() -> const FailoverReport& { return x.f.reports.back(); };
  CHECK_FALSE(last().failure);

  // The new JobMaster records a TaskManager lost while the job recovers.
  x.Exceptions(
      {Failure(t0 + seconds(9), "java.util.concurrent.TimeoutException",
               "rows (1/3)", "127.0.0.1:40001")});
  x.At(t0 + seconds(10));
  REQUIRE(last().failure);
  CHECK(last().failure->exception_class ==
        "java.util.concurrent.TimeoutException");
  CHECK(last().failure->task == "rows (1/3)");
  CHECK(last().failure->endpoint == "127.0.0.1:40001");
  CHECK(last().failure_job_id == "j");

  // The recovery ends with checkpoint 42 at t0 + 14 s: a later failure is
  // another story; an earlier one found later (between the last good poll and
  // the loss: the failure that came with it) wins.
  x.Checkpoint(42, t0 + seconds(14));
  x.Exceptions(
      {Failure(t0 + seconds(20), "java.lang.OutOfMemoryError"),
       Failure(t0 + seconds(9), "java.util.concurrent.TimeoutException"),
       Failure(t0 + milliseconds(500), "java.lang.IllegalStateException",
               "drill-control (2/3)", "127.0.0.1:40002")});
  x.At(t0 + seconds(21));
  REQUIRE(last().failure);
  CHECK(last().failure->exception_class == "java.lang.IllegalStateException");
  CHECK(last().failure->timestamp_ms == Ms(t0 + milliseconds(500)));
  CHECK(last().failure->message == "m java.lang.IllegalStateException");
}

TEST_CASE(
    "Failover: a failure after the recovery's first checkpoint is not the "
    "failover's, even when that checkpoint is learnt later",
    "[model][failover]") {
  Fixture x;
  KillLeader(x);
  auto last = [&]() -> const FailoverReport& { return x.f.reports.back(); };
  x.Exceptions({Failure(t0 + seconds(30), "java.io.IOException")});
  x.At(t0 + seconds(31));
  REQUIRE(last().failure);  // no checkpoint yet: still recovering
  // Checkpoint 42 at t0 + 14 s ended the recovery before that failure.
  x.Checkpoint(42, t0 + seconds(14));
  x.At(t0 + seconds(32));
  CHECK_FALSE(last().failure);
  CHECK(last().failure_job_id.empty());
}

TEST_CASE("Failover: a hung leader is lost at its first timed-out poll",
          "[model][failover]") {
  Fixture x;
  x.Zk("jm-1");
  x.Poll("jm-1", t0, RestFault::kNone);
  x.At(t0);
  x.Poll("jm-1", t0 + seconds(1), RestFault::kTimeout);
  x.At(t0 + seconds(2));
  REQUIRE(x.f.in_progress());
  CHECK(x.f.reports.back().cause == LossCause::kTimedOut);
  CHECK(x.f.reports.back().lost_at == t0 + seconds(1));
}

TEST_CASE("Failover: ZooKeeper first, then the old leader's REST tells how",
          "[model][failover]") {
  auto run = [](RestFault after) {
    Fixture x;
    x.Zk("jm-1");
    x.Poll("jm-1", t0, RestFault::kNone);
    x.At(t0);
    x.Zk("", t0 + milliseconds(300));
    x.At(t0 + milliseconds(300));
    REQUIRE(x.f.in_progress());
    CHECK(x.f.reports.back().seen_by == "zookeeper");
    CHECK(x.f.reports.back().lost_at == t0 + milliseconds(300));
    x.Zk("jm-2", t0 + milliseconds(300), t0 + milliseconds(800));
    x.At(t0 + milliseconds(800));
    CHECK(x.f.failovers_total == 1);
    CHECK(x.f.reports.back().cause == LossCause::kUnknown);
    x.Poll("jm-1", t0 + seconds(1), after);
    x.At(t0 + seconds(1));
    CHECK(*x.f.reports.back().leaderless_seconds() == Approx(0.5));
    return x.f.reports.back().cause;
  };
  CHECK(run(RestFault::kConnect) == LossCause::kLeft);
  CHECK(run(RestFault::kNone) == LossCause::kSessionExpired);
}

// A ZooKeeper leader election suspends every Flink connection: the leader
// revokes its leadership, keeps serving REST and is granted leadership again
// (new session). Not a session expiration (Flink logs none) and not a loss to
// another JobManager.
TEST_CASE(
    "Failover: leadership granted again to the same JobManager is revoked",
    "[model][failover]") {
  // `stopped`: jm-1's REST refused before ZooKeeper dropped it (a process
  // that went away and came back); it answers from the new grant on.
  auto run = [](bool stopped, const std::string& to) {
    Fixture x;
    x.Zk("jm-1");
    x.Poll("jm-1", t0, RestFault::kNone);
    x.At(t0);
    if (stopped) {
      x.Poll("jm-1", t0 + milliseconds(200), RestFault::kConnect);
      x.At(t0 + milliseconds(200));
    }
    x.Zk("", t0 + milliseconds(300));
    x.At(t0 + milliseconds(300));
    x.Zk(to, t0 + milliseconds(300), t0 + seconds(1));
    x.Poll("jm-1", t0 + seconds(1), RestFault::kNone);
    x.At(t0 + seconds(1));
    x.Poll("jm-1", t0 + seconds(3), RestFault::kNone);
    x.At(t0 + seconds(3));
    REQUIRE(x.f.failovers_total == 1);
    REQUIRE_FALSE(x.f.in_progress());
    CHECK(x.f.reports.back().lost_jobmanager == "jm-1");
    CHECK(x.f.reports.back().new_jobmanager == to);
    return x.f.reports.back().cause;
  };
  CHECK(run(false, "jm-1") == LossCause::kRevoked);
  // The same evidence with another JobManager taking over stays what it was.
  CHECK(run(false, "jm-2") == LossCause::kSessionExpired);
  // A leader that stopped and came back (a restart) keeps its REST cause.
  CHECK(run(true, "jm-1") == LossCause::kLeft);
}

TEST_CASE("Failover: a leader unreachable for a moment is not a failover",
          "[model][failover]") {
  Fixture x;
  x.Zk("jm-1");
  x.Poll("jm-1", t0, RestFault::kNone);
  x.At(t0);
  x.Poll("jm-1", t0 + seconds(1), RestFault::kTimeout);
  x.At(t0 + seconds(2));
  REQUIRE(x.f.in_progress());
  x.Poll("jm-1", t0 + seconds(3), RestFault::kNone);
  x.At(t0 + seconds(3));
  CHECK_FALSE(x.f.in_progress());
  CHECK(x.f.reports.empty());
  CHECK(x.f.failovers_total == 0);
  CHECK(x.Count("leader_recovered") == 1);
  // The time nobody served still counts as leaderless.
  x.At(t0 + seconds(4));
  CHECK(x.f.leaderless_seconds_total == Approx(2.0));
}

TEST_CASE("Failover: stale polls of a leader do not open a report",
          "[model][failover]") {
  Fixture x;
  x.Zk("jm-2");
  // jm-2 was down before it became leader; its last poll is older than its
  // last success only if it failed before: here it succeeded after.
  x.Poll("jm-2", t0, RestFault::kConnect);
  x.Poll("jm-2", t0 + seconds(1), RestFault::kNone);
  x.At(t0 + seconds(1));
  CHECK_FALSE(x.f.in_progress());
  CHECK(x.f.reports.empty());
}

TEST_CASE("Failover: without ZooKeeper a REST outage is a report, no count",
          "[model][failover]") {
  Fixture x(false);
  x.Poll("jm-1", t0, RestFault::kNone, "RUNNING");
  x.At(t0);
  x.Poll("jm-1", t0 + seconds(5), RestFault::kConnect);
  x.At(t0 + seconds(5));
  REQUIRE(x.f.in_progress());
  x.Poll("jm-2", t0 + seconds(10), RestFault::kNone, "RUNNING");
  x.At(t0 + seconds(10));
  REQUIRE_FALSE(x.f.in_progress());
  CHECK(x.f.failovers_total == 0);
  const FailoverReport& r = x.f.reports.back();
  CHECK(r.new_jobmanager == "jm-2");
  CHECK(*r.leaderless_seconds() == Approx(5.0));
  CHECK(*r.SecondsTo(r.job_running_at) == Approx(5.0));
  CHECK(x.f.leaderless_seconds_total == Approx(5.0));
}

TEST_CASE("Failover: reports are bounded", "[model][failover]") {
  Fixture x;
  x.Zk("jm-1");
  TimePoint t = t0;
  for (size_t i = 0; i < kMaxFailoverReports + 5; ++i) {
    const std::string from = i % 2 ? "jm-2" : "jm-1";
    const std::string to = i % 2 ? "jm-1" : "jm-2";
    x.Zk("", t, std::nullopt, from);
    x.At(t);
    x.Zk(to, t, t + seconds(1), from);
    x.At(t + seconds(1));
    t += seconds(10);
  }
  CHECK(x.f.failovers_total == kMaxFailoverReports + 5);
  CHECK(x.f.reports.size() == kMaxFailoverReports);
  CHECK(x.f.leaderless_seconds_total ==
        Approx(static_cast<double>(kMaxFailoverReports + 5)));
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

JobManagerLiveness Alive(TimePoint at) {
  JobManagerLiveness l;
  l.reachable = true;
  l.last_alive = at;
  return l;
}

JobManagerLiveness Dead(TimePoint since, TimePoint last_alive,
                        RestFault fault = RestFault::kConnect) {
  JobManagerLiveness l;
  l.fault = fault;
  l.down_since = since;
  l.last_alive = last_alive;
  l.error = "the connection closed and a new one failed";
  return l;
}

// jm-1 leads, answering its poll and its connection watch at t0.
Fixture WatchedLeader() {
  Fixture x;
  x.Zk("jm-1");
  x.Poll("jm-1", t0, RestFault::kNone);
  x.c.liveness["jm-1"] = Alive(t0);
  return x;
}

// ZooKeeper drops jm-1's leader data at `lost` and names jm-2 at `leads`.
void Takeover(Fixture& x, TimePoint lost, TimePoint leads) {
  x.Zk("", lost);
  x.At(lost);
  x.Zk("jm-2", lost, leads);
  x.At(leads + milliseconds(1));
}

TEST_CASE("Failover: the connection watch dates a killed leader's loss",
          "[model][failover]") {
  Fixture x = WatchedLeader();
  x.At(t0);
  // Killed at t0 + 0.3 s: the watch sees the close at once, long before the
  // next poll (at t0 + 5 s, the default interval).
  x.c.liveness["jm-1"] = Dead(t0 + milliseconds(301), t0 + milliseconds(100));
  x.At(t0 + milliseconds(302));
  REQUIRE(x.f.in_progress());
  CHECK(x.f.reports.back().seen_by == "connection");
  CHECK(x.f.reports.back().lost_at == t0 + milliseconds(301));
  CHECK(x.f.reports.back().last_good == t0 + milliseconds(100));
  CHECK(x.f.reports.back().cause == LossCause::kRefused);
  // The refused poll that follows opens nothing more.
  x.Poll("jm-1", t0 + seconds(5), RestFault::kConnect);
  x.At(t0 + seconds(5));
  CHECK(x.f.reports.size() == 1);
  CHECK(x.Count("leader_unreachable") == 1);
  // ZooKeeper lets go at session expiry (6 s later): not a graceful stop.
  Takeover(x, t0 + milliseconds(6300), t0 + milliseconds(6320));
  REQUIRE_FALSE(x.f.in_progress());
  CHECK(*x.f.reports.back().leaderless_seconds() == Approx(6.019));
  CHECK(x.f.reports.back().cause == LossCause::kRefused);
  CHECK(x.events.back().detail == "lost: refused");
}

TEST_CASE(
    "Failover: a graceful stop is told by leadership released with the "
    "connection",
    "[model][failover]") {
  Fixture x = WatchedLeader();
  x.At(t0);
  x.c.liveness["jm-1"] = Dead(t0 + milliseconds(500), t0 + milliseconds(400));
  x.At(t0 + milliseconds(500));
  Takeover(x, t0 + milliseconds(650), t0 + milliseconds(700));
  REQUIRE_FALSE(x.f.in_progress());
  CHECK(x.f.reports.back().cause == LossCause::kLeft);
  // The log line, the metric and the report say the same.
  CHECK(x.events.back().detail == "lost: left");
  CHECK(*x.f.reports.back().leaderless_seconds() == Approx(0.2));
}

TEST_CASE(
    "Failover: a hung leader is lost at its first unanswered ping, "
    "bounded by its last answer",
    "[model][failover]") {
  Fixture x = WatchedLeader();
  x.At(t0);
  x.c.liveness["jm-1"] =
      Dead(t0 + seconds(4), t0 + milliseconds(900), RestFault::kTimeout);
  x.At(t0 + seconds(4));
  REQUIRE(x.f.in_progress());
  CHECK(x.f.reports.back().cause == LossCause::kTimedOut);
  Takeover(x, t0 + seconds(7), t0 + milliseconds(7100));
  REQUIRE_FALSE(x.f.in_progress());
  const FailoverReport& r = x.f.reports.back();
  CHECK(*r.leaderless_seconds() == Approx(3.1));
  CHECK(*r.leaderless_upper_bound_seconds() == Approx(6.2));
  CHECK(r.cause == LossCause::kTimedOut);
}

TEST_CASE(
    "Failover: a leader that never answered is not lost (no leaderless "
    "time before it first serves)",
    "[model][failover]") {
  Fixture x;
  x.Zk("jm-1");
  // ZooKeeper names jm-1 before its REST endpoint listens.
  x.Poll("jm-1", t0, RestFault::kConnect);
  x.c.liveness["jm-1"] = Dead(t0, {});
  x.c.liveness["jm-1"].last_alive.reset();
  x.At(t0);
  CHECK_FALSE(x.f.in_progress());
  x.Poll("jm-1", t0 + seconds(5), RestFault::kNone);
  x.c.liveness["jm-1"] = Alive(t0 + seconds(2));
  x.At(t0 + seconds(5));
  CHECK_FALSE(x.f.in_progress());
  CHECK(x.f.leaderless_seconds_total == 0);
  CHECK(x.Count("leader_unreachable") == 0);
}

TEST_CASE(
    "Failover: the first checkpoint and file after the loss, as Flink "
    "recorded them",
    "[model][failover]") {
  Fixture x = WatchedLeader();
  x.Checkpoint(41, t0 - seconds(1));
  x.At(t0);
  x.c.liveness["jm-1"] = Dead(t0 + seconds(1), t0 + milliseconds(900));
  x.At(t0 + seconds(1));
  Takeover(x, t0 + seconds(7), t0 + milliseconds(7050));
  REQUIRE_FALSE(x.f.in_progress());
  // The poll sees latest = 44 while the history still lists 43 and 42 (REST
  // caches statistics for seconds): 42 is the first after the loss.
  x.Checkpoint(44, t0 + seconds(13), 41, t0 + seconds(8));
  CheckpointStats stats = *x.c.checkpoints["j"]->stats;
  for (int64_t id : {44, 43, 42}) {
    CompletedCheckpoint c;
    c.id = id;
    c.latest_ack_timestamp_ms = Ms(t0 + seconds(9 + 2 * (id - 42)));
    stats.history_completed.push_back(c);
  }
  auto ck = std::make_shared<JobCheckpointObservation>(*x.c.checkpoints["j"]);
  ck->stats = stats;
  // The JobMaster recorded the switch to RUNNING at t0 + 7.5 s.
  auto details = std::make_shared<JobDetails>();
  details->timestamps["RUNNING"] = Ms(t0 + milliseconds(7500));
  ck->details = details;
  x.c.checkpoints["j"] = ck;
  // Files committed (renamed) before and after the loss.
  auto out = std::make_shared<OutputObservation>();
  out->recent_commit_timestamps_seconds = {1'700'000'000.5, 1'700'000'010.25,
                                           1'700'000'012.0};
  x.c.outputs["./out"] = out;
  x.At(t0 + seconds(14));
  const FailoverReport& r = x.f.reports.back();
  REQUIRE(r.checkpoint_id);
  CHECK(*r.checkpoint_id == 42);
  CHECK(*r.SecondsTo(r.checkpoint_at) == Approx(8.0));
  CHECK(*r.SecondsTo(r.output_at) == Approx(9.25));
  CHECK(*r.SecondsTo(r.job_running_at) == Approx(6.5));
}

}  // namespace
}  // namespace flinkha
