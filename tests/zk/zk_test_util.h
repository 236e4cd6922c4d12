// Shared helpers of the real-ZooKeeper tests: contenders, configs, snapshot
// reads.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "config/config.h"
#include "model/store.h"
#include "sources/zookeeper/zk_client.h"
#include "support/process.h"
#include "support/zk_server.h"

namespace flinkha::testing {

// The two-JobManager cluster "test" (layout detected) with short timeouts.
inline ClusterConfig ZkCluster(const ZkServer& zk,
                               const std::string& cluster_id) {
  ClusterConfig c = TwoJobManagerCluster(zk, "test", cluster_id, std::nullopt);
  c.zookeeper->session_timeout = std::chrono::milliseconds(2000);
  c.zookeeper->health_interval = std::chrono::milliseconds(300);
  c.poll_interval = std::chrono::milliseconds(1000);
  c.request_timeout = std::chrono::milliseconds(1000);
  return c;
}

// A Java JobManager contending for leadership (tests/sim), host name jm1/jm2 as
// advertised.
inline std::unique_ptr<Subprocess> StartContender(
    const ZkServer& zk, const TempDir& dir, const std::string& host,
    const std::string& cluster_id, const std::string& layout,
    const std::string& jobs = "", int session_timeout_ms = 1500) {
  const std::string cp = SimClasspath();
  REQUIRE_FALSE(cp.empty());
  std::vector<std::string> argv = {"java",
                                   "-Xmx96m",
                                   "-XX:+UseSerialGC",
                                   "-XX:TieredStopAtLevel=1",
                                   "-Xshare:auto",
                                   "-cp",
                                   cp,
                                   "flinksim.Contender",
                                   "--zk",
                                   zk.connect_string(),
                                   "--namespace",
                                   "flink/" + cluster_id,
                                   "--rest",
                                   "http://" + host + ":8081",
                                   "--rpc",
                                   host + ":6123",
                                   "--layout",
                                   layout,
                                   "--session-timeout-ms",
                                   std::to_string(session_timeout_ms)};
  if (!jobs.empty()) {
    argv.push_back("--jobs");
    argv.push_back(jobs);
  }
  static int n = 0;
  return std::make_unique<Subprocess>(
      argv, dir.path() + "/" + host + "-" + std::to_string(++n) + ".log");
}

inline ClusterState Cluster(const StateStore& store,
                            const std::string& name = "test") {
  auto snap = store.Get();
  auto it = snap->clusters.find(name);
  return it == snap->clusters.end() ? ClusterState() : it->second;
}

// The configured JobManager leading `component` ("" when none is known).
inline std::string LeaderOf(const StateStore& store,
                            const std::string& component) {
  ClusterState c = Cluster(store);
  if (!c.ha) return "";
  auto it = c.ha->components.find(component);
  return it != c.ha->components.end() && it->second.known
             ? it->second.jobmanager
             : "";
}

inline bool AllLedBy(const StateStore& store, const std::string& jm) {
  for (const char* c : {"resource_manager", "dispatcher", "rest_server"}) {
    if (LeaderOf(store, c) != jm) return false;
  }
  return true;
}

inline int Contenders(const StateStore& store, const std::string& latch) {
  ClusterState c = Cluster(store);
  if (!c.ha) return -1;
  auto it = c.ha->contenders.find(latch);
  return it == c.ha->contenders.end() ? -1 : it->second;
}

// How many children path has in ZooKeeper right now, read by a client of its
// own (-1 when unreadable): the truth the watcher's view is compared with.
inline int ChildrenNow(const ZkServer& zk, const std::string& path) {
  ZkClient client({zk.connect_string(), std::chrono::milliseconds(4000), ""});
  if (!client.Open().ok()) return -1;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const ZkEvent& e : client.Wait(std::chrono::milliseconds(100))) {
      if (e.kind == ZkEvent::Kind::kSession &&
          e.session_state == ZkSessionState::kConnected &&
          !client.GetChildren(path).ok())
        return -1;
      if (e.kind == ZkEvent::Kind::kChildren)
        return e.code == ZkEvent::Code::kOk
                   ? static_cast<int>(e.children.size())
                   : -1;
    }
  }
  return -1;
}

inline uint64_t Failovers(const StateStore& store) {
  ClusterState c = Cluster(store);
  return c.ha ? c.ha->failovers_total : 0;
}

}  // namespace flinkha::testing
