// Benchmark: delay from a leader znode change (as seen by the writer, i.e. when
// ZooKeeper acknowledged the write) to the StateStore update by HaWatcher, over
// 20 failovers. Usage: zk_watch_delay [failovers]   (starts its own ZooKeeper
// on a free loopback port)
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "model/leader_info.h"
#include "model/store.h"
#include "sources/zookeeper/ha_watcher.h"
#include "sources/zookeeper/zk_client.h"
#include "support/zk_server.h"

using namespace flinkha;  // NOLINT: a small program
using Clock = std::chrono::steady_clock;

namespace {

const char* kComponents[] = {"resource_manager", "dispatcher", "rest_server"};

// Polls the store every 100 us until pred holds; returns when it did (or
// nullopt at 5 s).
template <typename Pred>
std::optional<Clock::time_point> WaitStore(const StateStore& store, Pred pred) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    if (pred(*store.Get())) return Clock::now();
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return std::nullopt;
}

bool LedBy(const Snapshot& s, const std::string& jm) {
  auto it = s.clusters.find("bench");
  if (it == s.clusters.end() || !it->second.ha) return false;
  for (const char* c : kComponents) {
    auto l = it->second.ha->components.find(c);
    if (l == it->second.ha->components.end() || !l->second.known ||
        l->second.jobmanager != jm) {
      return false;
    }
  }
  return true;
}

bool RestLeaderless(const Snapshot& s) {
  auto it = s.clusters.find("bench");
  if (it == s.clusters.end() || !it->second.ha) return false;
  auto l = it->second.ha->components.find("rest_server");
  return l != it->second.ha->components.end() && !l->second.known;
}

void Report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-44s n=%zu median=%.2f ms max=%.2f ms\n", what, ms.size(),
              ms[ms.size() / 2], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int failovers = argc > 1 ? std::atoi(argv[1]) : 20;
  testing::ZkServer zk;
  if (!zk.Start()) {
    std::fprintf(stderr, "%s\n", zk.error().c_str());
    return 1;
  }
  ClusterConfig cfg;
  cfg.name = "bench";
  cfg.jobmanagers = {{"jm-1", "http://127.0.0.1:1", "jm1:8081"},
                     {"jm-2", "http://127.0.0.1:2", "jm2:8081"}};
  ZooKeeperConfig z;
  z.quorum = zk.connect_string();
  z.cluster_id = "/bench";
  z.layout = "1.19";
  cfg.zookeeper = z;

  ZkClient writer({zk.connect_string(), std::chrono::milliseconds(4000), ""});
  if (!writer.Open().ok()) return 1;
  while (writer.session_id() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::string base = "/flink/bench/leader";
  (void)writer.Create(base + "/latch/_c_a-latch-0000000000", "", true);
  (void)writer.Create(base + "/latch/_c_b-latch-0000000001", "", true);

  StateStore store(std::chrono::system_clock::now());
  HaWatcher watcher(std::make_shared<const ClusterConfig>(cfg), &store);
  watcher.Start();

  auto write_leader = [&](int i) {
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "00000000-0000-0000-0000-%012d", i);
    const std::string host = i % 2 ? "jm2" : "jm1";
    for (const char* c : kComponents) {
      const std::string address =
          std::string(c) == "rest_server"
              ? "http://" + host + ":8081"
              : "pekko.tcp://flink@" + host + ":6123/user/rpc/" + c;
      auto st = writer.Create(base + "/" + c + "/connection_info",
                              EncodeLeaderInfo(address, uuid).value(), true);
      if (!st.ok()) std::fprintf(stderr, "%s\n", st.error().message.c_str());
    }
    return i % 2 ? "jm-2" : "jm-1";
  };
  const std::string first = write_leader(0);
  if (!WaitStore(store, [&](const Snapshot& s) { return LedBy(s, first); })) {
    std::fprintf(stderr, "the watcher never saw the first leader\n");
    return 1;
  }
  std::vector<double> lost_ms, elected_ms;
  for (int i = 1; i <= failovers; ++i) {
    for (const char* c : kComponents)
      (void)writer.Delete(base + "/" + c + "/connection_info");
    const auto deleted = Clock::now();
    auto lost = WaitStore(store, RestLeaderless);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20));  // a short leaderless gap
    const std::string jm = write_leader(i);
    const auto written = Clock::now();
    auto seen =
        WaitStore(store, [&](const Snapshot& s) { return LedBy(s, jm); });
    if (!lost || !seen) {
      std::fprintf(stderr, "failover %d not seen within 5 s\n", i);
      return 1;
    }
    lost_ms.push_back(
        std::chrono::duration<double, std::milli>(*lost - deleted).count());
    elected_ms.push_back(
        std::chrono::duration<double, std::milli>(*seen - written).count());
  }
  watcher.Stop();
  auto snap = store.Get();
  std::printf("failovers counted by the analysis: %llu\n",
              static_cast<unsigned long long>(
                  snap->clusters.at("bench").ha->failovers_total));
  Report("leader znodes deleted -> store leaderless", lost_ms);
  Report("new leader written -> store names it", elected_ms);
  return 0;
}
