// Polls one JobManager's REST endpoint every poll interval into a
// JobManagerObservation.
#pragma once

#include <memory>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/periodic.h"

namespace flinkha {

// Publishes cluster.jobmanagers[jm.name] and source "rest/<jm.name>". Owns one
// worker thread.
class JobManagerPoller : public Source {
 public:
  JobManagerPoller(std::shared_ptr<const ClusterConfig> cluster,
                   JobManagerConfig jm, StateStore* store);
  ~JobManagerPoller() override;
  void Start() override;
  void Stop() override;

 private:
  void PollOnce();

  std::shared_ptr<const ClusterConfig> cluster_;
  JobManagerConfig jm_;
  StateStore* store_;
  PeriodicWorker worker_;
};

}  // namespace flinkha
