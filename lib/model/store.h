// StateStore: holds the current Snapshot; writers copy-modify-swap, readers
// never block writers.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "model/state.h"

namespace flinkha {

// Thread-safe. Get() returns an immutable snapshot that stays valid while held.
class StateStore {
 public:
  explicit StateStore(TimePoint started_at);

  SnapshotPtr Get() const;

  // Applies fn to a copy of the named cluster (created if absent) and publishes
  // the result.
  void UpdateCluster(const std::string& cluster,
                     const std::function<void(ClusterState&)>& fn);

  // Applies fn to a copy of the whole snapshot and publishes it.
  void Update(const std::function<void(Snapshot&)>& fn);

 private:
  mutable std::mutex read_mu_;  // guards current_ (atomic<shared_ptr> is slow)
  std::mutex write_mu_;         // serializes writers so no update is lost
  SnapshotPtr current_;
};

// Records one attempt of a source in the cluster state (for source_* metrics
// and /ready).
void RecordSourceAttempt(ClusterState& cluster, const std::string& source,
                         TimePoint now, const std::string& error);

}  // namespace flinkha
