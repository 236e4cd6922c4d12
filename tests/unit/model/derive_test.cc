// Tests for DeriveCluster and the facts StateStore publishes with every update.
#include "model/derive.h"

#include <catch2/catch.hpp>
#include <memory>

#include "model/store.h"

namespace flinkha {
namespace {

using std::chrono::seconds;

const TimePoint t0 = TimePoint{} + seconds(1'700'000'000);

std::shared_ptr<const ClusterConfig> TwoJobManagers(bool zookeeper) {
  auto cfg = std::make_shared<ClusterConfig>();
  cfg->name = "prod";
  cfg->jobmanagers = {{"jm-1", "http://a:8081", "a:8081"},
                      {"jm-2", "http://b:8081", "b:8081"}};
  if (zookeeper) cfg->zookeeper = ZooKeeperConfig{};
  return cfg;
}

std::shared_ptr<JobManagerObservation> Up(TimePoint at,
                                          const std::string& taskmanager) {
  auto o = std::make_shared<JobManagerObservation>();
  o->at = at;
  o->up = true;
  o->overview = ClusterOverview{};
  o->taskmanagers.emplace();
  TaskManagerSummary tm;
  tm.id = taskmanager;
  o->taskmanagers->push_back(tm);
  return o;
}

std::shared_ptr<const HaState> RestLeader(const std::string& jm,
                                          const std::string& address) {
  auto ha = std::make_shared<HaState>();
  ComponentLeadership l;
  l.known = true;
  l.jobmanager = jm;
  l.leader.address = address;
  ha->components["rest_server"] = l;
  return ha;
}

TEST_CASE("DeriveCluster derives the facts before what reads them",
          "[model][derive]") {
  ClusterState c;
  c.config = TwoJobManagers(true);
  c.jobmanagers["jm-1"] = Up(t0, "tm-of-jm-1");
  c.jobmanagers["jm-2"] = Up(t0, "tm-of-jm-2");
  c.ha = RestLeader("jm-2", "http://b:8081");
  RecordSourceAttempt(c, "rest/jm-2", t0, "");  // it served before
  std::vector<HaEvent> events;
  DeriveCluster(c, t0, &events);
  CHECK(c.facts.rest_leader == "jm-2");
  CHECK(c.facts.preferred == "jm-2");
  // The TaskManager view follows the facts of this update, not the last.
  REQUIRE(c.taskmanagers);
  CHECK(c.taskmanagers->jobmanager == "jm-2");
  REQUIRE(c.taskmanagers->taskmanagers.size() == 1);
  CHECK(c.taskmanagers->taskmanagers.front().id == "tm-of-jm-2");
  REQUIRE(c.failover);
  CHECK_FALSE(c.failover->in_progress());

  // The named leader's REST refuses: the failover opens at once (it reads
  // the named leader from the facts), and the standby's data is exported.
  auto refused = std::make_shared<JobManagerObservation>();
  refused->at = t0 + seconds(1);
  refused->fault = RestFault::kConnect;
  c.jobmanagers["jm-2"] = refused;
  DeriveCluster(c, t0 + seconds(1), &events);
  CHECK(c.facts.rest_leader == "jm-2");
  CHECK(c.facts.preferred == "jm-1");
  CHECK(c.taskmanagers->jobmanager == "jm-1");
  REQUIRE(c.failover->in_progress());
  CHECK(c.failover->reports.back().lost_jobmanager == "jm-2");
}

TEST_CASE("StateStore publishes the facts with every cluster update",
          "[model][derive]") {
  StateStore store(t0);
  store.UpdateCluster("prod", [](ClusterState& c) {
    c.config = TwoJobManagers(false);
    c.jobmanagers["jm-2"] = Up(t0, "tm");
  });
  SnapshotPtr s = store.Get();
  std::string name;
  const ClusterState& c = s->clusters.at("prod");
  CHECK(PreferredJobManager(c, &name) == c.jobmanagers.at("jm-2").get());
  CHECK(name == "jm-2");
  CHECK(c.facts.rest_leader.empty());

  // Another source's update (here: jm-1 answering) changes the facts too.
  store.UpdateCluster("prod", [](ClusterState& cluster) {
    cluster.jobmanagers["jm-1"] = Up(t0 + seconds(1), "tm");
  });
  s = store.Get();
  CHECK(s->clusters.at("prod").facts.preferred == "jm-1");
}

}  // namespace
}  // namespace flinkha
