// HaWatcher against a real ZooKeeper and Java contenders that elect leaders as
// Flink does.
#include "sources/zookeeper/ha_watcher.h"

#include <csignal>

#include "support/leader_info_encode.h"
#include "support/tcp_proxy.h"
#include "support/zk_writer.h"
#include "zk/zk_test_util.h"

namespace flinkha::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kJob = "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1";

// The latches of a layout's contenders: one per component up to 1.14.
std::vector<std::string> Latches(const std::string& layout) {
  if (layout == "1.13" || layout == "1.14")
    return {"resource_manager", "dispatcher", "rest_server"};
  return {"shared"};
}

// Starts jm1, which becomes the leader, then jm2, the standby, for cluster id;
// returns once the watcher sees jm-1 lead and both contend on every latch.
void StartLeaderAndStandby(const ZkServer& zk, const TempDir& dir,
                           const StateStore& store, const std::string& id,
                           const std::string& layout,
                           std::unique_ptr<Subprocess>* jm1,
                           std::unique_ptr<Subprocess>* jm2) {
  *jm1 = StartContender(zk, dir, "jm1", id, layout, kJob);
  REQUIRE((*jm1)->WaitForLog("LEADER ", seconds(20)));
  *jm2 = StartContender(zk, dir, "jm2", id, layout, kJob);
  REQUIRE((*jm2)->WaitForLog("STARTED", seconds(20)));
  REQUIRE(Eventually(
      [&] {
        if (!AllLedBy(store, "jm-1")) return false;
        for (const auto& l : Latches(layout)) {
          if (Contenders(store, l) != 2) return false;
        }
        return true;
      },
      seconds(10)));
}

// jm1 started again (1.15) while jm2 leads: it joins as the standby.
std::unique_ptr<Subprocess> RejoinAsStandby(const ZkServer& zk,
                                            const TempDir& dir,
                                            const StateStore& store,
                                            const std::string& id) {
  auto jm1 = StartContender(zk, dir, "jm1", id, "1.15", kJob);
  REQUIRE(jm1->WaitForLog("STARTED", seconds(20)));
  CHECK(
      Eventually([&] { return Contenders(store, "shared") == 2; }, seconds(5)));
  return jm1;
}

TEST_CASE(
    "HaWatcher follows a shared-latch cluster (1.15) through failovers and "
    "outages",
    "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  TempDir dir;
  StateStore store(std::chrono::system_clock::now());
  auto config = std::make_shared<const ClusterConfig>(ZkCluster(zk, "/c115"));
  HaWatcher watcher(config, &store);
  watcher.Start();

  std::unique_ptr<Subprocess> jm1, jm2;
  StartLeaderAndStandby(zk, dir, store, "c115", "1.15", &jm1, &jm2);
  {
    ClusterState c = Cluster(store);
    REQUIRE(c.zookeeper);
    CHECK(c.zookeeper->connected);
    CHECK(c.zookeeper->layout == ZkLayout::k1_15);
    CHECK(c.zookeeper->error.empty());
    REQUIRE(c.zookeeper->job_leaders.count(kJob));
    CHECK(c.zookeeper->job_leaders.at(kJob).has_value());
    CHECK(c.sources.at("zookeeper").up);
    CHECK(c.ha->failovers_total == 0);
    CHECK(c.ha->components.at("rest_server").leader.address ==
          "http://jm1:8081");
  }

  SECTION(
      "graceful leave: the standby takes over at once, a short failover is "
      "counted") {
    // The time before the first election counts too (no JobManager led yet),
    // and it is as long as jm1's JVM took to start: only the leave's share is
    // checked.
    const double leaderless_before =
        Cluster(store).ha->leaderless_seconds_total;
    jm1->WriteStdin("close\n");
    REQUIRE(jm2->WaitForLog("LEADER ", seconds(10)));
    REQUIRE(Eventually(
        [&] { return AllLedBy(store, "jm-2") && Failovers(store) == 1; },
        seconds(5)));
    ClusterState c = Cluster(store);
    REQUIRE(c.ha->last_failover_duration_seconds.has_value());
    CHECK(*c.ha->last_failover_duration_seconds < 2.0);
    // The first election (the watcher started before the contenders) and the
    // failover.
    CHECK(c.ha->components.at("rest_server").changes_total == 2);
    CHECK(Contenders(store, "shared") == 1);  // no standby left
    CHECK(c.ha->leaderless_seconds_total - leaderless_before < 2.0);

    // The old leader comes back as the standby.
    jm1 = RejoinAsStandby(zk, dir, store, "c115");
    CHECK(AllLedBy(store, "jm-2"));
    CHECK(Failovers(store) == 1);
  }

  SECTION("crash: the failover comes after the leader's session timeout") {
    const auto killed = std::chrono::steady_clock::now();
    jm1->Signal(SIGKILL);
    // Until the session of the dead leader expires, ZooKeeper still names it.
    std::this_thread::sleep_for(milliseconds(500));
    CHECK(AllLedBy(store, "jm-1"));
    REQUIRE(Eventually(
        [&] { return AllLedBy(store, "jm-2") && Failovers(store) == 1; },
        seconds(10)));
    const double seen_after =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - killed)
            .count();
    INFO("failover seen " << seen_after << " s after SIGKILL");
    CHECK(seen_after >=
          1.0);  // the 1500 ms session timeout, give or take a tick
    CHECK(seen_after < 8.0);
    ClusterState c = Cluster(store);
    // Leaderless in ZooKeeper only between the expiry and the standby's write.
    REQUIRE(c.ha->last_failover_duration_seconds.has_value());
    CHECK(*c.ha->last_failover_duration_seconds < 2.0);
    CHECK(Contenders(store, "shared") == 1);

    jm1 = RejoinAsStandby(zk, dir, store, "c115");
  }

  SECTION(
      "ZooKeeper down: session lost and reported; back up: recovers by "
      "itself") {
    const double leaderless_before =
        Cluster(store).ha->leaderless_seconds_total;
    zk.Stop();
    REQUIRE(Eventually(
        [&] {
          ClusterState c = Cluster(store);
          return c.zookeeper && !c.zookeeper->connected &&
                 !c.sources.at("zookeeper").up;
        },
        seconds(10)));
    {
      ClusterState c = Cluster(store);
      CHECK_THAT(c.sources.at("zookeeper").last_error,
                 Catch::Contains("zookeeper session"));
      CHECK_FALSE(c.ha->components.at("rest_server")
                      .known);  // unknown, not "no leader"
      CHECK(c.ha->failovers_total == 0);
    }
    std::this_thread::sleep_for(milliseconds(1500));
    // Our outage is not Flink's: no leaderless time accrues while we cannot
    // see.
    CHECK(Cluster(store).ha->leaderless_seconds_total == leaderless_before);
    REQUIRE(zk.Start());
    // The contenders' Curator latches re-run their election after the outage;
    // the watcher must see the latch as ZooKeeper has it (both contenders,
    // unless a latch lost its node in the outage).
    int latch_nodes = -1;
    const bool recovered = Eventually(
        [&] {
          ClusterState c = Cluster(store);
          latch_nodes = ChildrenNow(zk, "/flink/c115/leader/latch");
          return c.zookeeper && c.zookeeper->connected &&
                 c.sources.at("zookeeper").up &&
                 !LeaderOf(store, "rest_server").empty() && latch_nodes >= 1 &&
                 Contenders(store, "shared") == latch_nodes;
        },
        seconds(30));
    INFO("latch nodes " << latch_nodes << ", watcher sees "
                        << Contenders(store, "shared") << "; jm1 log:\n"
                        << jm1->Log() << "\njm2 log:\n"
                        << jm2->Log());
    REQUIRE(recovered);
  }

  watcher.Stop();
  jm2->WriteStdin("close\n");
  jm1->WriteStdin("close\n");
  jm2->Wait(seconds(5));
  jm1->Wait(seconds(5));
}

TEST_CASE(
    "HaWatcher opens a new session when ZooKeeper expired its own across a "
    "partition",
    "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  TempDir dir;
  // Only the watcher goes through the proxy: the contenders keep their
  // sessions while the watcher's expires.
  TcpProxy proxy(zk.port());
  ClusterConfig config = ZkCluster(zk, "/cexp");
  config.zookeeper->quorum = "127.0.0.1:" + std::to_string(proxy.port());
  StateStore store(std::chrono::system_clock::now());
  HaWatcher watcher(std::make_shared<const ClusterConfig>(config), &store);
  watcher.Start();
  std::unique_ptr<Subprocess> jm1, jm2;
  StartLeaderAndStandby(zk, dir, store, "cexp", "1.15", &jm1, &jm2);

  proxy.Partition();
  REQUIRE(Eventually([&] { return !Cluster(store).zookeeper->connected; },
                     seconds(5)));
  // The leader changes while the watcher cannot see it.
  jm1->WriteStdin("close\n");
  REQUIRE(jm2->WaitForLog("LEADER ", seconds(10)));
  // Longer than the 2 s session timeout: the server expires the session.
  std::this_thread::sleep_for(milliseconds(3500));
  CHECK(Cluster(store).zookeeper->session_expirations_total == 0);
  proxy.Heal();

  // Told its session expired, the watcher starts a new one and reads again.
  REQUIRE(Eventually(
      [&] {
        ClusterState c = Cluster(store);
        return c.zookeeper->session_expirations_total == 1 &&
               c.zookeeper->connected && c.sources.at("zookeeper").up &&
               AllLedBy(store, "jm-2");
      },
      seconds(20)));
  CHECK(Contenders(store, "shared") == 1);
  // The new session's watches fire: a standby joins and takes over.
  jm1 = RejoinAsStandby(zk, dir, store, "cexp");
  jm2->WriteStdin("close\n");
  CHECK(Eventually([&] { return AllLedBy(store, "jm-1"); }, seconds(10)));
  CHECK(Cluster(store).zookeeper->session_expirations_total == 1);
  // Both failovers counted, the one the watcher could not see as it happened
  // too.
  CHECK(Failovers(store) == 2);

  watcher.Stop();
  jm1->WriteStdin("close\n");
  jm2->Wait(seconds(5));
  jm1->Wait(seconds(5));
}

TEST_CASE("HaWatcher follows 1.19 jobs and 1.14 per-component latches",
          "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  TempDir dir;
  for (const ZkLayout layout : {ZkLayout::k1_19, ZkLayout::k1_14}) {
    const std::string name(LayoutName(layout));
    DYNAMIC_SECTION("layout " << name) {
      const std::string id = "c" + name.substr(2);
      StateStore store(std::chrono::system_clock::now());
      HaWatcher watcher(
          std::make_shared<const ClusterConfig>(ZkCluster(zk, "/" + id)),
          &store);
      watcher.Start();
      std::unique_ptr<Subprocess> jm1, jm2;
      StartLeaderAndStandby(zk, dir, store, id, name, &jm1, &jm2);
      ClusterState c = Cluster(store);
      CHECK(c.zookeeper->layout == layout);
      REQUIRE(c.zookeeper->job_leaders.count(kJob));
      CHECK(c.zookeeper->job_leaders.at(kJob)->address ==
            "pekko.tcp://flink@jm1:6123/user/rpc/jobmanager_2");

      jm1->WriteStdin("close\n");
      REQUIRE(jm2->WaitForLog("LEADER ", seconds(10)));
      REQUIRE(Eventually(
          [&] {
            ClusterState s = Cluster(store);
            auto j = s.zookeeper->job_leaders.find(kJob);
            return AllLedBy(store, "jm-2") && Failovers(store) == 1 &&
                   j != s.zookeeper->job_leaders.end() && j->second &&
                   j->second->address.find("jm2") != std::string::npos;
          },
          seconds(5)));
      CHECK_FALSE(Cluster(store).ha->split_brain);
      watcher.Stop();
      jm2->WriteStdin("close\n");
      jm2->Wait(seconds(5));
      jm1->Wait(seconds(5));
    }
  }
}

// "Leader since" is ZooKeeper's record (the connection_info znode's mtime, read
// here by a client of the test's own), so a watcher started after the election
// dates the leader at the election, not at its own start; a failover moves it.
TEST_CASE(
    "HaWatcher dates each leader by its znode, also one elected before it "
    "started",
    "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  TempDir dir;
  ZkWriter truth;
  REQUIRE(truth.Connect(zk.connect_string()).ok());
  const std::string rest_node =
      "/flink/since/leader/rest_server/connection_info";
  auto jm1 = StartContender(zk, dir, "jm1", "since", "1.15", kJob);
  REQUIRE(jm1->WaitForLog("LEADER ", seconds(20)));
  auto jm2 = StartContender(zk, dir, "jm2", "since", "1.15", kJob);
  REQUIRE(jm2->WaitForLog("STARTED", seconds(20)));
  std::this_thread::sleep_for(milliseconds(1500));

  const auto watcher_start = std::chrono::system_clock::now();
  StateStore store(watcher_start);
  HaWatcher watcher(
      std::make_shared<const ClusterConfig>(ZkCluster(zk, "/since")), &store);
  watcher.Start();
  REQUIRE(Eventually([&] { return AllLedBy(store, "jm-1"); }, seconds(10)));
  auto since_ms = [&](const std::string& component) -> int64_t {
    // A copy: the snapshot behind Cluster() may be replaced by the watcher's
    // thread as soon as this statement ends.
    const ComponentLeadership l = Cluster(store).ha->components.at(component);
    if (!l.since) return -1;
    return std::chrono::duration_cast<milliseconds>(l.since->time_since_epoch())
        .count();
  };
  auto written = truth.ModifiedAtMs(rest_node);
  REQUIRE(written.ok());
  CHECK(since_ms("rest_server") == written.value());
  // Written before the watcher started; not a change the watcher saw.
  CHECK(written.value() <= std::chrono::duration_cast<milliseconds>(
                               watcher_start.time_since_epoch())
                                   .count() -
                               1000);
  CHECK(Cluster(store).ha->components.at("rest_server").changes_total == 0);
  CHECK_FALSE(Cluster(store).ha->components.at("rest_server").last_change);

  jm1->WriteStdin("close\n");
  REQUIRE(jm2->WaitForLog("LEADER ", seconds(10)));
  REQUIRE(Eventually([&] { return AllLedBy(store, "jm-2"); }, seconds(5)));
  auto rewritten = truth.ModifiedAtMs(rest_node);
  REQUIRE(rewritten.ok());
  CHECK(rewritten.value() > written.value());
  CHECK(Eventually([&] { return since_ms("rest_server") == rewritten.value(); },
                   seconds(2)));
  watcher.Stop();
  jm2->WriteStdin("close\n");
  jm2->Wait(seconds(5));
  jm1->Wait(seconds(5));
}

// Plays Flink's part with plain znode writes: the 1.13 layout, chroot, digest
// auth, undecodable leader data and checkpoint pointers at 1.13's place
// (checkpoints/<jid>), without starting JVM contenders.
TEST_CASE("HaWatcher reads 1.13 nodes under a chroot with digest auth",
          "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  ZkWriter writer;
  REQUIRE(writer.Connect(zk.connect_string()).ok());
  const std::string base = "/tenant/flink/c113";
  auto info = [](const std::string& address) {
    return EncodeLeaderInfo(address, "123e4567-e89b-12d3-a456-426614174000")
        .value();
  };
  for (const char* c : {"resource_manager", "dispatcher", "rest_server"}) {
    REQUIRE(writer
                .Create(base + "/leaderlatch/" + std::string(c) +
                            "_lock/_c_x-latch-0000000000",
                        "", true)
                .ok());
    const std::string address =
        std::string(c) == "rest_server"
            ? "http://jm1:8081"
            : "akka.tcp://flink@jm1:6123/user/" + std::string(c);
    REQUIRE(writer
                .Create(base + "/leader/" + std::string(c) + "_lock",
                        info(address), true)
                .ok());
  }
  REQUIRE(writer
              .Create(base + "/checkpoints/" + kJob + "/0000000000000000007",
                      "", false)
              .ok());
  // The 1.14+ place is not 1.13's: a pointer there is not read.
  REQUIRE(
      writer
          .Create(base + "/jobs/" + kJob + "/checkpoints/0000000000000000099",
                  "", false)
          .ok());

  ClusterConfig cfg = ZkCluster(zk, "/c113");
  cfg.zookeeper->chroot = "/tenant";
  cfg.zookeeper->auth_digest = "flink:secret";
  StateStore store(std::chrono::system_clock::now());
  HaWatcher watcher(std::make_shared<const ClusterConfig>(cfg), &store);
  watcher.Start();
  REQUIRE(Eventually([&] { return AllLedBy(store, "jm-1"); }, seconds(10)));
  ClusterState c = Cluster(store);
  CHECK(c.zookeeper->layout == ZkLayout::k1_13);
  CHECK(c.ha->contenders.at("rest_server") == 1);
  // The checkpoint place is read once the layout is known: a read later.
  REQUIRE(Eventually(
      [&] {
        auto ids = Cluster(store).zookeeper->latest_checkpoint_ids;
        return ids.count(kJob) && ids.at(kJob) == 7;
      },
      seconds(5)));
  CHECK(Cluster(store).zookeeper->latest_checkpoint_ids.size() == 1);

  // A new checkpoint pointer and a job leader appear: seen through the parent
  // watches.
  REQUIRE(writer
              .Create(base + "/checkpoints/" + kJob + "/0000000000000000008",
                      "", false)
              .ok());
  REQUIRE(writer
              .Create(base + "/leader/" + kJob + "/job_manager_lock",
                      info("akka.tcp://flink@jm1:6123/user/jobmanager_2"), true)
              .ok());
  CHECK(Eventually(
      [&] {
        ClusterState s = Cluster(store);
        auto j = s.zookeeper->job_leaders.find(kJob);
        return s.zookeeper->latest_checkpoint_ids.at(kJob) == 8 &&
               j != s.zookeeper->job_leaders.end() && j->second.has_value();
      },
      seconds(5)));

  // Undecodable leader data: the leader is unknown and the source reports why.
  REQUIRE(writer.SetData(base + "/leader/rest_server_lock", "not java").ok());
  REQUIRE(Eventually([&] { return !Cluster(store).sources.at("zookeeper").up; },
                     seconds(5)));
  c = Cluster(store);
  CHECK_THAT(c.sources.at("zookeeper").last_error,
             Catch::Contains("rest_server_lock"));
  CHECK_THAT(c.sources.at("zookeeper").last_error,
             Catch::Contains("stream magic"));
  CHECK(LeaderOf(store, "rest_server").empty());
  watcher.Stop();
}

// Flink 1.14+ keeps completed checkpoints at jobs/<jid>/checkpoints/<%019d id>,
// each with a locks/<uuid> child per JobManager holding it; 1.13's place
// (checkpoints/<jid>) is not read for a newer layout.
TEST_CASE("HaWatcher reads 1.19 checkpoint pointers under jobs/<jid>",
          "[zk][ha_watcher]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  ZkWriter writer;
  REQUIRE(writer.Connect(zk.connect_string()).ok());
  const std::string base = "/flink/c119";
  const std::string info =
      EncodeLeaderInfo("http://jm1:8081",
                       "123e4567-e89b-12d3-a456-426614174000")
          .value();
  REQUIRE(writer.Create(base + "/leader/latch/_c_x-latch-0000000000", "", true)
              .ok());
  for (const char* c : {"resource_manager", "dispatcher", "rest_server"}) {
    REQUIRE(writer
                .Create(base + "/leader/" + std::string(c) + "/connection_info",
                        info, true)
                .ok());
  }
  REQUIRE(
      writer
          .Create(base + "/leader/job-" + kJob + "/connection_info", info, true)
          .ok());
  // A stale pointer at 1.13's place: must not be taken for 1.19's.
  REQUIRE(writer
              .Create(base + "/checkpoints/" + kJob + "/0000000000000000050",
                      "", false)
              .ok());

  StateStore store(std::chrono::system_clock::now());
  HaWatcher watcher(
      std::make_shared<const ClusterConfig>(ZkCluster(zk, "/c119")), &store);
  watcher.Start();
  REQUIRE(Eventually(
      [&] {
        ClusterState s = Cluster(store);
        return s.zookeeper && s.zookeeper->layout == ZkLayout::k1_19 &&
               AllLedBy(store, "jm-1") && s.zookeeper->job_leaders.count(kJob);
      },
      seconds(10)));
  // Nothing at the 1.19 place yet (jobs/ does not exist): no id, and the old
  // place's 50 is not read.
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(Cluster(store).zookeeper->latest_checkpoint_ids.empty());

  // As Flink writes a checkpoint: the node, its lock, the id counter. The whole
  // jobs/ subtree is new, so the watcher has to follow it down from exists.
  const std::string dir = base + "/jobs/" + kJob + "/checkpoints";
  auto add_checkpoint = [&](const std::string& name) {
    REQUIRE(writer.Create(dir + "/" + name, "file:/chk", false).ok());
    REQUIRE(writer
                .Create(dir + "/" + name +
                            "/locks/4f1d2c3b-aaaa-bbbb-cccc-1234567890ab",
                        "", true)
                .ok());
  };
  add_checkpoint("0000000000000000007");
  REQUIRE(writer
              .Create(base + "/jobs/" + kJob + "/checkpoint_id_counter",
                      std::string("\x00\x00\x00\x08", 4), false)
              .ok());
  auto latest = [&]() -> int64_t {
    auto ids = Cluster(store).zookeeper->latest_checkpoint_ids;
    auto it = ids.find(kJob);
    return it == ids.end() ? -1 : it->second;
  };
  REQUIRE(Eventually([&] { return latest() == 7; }, seconds(5)));
  add_checkpoint("0000000000000000008");
  CHECK(Eventually([&] { return latest() == 8; }, seconds(5)));
  // Junk beside the pointers is ignored; the newest pointer still counts.
  REQUIRE(writer.Create(dir + "/junk", "", false).ok());
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(latest() == 8);
  CHECK(Cluster(store).zookeeper->latest_checkpoint_ids.size() == 1);
  CHECK(Cluster(store).sources.at("zookeeper").up);
  watcher.Stop();
}

}  // namespace
}  // namespace flinkha::testing
