// Small helpers shared by the REST source tests: waiting for a condition, a
// cluster config.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "model/store.h"

namespace flinkha::rest_test {

// Polls cond every 5ms until it holds or seconds pass; returns whether it held.
inline bool WaitFor(const std::function<bool()>& cond, double seconds = 5) {
  const auto until =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(seconds));
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

// A cluster "prod" with the given JobManagers (name, url), fast polls and short
// timeouts.
inline std::shared_ptr<ClusterConfig> TestCluster(
    const std::vector<std::pair<std::string, std::string>>& jms,
    int poll_ms = 50, int timeout_ms = 1000) {
  auto c = std::make_shared<ClusterConfig>();
  c->name = "prod";
  for (const auto& [name, url] : jms)
    c->jobmanagers.push_back({name, url, name + ":8081"});
  c->poll_interval = Duration(poll_ms);
  c->request_timeout = Duration(timeout_ms);
  return c;
}

// Publishes the config into the store as App does before starting sources.
inline void PublishConfig(StateStore& store,
                          std::shared_ptr<const ClusterConfig> config) {
  store.UpdateCluster(config->name,
                      [&](ClusterState& c) { c.config = config; });
}

}  // namespace flinkha::rest_test
