// The process_* metrics from /proc/self.
#include "collectors/process_collector.h"

#include "collectors/family.h"

namespace flinkha {
namespace {

// The families of this file, declared once (collectors/metric_desc.h), with
// client_golang's names and HELP texts.
constexpr MetricDesc kProcessCpuSecondsTotal{
    "process_cpu_seconds_total", prometheus::MetricType::Counter,
    "Total user and system CPU time spent in seconds.", "", ""};
constexpr MetricDesc kProcessOpenFds{
    "process_open_fds", prometheus::MetricType::Gauge,
    "Number of open file descriptors.", "", ""};
constexpr MetricDesc kProcessMaxFds{
    "process_max_fds", prometheus::MetricType::Gauge,
    "Maximum number of open file descriptors.", "", ""};
constexpr MetricDesc kProcessVirtualMemoryBytes{
    "process_virtual_memory_bytes", prometheus::MetricType::Gauge,
    "Virtual memory size in bytes.", "", ""};
constexpr MetricDesc kProcessResidentMemoryBytes{
    "process_resident_memory_bytes", prometheus::MetricType::Gauge,
    "Resident memory size in bytes.", "", ""};
constexpr MetricDesc kProcessStartTimeSeconds{
    "process_start_time_seconds", prometheus::MetricType::Gauge,
    "Start time of the process since unix epoch in seconds.", "", ""};

constexpr const MetricDesc* kProcessCollectorMetrics[] = {
    &kProcessCpuSecondsTotal,
    &kProcessOpenFds,
    &kProcessMaxFds,
    &kProcessVirtualMemoryBytes,
    &kProcessResidentMemoryBytes,
    &kProcessStartTimeSeconds};

void Emit(const MetricDesc& desc, const std::optional<double>& value,
          std::vector<prometheus::MetricFamily>* out) {
  if (!value) return;
  Family(desc).Add({}, *value).AppendTo(out);
}

}  // namespace

void CollectProcessStats(const ProcessStats& stats,
                         std::vector<prometheus::MetricFamily>* out) {
  Emit(kProcessCpuSecondsTotal, stats.cpu_seconds, out);
  Emit(kProcessOpenFds, stats.open_fds, out);
  Emit(kProcessMaxFds, stats.max_fds, out);
  Emit(kProcessVirtualMemoryBytes, stats.virtual_memory_bytes, out);
  Emit(kProcessResidentMemoryBytes, stats.resident_memory_bytes, out);
  Emit(kProcessStartTimeSeconds, stats.start_time_seconds, out);
}

void ProcessCollector::Collect(
    const Snapshot&, std::vector<prometheus::MetricFamily>* out) const {
  CollectProcessStats(read_(), out);
}

std::span<const MetricDesc* const> ProcessCollector::Descriptors() const {
  return kProcessCollectorMetrics;
}

}  // namespace flinkha
