// Why jobs fail and whether they keep up: the last failure of each job,
// failures counted by exception class, and the busiest vertex's backpressure
// (read by the checkpoint poller from /jobs/<jid>/exceptions and /jobs/<jid>).
#pragma once

#include "collectors/collector.h"

namespace flinkha {

class DiagnosisCollector : public Collector {
 public:
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  bool Key(const Snapshot& snapshot, RenderKey* key) const override;
  std::span<const MetricDesc* const> Descriptors() const override;
};

}  // namespace flinkha
