// ProcessStats: parsing /proc texts and reading them for this process.
#include "util/process_stats.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace flinkha {
namespace {

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' &&
           text[i] != '\n') {
      ++i;
    }
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string q(s.substr(0, kMax));
  if (s.size() > kMax) q += "...";
  return "\"" + q + "\"";
}

std::optional<std::string> ReadSmallFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) {
    return Error{"expected a command name in parentheses, found " +
                 Quoted(text)};
  }
  // Fields from 3 (the state) on; field n is at index n - 3.
  const std::vector<std::string_view> f = Fields(text.substr(close + 1));
  constexpr size_t kRss = 24 - 3;
  if (f.size() <= kRss) {
    return Error{"expected at least 24 fields, found " +
                 std::to_string(f.size() + 2)};
  }
  ProcStat st;
  const struct {
    size_t field;
    uint64_t* value;
  } wanted[] = {{14, &st.utime_ticks},
                {15, &st.stime_ticks},
                {22, &st.start_ticks},
                {23, &st.vsize_bytes},
                {24, &st.rss_pages}};
  for (const auto& w : wanted) {
    const std::string_view s = f[w.field - 3];
    if (!ParseNumber(s, w.value)) {
      return Error{"expected a number in field " + std::to_string(w.field) +
                   ", found " + Quoted(s)};
    }
  }
  return st;
}

Result<int64_t> ParseBootTime(std::string_view proc_stat) {
  size_t pos = 0;
  while (pos < proc_stat.size()) {
    size_t end = proc_stat.find('\n', pos);
    if (end == std::string_view::npos) end = proc_stat.size();
    const std::vector<std::string_view> f =
        Fields(proc_stat.substr(pos, end - pos));
    if (f.size() == 2 && f[0] == "btime") {
      int64_t t = 0;
      if (!ParseNumber(f[1], &t)) {
        return Error{"expected seconds after btime, found " + Quoted(f[1])};
      }
      return t;
    }
    pos = end + 1;
  }
  return Error{"expected a btime line, found none"};
}

Result<uint64_t> ParseMaxOpenFiles(std::string_view limits) {
  constexpr std::string_view kName = "Max open files";
  size_t pos = 0;
  while (pos < limits.size()) {
    size_t end = limits.find('\n', pos);
    if (end == std::string_view::npos) end = limits.size();
    const std::string_view line = limits.substr(pos, end - pos);
    if (line.substr(0, kName.size()) == kName) {
      const std::vector<std::string_view> f = Fields(line.substr(kName.size()));
      if (f.empty()) return Error{"expected a soft limit, found none"};
      if (f[0] == "unlimited") return std::numeric_limits<uint64_t>::max();
      uint64_t n = 0;
      if (!ParseNumber(f[0], &n)) {
        return Error{
            "expected a number or unlimited as the soft limit of "
            "open files, found " +
            Quoted(f[0])};
      }
      return n;
    }
    pos = end + 1;
  }
  return Error{"expected a \"Max open files\" line, found none"};
}

void ApplyProcStat(const ProcStat& stat, std::optional<int64_t> boot_time,
                   int64_t ticks_per_second, int64_t page_size,
                   ProcessStats* out) {
  if (ticks_per_second > 0) {
    const double ticks = static_cast<double>(ticks_per_second);
    out->cpu_seconds =
        static_cast<double>(stat.utime_ticks + stat.stime_ticks) / ticks;
    if (boot_time) {
      out->start_time_seconds = static_cast<double>(*boot_time) +
                                static_cast<double>(stat.start_ticks) / ticks;
    }
  }
  out->virtual_memory_bytes = static_cast<double>(stat.vsize_bytes);
  if (page_size > 0) {
    out->resident_memory_bytes =
        static_cast<double>(stat.rss_pages) * static_cast<double>(page_size);
  }
}

ProcessStats ReadProcessStats() {
  ProcessStats out;
  if (auto text = ReadSmallFile("/proc/self/stat")) {
    if (auto st = ParseProcStat(*text); st.ok()) {
      std::optional<int64_t> boot;
      if (auto system = ReadSmallFile("/proc/stat")) {
        if (auto b = ParseBootTime(*system); b.ok()) boot = *b;
      }
      ApplyProcStat(*st, boot, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE),
                    &out);
    }
  }
  if (auto limits = ReadSmallFile("/proc/self/limits")) {
    if (auto n = ParseMaxOpenFiles(*limits); n.ok()) {
      out.max_fds = static_cast<double>(*n);
    }
  }
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (!ec) {
    // The descriptor reading the directory is among them, as when the Go
    // client counts.
    double n = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      ++n;
    }
    if (!ec) out.open_fds = n;
  }
  return out;
}

}  // namespace flinkha
