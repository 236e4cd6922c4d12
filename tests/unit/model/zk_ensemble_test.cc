// Tests for the ensemble derivation (quorum, leader, epoch) and the election
// tracker over four-letter-word answers recorded from a real three-server
// ZooKeeper 3.8 ensemble under Flink 1.20.5 (scripts/flink-cluster.py
// --zk-servers 3): steady, after the leader was killed, after it came back,
// with two members killed (quorum lost) and after they came back.
#include "model/zk_ensemble.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "model/zk_4lw.h"

namespace flinkha {
namespace {

using Servers = std::map<std::string, std::shared_ptr<const ZkServerHealth>>;

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(FLINKHA_SOURCE_DIR) +
                      "/tests/fixtures/zookeeper/ensemble/" + name,
                  std::ios::binary);
  REQUIRE(f.good());
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// As the probe sees a member: parsed when it serves, down otherwise.
std::shared_ptr<const ZkServerHealth> Srvr(const std::string& fixture) {
  auto h = std::make_shared<ZkServerHealth>();
  if (fixture.empty()) return h;  // refused: killed
  h->up = ParseSrvr(Fixture(fixture), h.get()).ok();
  return h;
}

Servers Round(const std::string& phase, bool zk1, bool zk2, bool zk3) {
  auto one = [&](int i, bool answers) {
    return Srvr(answers ? phase + "-zk-" + std::to_string(i) + ".srvr.txt"
                        : "");
  };
  return {{"127.0.0.1:1", one(1, zk1)},
          {"127.0.0.1:2", one(2, zk2)},
          {"127.0.0.1:3", one(3, zk3)}};
}

const TimePoint kT0{};

TEST_CASE("ParseSrvr reads the Zxid of a real ensemble member",
          "[model][zk_ensemble]") {
  ZkServerHealth h;
  REQUIRE(ParseSrvr(Fixture("steady-zk-3.srvr.txt"), &h).ok());
  CHECK(h.mode == "leader");
  REQUIRE(h.zxid);
  CHECK(*h.zxid == 0x100000020);
  CHECK((*h.zxid >> 32) == 1);
}

TEST_CASE("a real member without a quorum is not serving",
          "[model][zk_ensemble]") {
  ZkServerHealth h;
  CHECK_FALSE(ParseSrvr(Fixture("quorum-lost-zk-3.srvr.txt"), &h).ok());
  CHECK(IsNotServing(Fixture("quorum-lost-zk-3.srvr.txt")));
  CHECK(IsNotServing(Fixture("quorum-lost-zk-3.mntr.txt")));
}

TEST_CASE("DeriveEnsemble: a steady ensemble has its quorum and one leader",
          "[model][zk_ensemble]") {
  const auto v = DeriveEnsemble(Round("steady", true, true, true), 3);
  CHECK(v.servers == 3);
  CHECK(v.serving == 3);
  CHECK(v.leader == "127.0.0.1:3");
  CHECK(v.epoch == 1);
  CHECK(v.quorum);
}

TEST_CASE("DeriveEnsemble: one member down keeps the quorum",
          "[model][zk_ensemble]") {
  // The leader zk-3 killed: zk-2 leads a new epoch with zk-1.
  const auto v =
      DeriveEnsemble(Round("after-leader-kill", true, true, false), 3);
  CHECK(v.serving == 2);
  CHECK(v.leader == "127.0.0.1:2");
  CHECK(v.epoch == 2);
  CHECK(v.quorum);
}

TEST_CASE("DeriveEnsemble: two members down lose the quorum",
          "[model][zk_ensemble]") {
  // zk-3 runs but answers "not currently serving requests".
  const auto v = DeriveEnsemble(Round("quorum-lost", false, false, true), 3);
  CHECK(v.serving == 0);
  CHECK(v.leader.empty());
  CHECK_FALSE(v.epoch);
  CHECK_FALSE(v.quorum);
}

TEST_CASE("DeriveEnsemble: a leader with too few followers has no quorum",
          "[model][zk_ensemble]") {
  // A deposed leader still answering while the others are gone (a probe can
  // catch it before it steps down after syncLimit).
  Servers s = Round("steady", false, false, true);
  const auto v = DeriveEnsemble(s, 3);
  CHECK(v.serving == 1);
  CHECK(v.leader == "127.0.0.1:3");
  CHECK_FALSE(v.quorum);
}

TEST_CASE("DeriveEnsemble: an observer in the quorum string is not a voter",
          "[model][zk_ensemble]") {
  Servers s = Round("steady", true, true, true);
  auto observer = std::make_shared<ZkServerHealth>();
  observer->up = true;
  observer->mode = "observer";
  s["127.0.0.1:4"] = observer;
  const auto v = DeriveEnsemble(s, 4);
  CHECK(v.servers == 3);
  CHECK(v.serving == 3);
  CHECK(v.quorum);
}

TEST_CASE("DeriveEnsemble: a standalone server is its own quorum",
          "[model][zk_ensemble]") {
  auto h = std::make_shared<ZkServerHealth>();
  h->up = ParseSrvr(
              [] {
                std::ifstream f(std::string(FLINKHA_SOURCE_DIR) +
                                "/tests/fixtures/zookeeper/"
                                "4lw_srvr_standalone.txt");
                return std::string((std::istreambuf_iterator<char>(f)), {});
              }(),
              h.get())
              .ok();
  REQUIRE(h->up);
  const auto v = DeriveEnsemble({{"127.0.0.1:2181", h}}, 1);
  CHECK(v.serving == 1);
  CHECK(v.leader == "127.0.0.1:2181");
  CHECK(v.quorum);
  CHECK(DeriveEnsemble({{"127.0.0.1:2181", Srvr("")}}, 1).quorum == false);
}

TEST_CASE("TrackElections counts the real ensemble's elections",
          "[model][zk_ensemble]") {
  ZkElectionTracker t;
  bool elected = true;
  const auto at = [](int s) { return kT0 + std::chrono::seconds(s); };
  // The first epoch seen is the baseline.
  t = TrackElections(t, DeriveEnsemble(Round("steady", true, true, true), 3),
                     at(0), &elected);
  CHECK_FALSE(elected);
  CHECK(t.elections_total == 0);
  CHECK(t.leader == "127.0.0.1:3");
  // The leader killed: zk-2 elected in epoch 2.
  t = TrackElections(
      t, DeriveEnsemble(Round("after-leader-kill", true, true, false), 3),
      at(10), &elected);
  CHECK(elected);
  CHECK(t.elections_total == 1);
  CHECK(t.leader == "127.0.0.1:2");
  CHECK(t.last_election_at == at(10));
  // The old leader back as a follower: no election.
  t = TrackElections(t,
                     DeriveEnsemble(Round("leader-back", true, true, true), 3),
                     at(20), &elected);
  CHECK_FALSE(elected);
  CHECK(t.elections_total == 1);
  CHECK(t.leader == "127.0.0.1:2");
  // Quorum lost: nothing to count while no one leads.
  t = TrackElections(
      t, DeriveEnsemble(Round("quorum-lost", false, false, true), 3), at(30),
      &elected);
  CHECK_FALSE(elected);
  CHECK(t.elections_total == 1);
  // Quorum back: zk-3 leads epoch 3.
  t = TrackElections(t,
                     DeriveEnsemble(Round("quorum-back", true, true, true), 3),
                     at(40), &elected);
  CHECK(elected);
  CHECK(t.elections_total == 2);
  CHECK(t.leader == "127.0.0.1:3");
  CHECK(t.epoch == 3);
}

TEST_CASE("TrackElections counts every epoch missed between two probes",
          "[model][zk_ensemble]") {
  ZkElectionTracker t;
  bool elected = false;
  ZkEnsembleView v;
  v.leader = "a";
  v.epoch = 4;
  t = TrackElections(t, v, kT0, &elected);
  v.epoch = 7;
  t = TrackElections(t, v, kT0, &elected);
  CHECK(elected);
  CHECK(t.elections_total == 3);
  // An older epoch (a deposed leader's late answer) is not an election.
  v.epoch = 6;
  v.leader = "b";
  t = TrackElections(t, v, kT0, &elected);
  CHECK_FALSE(elected);
  CHECK(t.elections_total == 3);
  CHECK(t.leader == "a");
}

}  // namespace
}  // namespace flinkha
