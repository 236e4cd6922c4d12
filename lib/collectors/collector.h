// A collector turns the current Snapshot into fresh metric families, one
// concern each.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/metric_desc.h"
#include "model/state.h"

namespace flinkha {

// What one collector's output depends on: the identity of the immutable
// snapshot parts it reads (shared_ptr targets) and the plain values beside
// them (cluster names). Each value is tagged and strings are length-prefixed,
// so two keys are equal only if the same values were added in the same order.
// Pointers compare by address: equal keys mean equal inputs only while the
// snapshot the older key was built from is still alive (the cache keeps it).
class RenderKey {
 public:
  void Add(const void* part);
  void Add(std::string_view value);
  void Add(int64_t value);
  bool operator==(const RenderKey&) const = default;

 private:
  std::string bytes_;
};

// Stateless; Collect() and Key() may run concurrently from several scrapes.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void Collect(const Snapshot& snapshot,
                       std::vector<prometheus::MetricFamily>* out) const = 0;

  // Adds to key everything Collect(snapshot) reads, so that an equal key
  // promises byte-identical output, and returns true. The default returns
  // false: the output may change with any snapshot and is rendered again for
  // every new one (right for small collectors of by-value state such as
  // source health). A collector that reads more than its key says serves stale
  // series from the /metrics cache: metrics_cache_test checks every source.
  virtual bool Key(const Snapshot& snapshot, RenderKey* key) const;

  // Every family Collect() may emit, declared once in the collector's .cc
  // (collectors/metric_desc.h); checked at start by CheckCollectors().
  virtual std::span<const MetricDesc* const> Descriptors() const = 0;
};

// Every collector, listed by hand in one place (collectors.cc).
std::vector<std::unique_ptr<Collector>> AllCollectors();

// The descriptors of all collectors, in their order.
std::vector<const MetricDesc*> AllDescriptors(
    const std::vector<std::unique_ptr<Collector>>& collectors);

// CheckMetricDescs over every collector's descriptors: run at start, so a
// name collision or a broken naming rule stops the exporter before it serves.
Status CheckCollectors(
    const std::vector<std::unique_ptr<Collector>>& collectors);

// Runs all collectors over a snapshot and serializes them as Prometheus text
// format. Families without samples are dropped so no HELP/TYPE appears without
// a series.
std::string RenderMetrics(
    const std::vector<std::unique_ptr<Collector>>& collectors,
    const Snapshot& snapshot);

}  // namespace flinkha
