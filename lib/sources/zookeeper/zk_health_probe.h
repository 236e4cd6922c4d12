// Probes each ZooKeeper quorum member with four-letter words (srvr, mntr,
// ruok).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/address.h"
#include "config/config.h"
#include "model/store.h"
#include "model/zk_ensemble.h"
#include "model/zk_health_types.h"
#include "sources/source.h"
#include "util/periodic.h"

namespace flinkha {

// Publishes cluster.zookeeper_servers and source "zookeeper_health". Owns one
// worker thread.
class ZkHealthProbe : public Source {
 public:
  ZkHealthProbe(std::shared_ptr<const ClusterConfig> cluster,
                StateStore* store);
  ~ZkHealthProbe() override;
  void Start() override;
  void Stop() override;

 private:
  void ProbeOnce();
  ZkServerHealth ProbeServer(const HostPort& member);

  // Worker thread only: per server, command -> whitelisted, learned from the
  // answers.
  std::map<std::string, std::map<std::string, bool>> allowed_;
  uint64_t rounds_ = 0;
  ZkElectionTracker elections_;
  bool quorum_seen_ = true;  // logs the first loss, not a healthy start

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  PeriodicWorker worker_;
};

}  // namespace flinkha
