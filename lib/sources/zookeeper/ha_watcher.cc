// STUB: replaced by the ZooKeeper source implementation.
#include "sources/zookeeper/ha_watcher.h"

namespace flinkha {

class HaWatcherImpl {};

HaWatcher::HaWatcher(std::shared_ptr<const ClusterConfig> cluster,
                     StateStore* store) {
  (void)cluster;
  (void)store;
}
HaWatcher::~HaWatcher() { Stop(); }
void HaWatcher::Start() {}
void HaWatcher::Stop() {}

}  // namespace flinkha
