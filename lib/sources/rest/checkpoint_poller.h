// Polls checkpoint statistics and numRestarts of every non-terminal job of one
// cluster.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "model/checkpoint_merge.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/logging.h"
#include "util/periodic.h"

namespace flinkha {

class HttpClient;

// Publishes cluster.checkpoints and source "checkpoints". Uses the preferred
// (leader-side) JobManager from the current snapshot. Owns one worker thread
// and one keep-alive client per configured JobManager; Stop() cancels a request
// in flight.
class CheckpointPoller : public Source {
 public:
  CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                   StateStore* store);
  ~CheckpointPoller() override;
  void Start() override;
  void Stop() override;

 private:
  // A job that left the job list: its last completed checkpoint is remembered
  // for a while in case it comes back (e.g. listed again after a JobManager
  // failover).
  struct Retired {
    CompletedCheckpoint last_completed;
    TimePoint since{};
  };

  void PollOnce();
  // Waits (bounded by one poll interval) for a JobManager poller's first
  // observation; false when stopping.
  bool AwaitFirstJobManagerPoll();
  void Publish(TimePoint now, const std::string& error,
               const std::map<std::string,
                              std::shared_ptr<const JobCheckpointObservation>>*
                   checkpoints);

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  std::map<std::string, std::unique_ptr<HttpClient>>
      clients_;                                       // by JobManager name
  std::map<std::string, std::string> client_errors_;  // why a client is missing
  // Worker thread only:
  std::map<std::string, JobPollTracking> tracking_;  // by job id
  std::map<std::string, Retired> retired_;           // by job id
  bool first_poll_ = true;
  FaultLog faults_{"checkpoints"};
  std::atomic<bool> stopping_{false};
  PeriodicWorker worker_;
};

}  // namespace flinkha
