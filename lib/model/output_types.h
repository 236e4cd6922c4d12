// What the output directory watcher sees in one configured directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/rest_types.h"

namespace flinkha {

inline constexpr size_t kRecentCommitsKept = 32;

struct OutputObservation {
  std::string directory;  // as configured
  TimePoint at{};
  bool readable = false;  // the directory exists and could be listed
  int64_t finished_files = 0;
  int64_t in_progress_files = 0;  // hidden in-progress and pending parts
  int64_t bytes = 0;              // of finished files
  std::optional<double> last_file_timestamp_seconds;  // newest finished mtime
  // Newest in-progress mtime.
  std::optional<double> in_progress_last_write_timestamp_seconds;
  uint64_t files_created_total = 0;  // finished files that appeared since start
  // Commit times (ctime: FileSink commits by renaming) of the newest finished
  // files that appeared since start, oldest first, at most
  // kRecentCommitsKept.
  std::vector<double> recent_commit_timestamps_seconds;
  std::optional<uint64_t> rows_total;  // when count_rows is on
  uint64_t scans_total = 0;
  std::string error;
};

}  // namespace flinkha
