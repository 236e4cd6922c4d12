// HA metrics from ZooKeeper: leaders per component, contenders, failovers,
// split brain.
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class HaCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

// The per-job HA series (JobMaster leader known, newest HA checkpoint id):
// apart from HaCollector and keyed by their values, so a leadership change
// re-renders a few series, not two per job.
class HaJobCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
