// Probes each ZooKeeper quorum member with four-letter words (srvr, mntr,
// ruok).
#pragma once

#include <memory>

#include "config/config.h"
#include "model/store.h"
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

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  PeriodicWorker worker_;
};

}  // namespace flinkha
