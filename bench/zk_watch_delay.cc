// Benchmark: delay from a leader znode change (as seen by the writer, i.e. when
// ZooKeeper acknowledged the write) to the change in /metrics, scraped over
// loopback HTTP from the exporter's own server, over 20 failovers. Usage:
// zk_watch_delay [failovers]   (starts its own ZooKeeper on a free loopback
// port)
#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "http/server.h"
#include "model/store.h"
#include "sources/zookeeper/ha_watcher.h"
#include "support/leader_info_encode.h"
#include "support/zk_server.h"
#include "support/zk_writer.h"

using namespace flinkha;  // NOLINT: a small program
using Clock = std::chrono::steady_clock;

namespace {

const char* kComponents[] = {"resource_manager", "dispatcher", "rest_server"};

// Scrapes /metrics back to back until pred holds on the body; returns when it
// did (or nullopt at 5 s).
template <typename Pred>
std::optional<Clock::time_point> WaitMetrics(httplib::Client& client,
                                             Pred pred) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    auto r = client.Get("/metrics");
    if (r && r->status == 200 && pred(r->body)) return Clock::now();
  }
  return std::nullopt;
}

bool Has(const std::string& body, const std::string& line) {
  return body.find(line) != std::string::npos;
}

// Every component names jm: /metrics says so in flinkha_jobmanager_leader.
bool LedBy(const std::string& body, const std::string& jm) {
  for (const char* c : kComponents) {
    if (!Has(body,
             "flinkha_jobmanager_leader{flink_cluster=\"bench\","
             "jobmanager=\"" +
                 jm + "\",component=\"" + c + "\"} 1\n")) {
      return false;
    }
  }
  return true;
}

bool RestLeaderless(const std::string& body) {
  return Has(body,
             "flinkha_leader_known{flink_cluster=\"bench\","
             "component=\"rest_server\"} 0\n");
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
  const ClusterConfig cfg =
      testing::TwoJobManagerCluster(zk, "bench", "/bench", ZkLayout::k1_19);

  testing::ZkWriter writer;
  if (auto st = writer.Connect(zk.connect_string()); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  const std::string base = "/flink/bench/leader";
  (void)writer.Create(base + "/latch/_c_a-latch-0000000000", "", true);
  (void)writer.Create(base + "/latch/_c_b-latch-0000000001", "", true);

  StateStore store(std::chrono::system_clock::now());
  auto shared_cfg = std::make_shared<const ClusterConfig>(cfg);
  // As the daemon does at start: collectors list the configured JobManagers.
  store.UpdateCluster(cfg.name,
                      [&](ClusterState& c) { c.config = shared_cfg; });
  HaWatcher watcher(shared_cfg, &store);
  watcher.Start();
  HttpServer server(&store,
                    ServerOptions{"127.0.0.1:0", "/metrics", "", nullptr, {}});
  if (!server.Start().ok()) return 1;
  httplib::Client client("127.0.0.1", server.port());
  client.set_keep_alive(true);

  auto write_leader = [&](int i) {
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "00000000-0000-0000-0000-%012d", i);
    const std::string host = i % 2 ? "jm2" : "jm1";
    for (const char* c : kComponents) {
      const std::string address =
          std::string(c) == "rest_server"
              ? "http://" + host + ":8081"
              : "pekko.tcp://flink@" + host + ":6123/user/rpc/" + c;
      auto st =
          writer.Create(base + "/" + c + "/connection_info",
                        testing::EncodeLeaderInfo(address, uuid).value(), true);
      if (!st.ok()) std::fprintf(stderr, "%s\n", st.error().message.c_str());
    }
    return i % 2 ? "jm-2" : "jm-1";
  };
  const std::string first = write_leader(0);
  if (!WaitMetrics(client,
                   [&](const std::string& b) { return LedBy(b, first); })) {
    std::fprintf(stderr, "the watcher never saw the first leader\n");
    return 1;
  }
  std::vector<double> lost_ms, elected_ms;
  for (int i = 1; i <= failovers; ++i) {
    for (const char* c : kComponents)
      (void)writer.Delete(base + "/" + c + "/connection_info");
    const auto deleted = Clock::now();
    auto lost = WaitMetrics(client, RestLeaderless);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20));  // a short leaderless gap
    const std::string jm = write_leader(i);
    const auto written = Clock::now();
    auto seen =
        WaitMetrics(client, [&](const std::string& b) { return LedBy(b, jm); });
    if (!lost || !seen) {
      std::fprintf(stderr, "failover %d not seen within 5 s\n", i);
      return 1;
    }
    lost_ms.push_back(
        std::chrono::duration<double, std::milli>(*lost - deleted).count());
    elected_ms.push_back(
        std::chrono::duration<double, std::milli>(*seen - written).count());
  }
  server.Stop();
  watcher.Stop();
  auto snap = store.Get();
  std::printf("failovers counted by the analysis: %llu\n",
              static_cast<unsigned long long>(
                  snap->clusters.at("bench").ha->failovers_total));
  Report("leader znodes deleted -> /metrics leaderless", lost_ms);
  Report("new leader written -> /metrics names it", elected_ms);
  return 0;
}
