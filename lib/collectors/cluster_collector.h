// Cluster-wide metrics from the preferred JobManager: TaskManagers, slots, jobs
// by state.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class ClusterCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
