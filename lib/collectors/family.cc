// FamilyBuilder implementation.
#include "collectors/family.h"

namespace flinkha {

FamilyBuilder::FamilyBuilder(std::string name, std::string help,
                             prometheus::MetricType type) {
  family_.name = std::move(name);
  family_.help = std::move(help);
  family_.type = type;
}

FamilyBuilder& FamilyBuilder::Add(const Labels& labels, double value) {
  prometheus::ClientMetric m;
  m.label.reserve(labels.size());
  for (const auto& [k, v] : labels) m.label.push_back({k, v});
  if (family_.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  family_.metric.push_back(std::move(m));
  return *this;
}

void FamilyBuilder::AppendTo(std::vector<prometheus::MetricFamily>* out) {
  if (family_.metric.empty()) return;
  out->push_back(std::move(family_));
  family_.metric.clear();
}

}  // namespace flinkha
