// Golden-file helpers.
#include "support/golden.h"

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include "support/process.h"

namespace flinkha::testing {
namespace {

const std::set<std::string>& VolatileMetrics() {
  static const std::set<std::string> names = {
      "flinkha_build_info",
      "flinkha_start_time_seconds",
      "flinkha_config_last_reload_success_timestamp_seconds",
      "flinkha_source_last_success_timestamp_seconds",
      "flinkha_jobmanager_request_duration_seconds",
      "flinkha_checkpoint_poll_requests_total",
      "flinkha_checkpoint_poll_overdue_jobs",
      // The process figures of whichever process rendered (/proc/self).
      "process_cpu_seconds_total",
      "process_open_fds",
      "process_max_fds",
      "process_virtual_memory_bytes",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
  };
  return names;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

std::string FilterVolatile(const std::string& metrics_text) {
  std::string out;
  std::string last;
  for (const auto& line : Lines(metrics_text)) {
    if (!line.empty() && line[0] != '#') {
      const std::string name = line.substr(0, line.find_first_of("{ "));
      if (VolatileMetrics().count(name)) {
        const std::string masked = name + " <volatile>";
        if (masked != last) out += masked + "\n";
        last = masked;
        continue;
      }
    }
    out += line + "\n";
    last = line;
  }
  return out;
}

std::string CompareGolden(const std::string& name, const std::string& text) {
  const std::string path =
      std::string(FLINKHA_SOURCE_DIR) + "/tests/fixtures/golden/" + name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    WriteFile(path, text);
    return "";
  }
  const std::string want = ReadFile(path);
  if (want == text) return "";
  const auto a = Lines(want), b = Lines(text);
  std::ostringstream diff;
  diff << "differs from " << path << " (UPDATE_GOLDEN=1 rewrites it):\n";
  size_t shown = 0;
  std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  for (const auto& l : a) {
    if (!sb.count(l) && shown++ < 40) diff << "- " << l << "\n";
  }
  for (const auto& l : b) {
    if (!sa.count(l) && shown++ < 80) diff << "+ " << l << "\n";
  }
  if (shown == 0) diff << "(same lines, different order)\n";
  return diff.str();
}

}  // namespace flinkha::testing
