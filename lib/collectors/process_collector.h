// The process_* metrics every Prometheus client library exports (CPU, memory,
// file descriptors, start time), read from /proc/self when rendered.
#pragma once

#include "collectors/collector.h"
#include "util/process_stats.h"

namespace flinkha {

// Emits the figures of stats that are present, with the names and HELP texts
// of client_golang's process collector.
void CollectProcessStats(const ProcessStats& stats,
                         std::vector<prometheus::MetricFamily>* out);

// Reads /proc/self on every Collect (util/process_stats.h): the one collector
// that reads outside the snapshot. It has no Key(), so the /metrics cache
// renders it again with every new snapshot; the figures are as fresh as the
// snapshot (sources publish at least once per poll interval).
class ProcessCollector : public Collector {
 public:
  // read supplies the figures; tests fix them to compare renders byte for
  // byte.
  explicit ProcessCollector(ProcessStats (*read)() = ReadProcessStats)
      : read_(read) {}
  void Collect(const Snapshot& snapshot,
               std::vector<prometheus::MetricFamily>* out) const override;
  std::span<const MetricDesc* const> Descriptors() const override;

 private:
  ProcessStats (*read_)();
};

}  // namespace flinkha
