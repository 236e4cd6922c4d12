// Polls one JobManager's REST endpoint every poll interval into a
// JobManagerObservation.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/logging.h"
#include "util/periodic.h"

namespace flinkha {

class HttpClient;

// Publishes cluster.jobmanagers[jm.name] and source "rest/<jm.name>". Owns one
// worker thread and one keep-alive HTTP client. Stop() cancels a request in
// flight, so it returns promptly.
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
  std::unique_ptr<HttpClient> client_;  // null: configuration unusable
  std::string client_error_;            // why client_ is null
  FaultLog faults_{"rest"};
  std::atomic<bool> stopping_{
      false};  // set before cancelling, so a cancelled poll is dropped
  PeriodicWorker worker_;
};

// One poll of one JobManager: GET /config, /overview, /jobs/overview,
// /taskmanagers in that order. A connect failure or timeout ends the poll early
// (the next requests would wait as long); stopping() is checked between
// requests. up is true when /overview parsed, or when the endpoint answered
// Flink's 503 leader election (then fault is kLeaderElection and no data is
// kept). `fault` is the first failure of the exporter's requests; `error` says
// what was seen, and also notes /taskmanagers answering 404 while the
// ResourceManager is unknown (fault stays kNone then: the endpoint works, the
// list is just unavailable).
JobManagerObservation PollJobManagerOnce(
    HttpClient& client, TimePoint now,
    const std::function<bool()>& stopping = {});

}  // namespace flinkha
