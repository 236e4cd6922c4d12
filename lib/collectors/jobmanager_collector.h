// Per-JobManager metrics: REST reachability, poll duration, version, ZooKeeper
// leadership.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class JobManagerCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
