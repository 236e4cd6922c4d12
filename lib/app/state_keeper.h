// StateKeeper: failover reports, HA events and the history outlive the
// exporter in a state file (model/saved_state.h), written off the serving
// path.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "model/history.h"
#include "model/store.h"
#include "util/logging.h"

namespace flinkha {

// Owns one thread. Restore() runs before the sources start; Start() saves
// within a second of a failover or event change and every minute for the
// history; Stop() saves once more and joins. The file is replaced atomically
// (write, fsync, rename). A missing file starts empty; an unreadable, corrupt
// or foreign one is logged once and the exporter starts empty (it is
// overwritten by the next save). Does nothing when `dir` is empty.
class StateKeeper {
 public:
  StateKeeper(std::string dir, StateStore* store, History* history);
  ~StateKeeper();
  StateKeeper(const StateKeeper&) = delete;
  StateKeeper& operator=(const StateKeeper&) = delete;

  void Restore(const Config& config, TimePoint now);
  void Start();
  void Stop();

  std::string path() const { return path_; }

 private:
  void Run();
  // Writes the file when the failover part changed or `force`.
  void SaveIfChanged(bool force);

  std::string dir_, path_;
  StateStore* store_;
  History* history_;
  FaultLog faults_{"state"};
  std::string last_failover_part_;  // encoded failover state last written
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace flinkha
