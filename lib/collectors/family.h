// FamilyBuilder: builds one prometheus::MetricFamily with consistent labels and
// types.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

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
