// Failover recovery timeline: time until the job runs, checkpoints and writes
// again.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class RecoveryCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
