// Prometheus-style durations ("500ms", "5s", "1m30s", "2h"): parsing and
// formatting.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "util/result.h"

namespace flinkha {

// Parses a Prometheus duration: integer amounts with units y, w, d, h, m, s,
// ms, largest unit first and each at most once ("1h30m", "90s"); "0" alone is
// zero. Fractions and signs are rejected. Error: `expected a duration such as
// 5s, found "<text>"`.
Result<Duration> ParseDuration(std::string_view text);

// Formats a duration the way ParseDuration reads it: "1m30s", "500ms", "0s".
std::string FormatDuration(Duration d);

}  // namespace flinkha
