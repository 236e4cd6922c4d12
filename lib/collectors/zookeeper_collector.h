// ZooKeeper metrics: the exporter's session and each quorum member's health
// (4lw).
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class ZooKeeperCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
