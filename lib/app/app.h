// App: builds every source from a Config, swaps them on reload, stops them in
// reverse order.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/result.h"

namespace flinkha {

// The source ids a cluster config will publish, e.g. "rest/jm-1", "zookeeper",
// "output/./out".
std::vector<std::string> ExpectedSources(const ClusterConfig& cluster);

// Thread-safe: Reload() may be called from the signal loop and from HTTP
// handlers.
class App {
 public:
  App(std::string config_file, StateStore* store);
  ~App();

  // Starts the sources for a config that was already loaded and validated.
  void Start(ConfigPtr config);

  // Loads the config file again; on success restarts the sources with it, on
  // failure keeps everything as it is. Records the outcome in the snapshot
  // either way.
  Status Reload();

  void Stop();

  ConfigPtr config() const;

 private:
  void StartLocked(ConfigPtr config);
  void StopLocked();

  const std::string config_file_;
  StateStore* store_;
  mutable std::mutex mu_;
  ConfigPtr config_;
  std::vector<std::unique_ptr<Source>>
      sources_;  // started in order, stopped in reverse
};

// The failover history of an exporter serving on `listen` on this host (its
// /api/v1/status), for the one-shot `status` command, which has none of its
// own. An error when none answers (plain HTTP only: TLS or basic auth on the
// listener need a browser or curl).
Result<std::vector<std::string>> FetchFailoverHistory(
    const std::string& listen, std::chrono::milliseconds timeout);

}  // namespace flinkha
