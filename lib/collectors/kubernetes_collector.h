// Kubernetes HA metrics: the exporter's view of the API server and each leader
// lock ConfigMap (holder, renew time, lease, transitions).
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class KubernetesCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
