// LivenessWatch: tells within milliseconds that a JobManager process died, and
// within a second or two that it hung, whatever the poll interval.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "config/config.h"
#include "model/store.h"
#include "sources/source.h"
#include "util/logging.h"

namespace flinkha {

// Keeps one idle keep-alive connection to a JobManager's REST port. When the
// process dies (SIGKILL, OOM kill, a graceful stop, a killed container) its
// kernel closes the socket and the close arrives here at once; a reconnect
// then tells a dead endpoint (refused) from an idle timeout (accepted). On
// plain-HTTP endpoints a small GET of /config every liveness_interval tells a
// hung process (no answer within request_timeout); on https only the
// connection is watched. Publishes cluster.liveness[jm.name] when reachability
// changes, never on every ping, so the store stays quiet in steady state.
// Owns one thread; Stop() wakes and joins it.
class LivenessWatch : public Source {
 public:
  LivenessWatch(std::shared_ptr<const ClusterConfig> cluster,
                JobManagerConfig jm, StateStore* store);
  ~LivenessWatch() override;
  void Start() override;
  void Stop() override;

 private:
  void Run();
  // A connected non-blocking socket, or -1 with *error and *refused set.
  int Connect(std::string* error, bool* refused);
  // Sleeps up to `ms` or until Stop(); false when stopping.
  bool Sleep(int ms);
  void Publish(const JobManagerLiveness& l);

  std::shared_ptr<const ClusterConfig> cluster_;
  JobManagerConfig jm_;
  StateStore* store_;
  std::string host_;
  int port_ = 0;
  bool ping_ = false;  // plain HTTP: the endpoint can be pinged
  std::string ping_request_;
  std::string config_error_;  // the URL is unusable: the watch does nothing
  int wake_[2] = {-1, -1};    // a pipe: Stop() writes, poll() wakes
  std::atomic<bool> stopping_{false};
  FaultLog faults_{"liveness"};
  std::thread thread_;
};

}  // namespace flinkha
