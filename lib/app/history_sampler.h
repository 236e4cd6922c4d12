// HistorySampler: feeds the exporter's History from the published snapshots,
// on a thread of its own.
#pragma once

#include <chrono>

#include "model/history.h"
#include "model/store.h"
#include "util/periodic.h"

namespace flinkha {

// How often the sampler looks at the snapshot: states (leader, job state) are
// recorded at this resolution, numeric series at kHistoryPointInterval.
inline constexpr std::chrono::milliseconds kHistorySampleInterval{2000};

// Borrows the store and the history, which outlive it (main builds them
// first). Owns its thread; Stop() or the destructor joins it. The history is
// not part of App, so a reload (SIGHUP) keeps it.
class HistorySampler {
 public:
  HistorySampler(const StateStore* store, History* history)
      : store_(store), history_(history) {}
  ~HistorySampler() { Stop(); }

  void Start(std::chrono::milliseconds interval = kHistorySampleInterval);
  void Stop() { worker_.Stop(); }

 private:
  const StateStore* store_;
  History* history_;
  PeriodicWorker worker_;
};

}  // namespace flinkha
