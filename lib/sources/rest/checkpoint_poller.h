// Polls checkpoint statistics and numRestarts of every non-terminal job of one
// cluster.
#pragma once

#include <memory>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/periodic.h"

namespace flinkha {

// Publishes cluster.checkpoints and source "checkpoints". Uses the preferred
// (leader-side) JobManager from the current snapshot. Owns one worker thread.
class CheckpointPoller : public Source {
 public:
  CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                   StateStore* store);
  ~CheckpointPoller() override;
  void Start() override;
  void Stop() override;

 private:
  void PollOnce();

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  PeriodicWorker worker_;
};

}  // namespace flinkha
