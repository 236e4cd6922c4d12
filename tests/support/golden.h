// Golden-file comparison of /metrics output: the one documented filter for
// volatile lines.
#pragma once

#include <string>

namespace flinkha::testing {

// The one filter: a sample of a metric whose value depends on the wall clock or
// the build (build_info's revision, start time, last-success times, request
// durations, the process_* figures) is replaced by
// "<name> <volatile>", so the golden file still shows that the series exists.
// Everything else, HELP and TYPE lines included, is compared byte for byte.
std::string FilterVolatile(const std::string& metrics_text);

// Compares text with tests/fixtures/golden/<name>; with UPDATE_GOLDEN=1 in the
// environment it rewrites the file instead. Returns "" when equal, else a
// unified-style diff summary.
std::string CompareGolden(const std::string& name, const std::string& text);

// True when a line of text ends in line (a sample with its labels and value).
inline bool HasLine(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

}  // namespace flinkha::testing
