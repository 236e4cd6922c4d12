// STUB: replaced by the ZooKeeper health implementation.
#include "sources/zookeeper/zk_health_probe.h"

namespace flinkha {

ZkHealthProbe::ZkHealthProbe(std::shared_ptr<const ClusterConfig> cluster,
                             StateStore* store)
    : cluster_(std::move(cluster)), store_(store) {}
ZkHealthProbe::~ZkHealthProbe() { Stop(); }
void ZkHealthProbe::Start() {}
void ZkHealthProbe::Stop() { worker_.Stop(); }
void ZkHealthProbe::ProbeOnce() {}

}  // namespace flinkha
