// Per-job metrics from /jobs/overview: state (one series per state), start
// time.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class JobCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
