// Per-TaskManager metrics of the preferred JobManager's GET /taskmanagers and
// the TaskManagers lost, from the snapshot's TaskManager view.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class TaskManagerCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
