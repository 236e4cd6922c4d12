// Metrics about the exporter itself: build info, per-source health, config
// reloads.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class ExporterCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
