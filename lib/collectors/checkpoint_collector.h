// Per-job checkpoint metrics: counts, last completed/failed/restored
// checkpoint, interval.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class CheckpointCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
