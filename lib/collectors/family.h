// FamilyBuilder: builds one prometheus::MetricFamily with consistent labels and
// types.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "collectors/metric_desc.h"
#include "model/rest_types.h"

namespace flinkha {

using Labels = std::vector<std::pair<std::string, std::string>>;

class FamilyBuilder {
 public:
  FamilyBuilder(std::string name, std::string help,
                prometheus::MetricType type);

  // Adds one sample. Gauges and counters only; NaN is allowed (an unknown
  // value).
  FamilyBuilder& Add(const Labels& labels, double value);

  // Moves the family into out when it has samples.
  void AppendTo(std::vector<prometheus::MetricFamily>* out);

 private:
  prometheus::MetricFamily family_;
};

// The family of a declared metric (collectors/metric_desc.h).
inline FamilyBuilder Family(const MetricDesc& desc) {
  return FamilyBuilder(std::string(desc.name), desc.Help(), desc.type);
}

// A family not declared in a collector's table: kept only so a metric added
// this way still builds; the all-metrics golden test fails for it until it is
// declared (Family above).
inline FamilyBuilder Gauge(std::string name, std::string help) {
  return FamilyBuilder(std::move(name), std::move(help),
                       prometheus::MetricType::Gauge);
}
inline FamilyBuilder Counter(std::string name, std::string help) {
  return FamilyBuilder(std::move(name), std::move(help),
                       prometheus::MetricType::Counter);
}

inline double MillisToSeconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace flinkha
