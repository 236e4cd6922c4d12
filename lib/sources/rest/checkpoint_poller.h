// Polls checkpoint statistics and numRestarts of every non-terminal job of one
// cluster, each job at a cadence sized to its checkpoint interval, within a
// per-JobManager request budget.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "model/checkpoint_merge.h"
#include "model/checkpoint_schedule.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/logging.h"

namespace flinkha {

class HttpClient;

// Publishes cluster.checkpoints, cluster.checkpoint_poll and source
// "checkpoints". Asks the preferred (leader-side) JobManager of the current
// snapshot. One worker thread visits the job that is due first
// (model/checkpoint_schedule.h), spacing requests evenly under
// checkpoint_requests_per_second, and publishes what changed at most every
// min(1 s, poll_interval). Stop() cancels a request in flight.
class CheckpointPoller : public Source {
 public:
  CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                   StateStore* store);
  ~CheckpointPoller() override;
  void Start() override;
  void Stop() override;

 private:
  using Observations =
      std::map<std::string, std::shared_ptr<const JobCheckpointObservation>>;
  // A job that left the job list: its last completed checkpoint is remembered
  // for a while in case it comes back (e.g. listed again after a JobManager
  // failover).
  struct Retired {
    CompletedCheckpoint last_completed;
    TimePoint since{};
  };

  void Run();
  // Sleeps until `until` or Stop(); false when stopping.
  bool SleepUntil(MonoTime until);
  // Waits (bounded by one poll interval) for a JobManager poller's first
  // observation; false when stopping.
  bool AwaitFirstJobManagerPoll();
  // Follows the job list of the current snapshot; returns the JobManager to
  // ask (its client) or null after recording why there is none.
  HttpClient* Follow(TimePoint now, MonoTime mono);
  // Visits one due job; false when the endpoint is down (connect/timeout).
  bool Visit(HttpClient& client, const std::string& job_id, TimePoint now,
             MonoTime mono);
  // Waits for the request budget; false when stopping.
  bool AwaitSlot();
  void Retire(const std::string& id, TimePoint now);
  void Publish(TimePoint now, MonoTime mono, bool force);

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  std::map<std::string, std::unique_ptr<HttpClient>>
      clients_;                                       // by JobManager name
  std::map<std::string, std::string> client_errors_;  // why a client is missing

  // Worker thread only:
  CheckpointSchedule schedule_;
  RequestPacer pacer_;
  std::shared_ptr<const JobManagerObservation> followed_;  // list last synced
  std::string endpoint_;                                   // JobManager asked
  std::map<std::string, JobSummary> jobs_;                 // listed jobs, by id
  Observations current_;                                   // by job id
  std::map<std::string, JobPollTracking> tracking_;        // by job id
  std::map<std::string, Retired> retired_;                 // by job id
  std::string follow_error_;  // why there is no JobManager to ask
  std::string visit_error_;   // the endpoint failed (connect, timeout)
  std::string list_error_;    // a job id that is not put into a URL
  bool dirty_ = false;
  bool reported_ = false;
  MonoTime last_publish_{};
  MonoTime last_attempt_{};  // last RecordSourceAttempt
  MonoTime started_{};       // the first JobManager observation arrived
  uint64_t requests_total_ = 0;
  FaultLog faults_{"checkpoints"};

  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace flinkha
