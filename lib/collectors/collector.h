// A collector turns the current Snapshot into fresh metric families, one
// concern each.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "model/state.h"

namespace flinkha {

// Stateless; Collect() may run concurrently from several scrapes.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void Collect(const Snapshot& snapshot,
                       std::vector<prometheus::MetricFamily>* out) const = 0;
};

// Every collector, listed by hand in one place (collectors.cc).
std::vector<std::unique_ptr<Collector>> AllCollectors();

// Runs all collectors over a snapshot and serializes them as Prometheus text
// format. Families without samples are dropped so no HELP/TYPE appears without
// a series.
std::string RenderMetrics(
    const std::vector<std::unique_ptr<Collector>>& collectors,
    const Snapshot& snapshot);

}  // namespace flinkha
