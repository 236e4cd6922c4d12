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
#include <vector>

#include "config/config.h"
#include "model/checkpoint_merge.h"
#include "model/checkpoint_schedule.h"
#include "model/job_diagnosis.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/logging.h"

namespace flinkha {

class HttpClient;

// Publishes cluster.checkpoints, cluster.checkpoint_poll and source
// "checkpoints". Asks the preferred (leader-side) JobManager of the current
// snapshot. kLanes worker threads, each owning the jobs whose id hashes to it
// and its own keep-alive connection, visit the job due first
// (model/checkpoint_schedule.h): a slow JobManager answer holds up one lane,
// not the round. All lanes take request slots from one RequestPacer, so the
// requests are spaced evenly under checkpoint_requests_per_second. A job's
// first result is published within min(1 s, poll_interval), updates once per
// poll_interval. Stop() cancels the requests in flight.
class CheckpointPoller : public Source {
 public:
  // Requests in flight at most.
  static constexpr int kLanes = 4;

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
  struct Lane;

  void Run(Lane& lane);
  // Sleeps until `until` or Stop(); false when stopping.
  bool SleepUntil(MonoTime until);
  // Waits (bounded by one poll interval) for a JobManager poller's first
  // observation; false when stopping.
  bool AwaitFirstJobManagerPoll();
  // Follows the job list of the current snapshot; returns the lane's client
  // for the JobManager to ask, or null after recording why there is none.
  HttpClient* Follow(Lane& lane, TimePoint now, MonoTime mono);
  // Visits one due job; false when the endpoint is down (connect/timeout).
  bool Visit(Lane& lane, HttpClient& client, const std::string& job_id,
             TimePoint now, MonoTime mono);
  // Waits for a request slot from the shared pacer; false when stopping.
  bool AwaitSlot();
  void Publish(Lane& lane, TimePoint now, MonoTime mono, bool force);

  std::shared_ptr<const ClusterConfig> cluster_;
  StateStore* store_;
  std::vector<std::unique_ptr<Lane>> lanes_;

  std::mutex pacer_mu_;
  RequestPacer pacer_;  // guarded by pacer_mu_
  std::atomic<uint64_t> requests_total_{0};

  // Shared by the lanes, guarded by mu_:
  std::mutex mu_;
  Observations current_;                    // by job id
  std::map<std::string, Retired> retired_;  // by job id
  bool dirty_ = false;        // current_ changed since the last publication
  bool new_results_ = false;  // ... by a job's first result
  bool reported_ = false;
  MonoTime started_{};  // the first JobManager observation arrived
  MonoTime last_publish_{};
  MonoTime last_attempt_{};  // last RecordSourceAttempt
  FailureCounts failures_;   // new exception history entries by class
  bool failures_dirty_ = false;
  std::shared_ptr<const FailureCounts> published_failures_;
  FaultLog faults_{"checkpoints"};

  std::condition_variable cv_;  // with mu_: wakes sleepers on Stop()
  std::atomic<bool> stopping_{false};
};

}  // namespace flinkha
