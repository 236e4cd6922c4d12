// The process_* metrics from /proc/self.
#include "collectors/process_collector.h"

#include "collectors/family.h"

namespace flinkha {
namespace {

void Emit(FamilyBuilder family, const std::optional<double>& value,
          std::vector<prometheus::MetricFamily>* out) {
  if (!value) return;
  family.Add({}, *value).AppendTo(out);
}

}  // namespace

void CollectProcessStats(const ProcessStats& stats,
                         std::vector<prometheus::MetricFamily>* out) {
  Emit(Counter("process_cpu_seconds_total",
               "Total user and system CPU time spent in seconds."),
       stats.cpu_seconds, out);
  Emit(Gauge("process_open_fds", "Number of open file descriptors."),
       stats.open_fds, out);
  Emit(Gauge("process_max_fds", "Maximum number of open file descriptors."),
       stats.max_fds, out);
  Emit(Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes."),
       stats.virtual_memory_bytes, out);
  Emit(Gauge("process_resident_memory_bytes", "Resident memory size in bytes."),
       stats.resident_memory_bytes, out);
  Emit(Gauge("process_start_time_seconds",
             "Start time of the process since unix epoch in seconds."),
       stats.start_time_seconds, out);
}

void ProcessCollector::Collect(
    const Snapshot&, std::vector<prometheus::MetricFamily>* out) const {
  CollectProcessStats(read_(), out);
}

}  // namespace flinkha
