// Tests for MatchJobManager and PreferredJobManager.
#include "model/state.h"

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

ClusterConfig TwoJobManagers() {
  ClusterConfig c;
  c.name = "realtime-pipeline";
  c.jobmanagers = {
      {"jm-1", "http://localhost:8081", "jobmanager:8081"},
      {"jm-2", "http://localhost:8082", "jobmanager-standby:8081"}};
  return c;
}

TEST_CASE("MatchJobManager maps leader addresses to configured JobManagers",
          "[model]") {
  const ClusterConfig c = TwoJobManagers();
  struct Case {
    std::string address;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"http://jobmanager:8081", "jm-1"},
      {"http://jobmanager-standby:8081", "jm-2"},
      {"https://JobManager:8081", "jm-1"},
      {"pekko.tcp://flink@jobmanager:6123/user/rpc/dispatcher_1", "jm-1"},
      {"akka.tcp://flink@jobmanager-standby:6123/user/rpc/resourcemanager_0",
       "jm-2"},
      {"http://elsewhere:8081", ""},
      {"", ""},
  };
  for (const auto& tc : cases) {
    INFO(tc.address);
    CHECK(MatchJobManager(c, tc.address) == tc.want);
  }
}

TEST_CASE("MatchJobManager reads bracketed IPv6 like every other address",
          "[model]") {
  ClusterConfig c;
  c.jobmanagers = {{"jm-1", "http://[fd00::1]:8081", "[fd00::1]:8081"},
                   {"jm-2", "http://[fd00::2]:8081", "[FD00::2]:8081"}};
  CHECK(MatchJobManager(c, "http://[fd00::1]:8081") == "jm-1");
  CHECK(MatchJobManager(c, "http://[fd00::2]:8081/") == "jm-2");
  // An RPC address carries the RPC port: the host alone decides.
  CHECK(MatchJobManager(
            c, "pekko.tcp://flink@[fd00::2]:6123/user/rpc/dispatcher_1") ==
        "jm-2");
  CHECK(MatchJobManager(c, "http://[fd00::3]:8081").empty());
}

TEST_CASE("MatchJobManager refuses to guess between JobManagers on one host",
          "[model]") {
  ClusterConfig c = TwoJobManagers();
  c.jobmanagers[0].advertised = "10.0.0.1:8081";
  c.jobmanagers[1].advertised = "10.0.0.1:8082";
  CHECK(MatchJobManager(c, "http://10.0.0.1:8082") == "jm-2");
  CHECK(MatchJobManager(c,
                        "pekko.tcp://flink@10.0.0.1:6123/user/rpc/dispatcher_1")
            .empty());
}

TEST_CASE("DeriveFacts prefers the ZooKeeper REST leader, else config order",
          "[model]") {
  ClusterState cs;
  cs.config = std::make_shared<const ClusterConfig>(TwoJobManagers());
  auto up = std::make_shared<JobManagerObservation>();
  up->up = true;
  up->overview = ClusterOverview{};
  cs.jobmanagers["jm-1"] = up;
  cs.jobmanagers["jm-2"] = up;
  ClusterFacts f = DeriveFacts(cs);
  CHECK(f.preferred == "jm-1");
  CHECK(f.preferred_observation == up);
  CHECK(f.rest_leader.empty());
  CHECK(f.rest_leader_address.empty());
  CHECK(PreferredJobManager(cs) == nullptr);  // nothing published yet
  cs.facts = f;
  std::string name;
  CHECK(PreferredJobManager(cs, &name) == up.get());
  CHECK(name == "jm-1");

  auto ha = std::make_shared<HaState>();
  ha->components["rest_server"] =
      ComponentLeadership{true,         {"http://jobmanager-standby:8081", "x"},
                          "jm-2",       1,
                          std::nullopt, std::nullopt};
  cs.ha = ha;
  f = DeriveFacts(cs);
  CHECK(f.preferred == "jm-2");
  CHECK(f.rest_leader == "jm-2");
  CHECK(f.rest_leader_address == "http://jobmanager-standby:8081");

  auto down = std::make_shared<JobManagerObservation>();
  cs.jobmanagers["jm-2"] = down;
  // The leader's REST is down: fall back to the standby; the leader stays.
  f = DeriveFacts(cs);
  CHECK(f.preferred == "jm-1");
  CHECK(f.rest_leader == "jm-2");
  cs.jobmanagers["jm-1"] = down;
  f = DeriveFacts(cs);
  CHECK(f.preferred.empty());
  CHECK(f.preferred_observation == nullptr);
  cs.facts = f;
  name = "unchanged";
  CHECK(PreferredJobManager(cs, &name) == nullptr);
  CHECK(name == "unchanged");

  // A leader ZooKeeper does not know (our session is down) names nothing.
  ha->components["rest_server"].known = false;
  f = DeriveFacts(cs);
  CHECK(f.rest_leader.empty());
  CHECK(f.rest_leader_address.empty());
}

TEST_CASE(
    "Snapshot::AllSourcesReported waits for every source of every "
    "cluster",
    "[model][state]") {
  Snapshot s;
  CHECK(s.AllSourcesReported());
  s.clusters["a"].sources["rest/jm-1"].reported = true;
  s.clusters["b"].sources["zookeeper"].reported = false;
  CHECK_FALSE(s.AllSourcesReported());
  s.clusters["b"].sources["zookeeper"].reported = true;
  CHECK(s.AllSourcesReported());
}

}  // namespace
}  // namespace flinkha
