// STUB: replaced by the REST source implementation.
#include "sources/rest/jobmanager_poller.h"

namespace flinkha {

JobManagerPoller::JobManagerPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   JobManagerConfig jm, StateStore* store)
    : cluster_(std::move(cluster)), jm_(std::move(jm)), store_(store) {}
JobManagerPoller::~JobManagerPoller() { Stop(); }
void JobManagerPoller::Start() {}
void JobManagerPoller::Stop() { worker_.Stop(); }
void JobManagerPoller::PollOnce() {}

}  // namespace flinkha
