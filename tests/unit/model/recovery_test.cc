// Recovery timelines: opened by a ZooKeeper failover or a REST outage, phases
// filled in order.
#include "model/recovery.h"

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint t0 = TimePoint{} + seconds(1'700'000'000);

ClusterState Cluster(bool zookeeper) {
  ClusterConfig cfg;
  cfg.name = "c";
  cfg.jobmanagers = {{"jm-1", "http://a:8081", "a:8081"},
                     {"jm-2", "http://b:8081", "b:8081"}};
  if (zookeeper) cfg.zookeeper = ZooKeeperConfig{};
  ClusterState c;
  c.config = std::make_shared<const ClusterConfig>(cfg);
  return c;
}

std::shared_ptr<JobManagerObservation> Jm(TimePoint at,
                                          const std::string& state) {
  auto o = std::make_shared<JobManagerObservation>();
  o->at = at;
  o->up = true;
  o->overview = ClusterOverview{};
  o->jobs = std::vector<JobSummary>{{"j", "job", state, 1, -1, 0, 0, 1, 1}};
  return o;
}

TEST_CASE("A ZooKeeper failover opens a timeline that fills phase by phase",
          "[model]") {
  ClusterState c = Cluster(true);
  auto ha = std::make_shared<HaState>();
  ha->failovers_total = 1;
  HaEvent e;
  e.kind = "failover";
  e.at = t0 + seconds(4);  // new leader after 4 s without one
  e.duration_seconds = 4;
  ha->events.push_back(e);
  c.ha = ha;
  c.jobmanagers["jm-1"] =
      Jm(t0 + seconds(2), "RUNNING");  // stale: before the leader
  UpdateRecoveries(c, t0 + seconds(5));
  REQUIRE(c.recoveries.size() == 1);
  CHECK(c.recoveries[0].failover_at == t0);
  CHECK_FALSE(c.recoveries[0].job_running_seconds);

  c.jobmanagers["jm-1"] = Jm(t0 + seconds(7), "RUNNING");
  UpdateRecoveries(c, t0 + seconds(7));
  REQUIRE(c.recoveries[0].job_running_seconds);
  CHECK(*c.recoveries[0].job_running_seconds == Approx(7.0));

  auto ck = std::make_shared<JobCheckpointObservation>();
  ck->last_completed_ever = CompletedCheckpoint{};
  ck->last_completed_ever->latest_ack_timestamp_ms =
      std::chrono::duration_cast<milliseconds>(
          (t0 + seconds(12)).time_since_epoch())
          .count();
  c.checkpoints["j"] = ck;
  auto out = std::make_shared<OutputObservation>();
  out->last_file_timestamp_seconds = 1'700'000'013.5;
  c.outputs["./out"] = out;
  UpdateRecoveries(c, t0 + seconds(14));
  REQUIRE(c.recoveries[0].checkpoint_seconds);
  CHECK(*c.recoveries[0].checkpoint_seconds == Approx(12.0));
  REQUIRE(c.recoveries[0].output_seconds);
  CHECK(*c.recoveries[0].output_seconds == Approx(13.5));

  // The same failover count does not open a second timeline.
  UpdateRecoveries(c, t0 + seconds(20));
  CHECK(c.recoveries.size() == 1);
}

TEST_CASE("A checkpoint from before the failover does not count as recovery",
          "[model]") {
  ClusterState c = Cluster(true);
  auto ha = std::make_shared<HaState>();
  ha->failovers_total = 1;
  ha->events.push_back(HaEvent{t0 + seconds(3), "failover", "", "", "", 3, ""});
  c.ha = ha;
  auto ck = std::make_shared<JobCheckpointObservation>();
  ck->last_completed_ever = CompletedCheckpoint{};
  ck->last_completed_ever->latest_ack_timestamp_ms =
      std::chrono::duration_cast<milliseconds>(
          (t0 - seconds(1)).time_since_epoch())
          .count();
  c.checkpoints["j"] = ck;
  UpdateRecoveries(c, t0 + seconds(4));
  REQUIRE(c.recoveries.size() == 1);
  CHECK_FALSE(c.recoveries[0].checkpoint_seconds);
}

TEST_CASE("Without ZooKeeper a REST election window opens a timeline",
          "[model]") {
  ClusterState c = Cluster(false);
  UpdateRecoveries(c, t0);  // nothing polled yet: not an outage
  CHECK(c.recoveries.empty());
  c.jobmanagers["jm-1"] = Jm(t0, "RUNNING");
  UpdateRecoveries(c, t0);
  auto election = std::make_shared<JobManagerObservation>();
  election->up = true;
  election->fault = RestFault::kLeaderElection;
  c.jobmanagers["jm-1"] = election;
  UpdateRecoveries(c, t0 + seconds(1));
  CHECK(c.recoveries.empty());
  // The poll that finds the job running started at 5.5 s and is published at
  // 6 s: that poll already counts.
  c.jobmanagers["jm-1"] = Jm(t0 + milliseconds(5500), "RUNNING");
  UpdateRecoveries(c, t0 + seconds(6));
  REQUIRE(c.recoveries.size() == 1);
  CHECK(c.recoveries[0].trigger == "rest");
  CHECK(c.recoveries[0].failover_at == t0 + seconds(1));
  REQUIRE(c.recoveries[0].job_running_seconds);
  CHECK(*c.recoveries[0].job_running_seconds == Approx(4.5));
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE("A crashed leader's dead REST endpoint marks the start of the outage",
          "[model]") {
  ClusterState c = Cluster(true);
  auto ha = std::make_shared<HaState>();
  ha->components["rest_server"] = ComponentLeadership{
      true, {"http://a:8081", "s1"}, "jm-1", 1, std::nullopt};
  c.ha = ha;
  c.jobmanagers["jm-1"] = Jm(t0, "RUNNING");
  UpdateRecoveries(c, t0);
  auto down =
      std::make_shared<JobManagerObservation>();  // SIGKILLed at about t0
  c.jobmanagers["jm-1"] = down;
  UpdateRecoveries(c, t0 + seconds(1));
  UpdateRecoveries(
      c, t0 + seconds(2));  // still named leader: the start stays at t0+1
  // Its session expires at t0+6; jm-2 leads 50 ms later: a short ZooKeeper
  // failover.
  auto next = std::make_shared<HaState>(*ha);
  next->components["rest_server"] = ComponentLeadership{
      true, {"http://b:8081", "s2"}, "jm-2", 2, std::nullopt};
  next->failovers_total = 1;
  next->events.push_back(
      HaEvent{t0 + seconds(6), "failover", "", "jm-1", "jm-2", 0.05, ""});
  c.ha = next;
  c.jobmanagers["jm-2"] = Jm(t0 + seconds(7), "RUNNING");
  UpdateRecoveries(c, t0 + seconds(7));
  REQUIRE(c.recoveries.size() == 1);
  CHECK(c.recoveries[0].failover_at == t0 + seconds(1));
  REQUIRE(c.recoveries[0].job_running_seconds);
  CHECK(*c.recoveries[0].job_running_seconds == Approx(6.0));
}

}  // namespace
}  // namespace flinkha
