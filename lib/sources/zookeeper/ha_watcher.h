// Watches Flink's leader znodes of one cluster in ZooKeeper and runs the HA
// analysis.
#pragma once

#include <memory>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"

namespace flinkha {

class HaWatcherImpl;

// Publishes cluster.zookeeper, cluster.ha and source "zookeeper". One ZooKeeper
// session; watches, not polling; reconnects with backoff and re-arms watches
// after session expiry.
class HaWatcher : public Source {
 public:
  HaWatcher(std::shared_ptr<const ClusterConfig> cluster, StateStore* store);
  ~HaWatcher() override;
  void Start() override;
  void Stop() override;

 private:
  std::unique_ptr<HaWatcherImpl> impl_;
};

}  // namespace flinkha
