// Reads Flink's Kubernetes HA ConfigMaps of one cluster (list, then watch) and
// runs the same HA analysis as the ZooKeeper source.
#pragma once

#include <memory>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"

namespace flinkha {

class ConfigMapWatcherImpl;

// Publishes cluster.zookeeper (the leader observation, whichever the store),
// cluster.kubernetes, cluster.ha and source "kubernetes". Lists the
// ConfigMaps labelled app=<cluster id>,type=flink-native-kubernetes, then
// watches from the list's resource version; a watch that fails or is refused
// falls back to a list every poll_interval, an expired one (410 Gone) is
// listed again at once. The token file is re-read when it changes.
class ConfigMapWatcher : public Source {
 public:
  ConfigMapWatcher(std::shared_ptr<const ClusterConfig> cluster,
                   StateStore* store);
  ~ConfigMapWatcher() override;
  void Start() override;
  void Stop() override;

 private:
  std::unique_ptr<ConfigMapWatcherImpl> impl_;
};

}  // namespace flinkha
