// The exporter's own process figures from /proc/self, as every Prometheus
// client library exports them (process_*): pure parsers of the /proc texts and
// one reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace flinkha {

// The fields of /proc/<pid>/stat that the process metrics need (proc(5)).
struct ProcStat {
  uint64_t utime_ticks = 0;  // field 14, clock ticks
  uint64_t stime_ticks = 0;  // field 15, clock ticks
  uint64_t start_ticks = 0;  // field 22, clock ticks after boot
  uint64_t vsize_bytes = 0;  // field 23
  uint64_t rss_pages = 0;    // field 24
};

// Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and
// may itself hold spaces and parentheses, so fields are counted from its last
// ')'.
Result<ProcStat> ParseProcStat(std::string_view text);

// The boot time, Unix seconds, from the "btime" line of /proc/stat.
Result<int64_t> ParseBootTime(std::string_view proc_stat);

// The soft limit of "Max open files" in /proc/<pid>/limits; "unlimited" reads
// as the largest uint64_t (RLIM_INFINITY, as the Go client reports it).
Result<uint64_t> ParseMaxOpenFiles(std::string_view limits);

// What the process_* metrics report; a figure that could not be read is
// absent.
struct ProcessStats {
  std::optional<double> cpu_seconds;  // user + system
  std::optional<double> resident_memory_bytes;
  std::optional<double> virtual_memory_bytes;
  std::optional<double> start_time_seconds;  // Unix seconds
  std::optional<double> open_fds;
  std::optional<double> max_fds;
};

// Converts the parsed stat into the figures: ticks by ticks_per_second, pages
// by page_size, the start time after boot_time (absent without one).
void ApplyProcStat(const ProcStat& stat, std::optional<int64_t> boot_time,
                   int64_t ticks_per_second, int64_t page_size,
                   ProcessStats* out);

// Reads /proc/self/stat, /proc/stat, /proc/self/limits and /proc/self/fd. No
// figure on a system without /proc. Costs a few reads of small files (about
// 50 us).
ProcessStats ReadProcessStats();

}  // namespace flinkha
