// STUB: replaced by the checkpoint source implementation.
#include "sources/rest/checkpoint_poller.h"

namespace flinkha {

CheckpointPoller::CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   StateStore* store)
    : cluster_(std::move(cluster)), store_(store) {}
CheckpointPoller::~CheckpointPoller() { Stop(); }
void CheckpointPoller::Start() {}
void CheckpointPoller::Stop() { worker_.Stop(); }
void CheckpointPoller::PollOnce() {}

}  // namespace flinkha
