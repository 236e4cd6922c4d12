// MetricDesc: a metric family declared once (name, type, help, label names),
// and the start-up check of all of them.
#pragma once

#include <prometheus/metric_type.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace flinkha {

// One metric family as the exporter serves it. Each collector declares its
// families as constexpr MetricDesc values at the top of its .cc file, builds
// them with Family(desc) (collectors/family.h) and lists them in
// Descriptors(). The HELP text is help followed by help_more (a sentence
// several families share, such as where the value comes from).
struct MetricDesc {
  std::string_view name;
  prometheus::MetricType type;
  std::string_view help;
  std::string_view help_more;
  // Comma-separated, in the order the samples carry them; "" for none.
  std::string_view labels;

  std::string Help() const;
  std::vector<std::string_view> LabelNames() const;
};

// Checks every descriptor: names unique; metric names match
// [a-zA-Z_:][a-zA-Z0-9_:]*, start with flinkha_ (or process_ for the client
// libraries' process metrics), counters and only counters end in _total;
// label names match [a-zA-Z_][a-zA-Z0-9_]*, do not start with __ and are not
// repeated; HELP is one non-empty line. Reports every problem, one per line.
Status CheckMetricDescs(std::span<const MetricDesc* const> descs);

}  // namespace flinkha
