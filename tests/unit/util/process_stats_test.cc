// Table tests for the /proc parsers behind the process_* metrics, and one read
// of this test's own /proc/self.
#include "util/process_stats.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

namespace flinkha {
namespace {

// A real /proc/self/stat line (fields 14, 15, 22, 23, 24 are 1210, 305,
// 98765, 123456789, 4321), with command names substituted in.
std::string StatLine(const std::string& comm) {
  return "4242 (" + comm +
         ") S 1 4242 4242 0 -1 4194560 3112 0 0 0 1210 305 0 0 20 0 9 0 98765 "
         "123456789 4321 18446744073709551615 1 1 0 0 0 0 0 4096 17642 0 0 0 "
         "17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
}

TEST_CASE("ParseProcStat counts fields after the command name", "[util]") {
  for (const std::string comm :
       {"flink-ha-export", "a b", "x) (y", "((", ")", ""}) {
    INFO(comm);
    auto st = ParseProcStat(StatLine(comm));
    REQUIRE(st.ok());
    CHECK(st->utime_ticks == 1210);
    CHECK(st->stime_ticks == 305);
    CHECK(st->start_ticks == 98765);
    CHECK(st->vsize_bytes == 123456789);
    CHECK(st->rss_pages == 4321);
  }
}

TEST_CASE("ParseProcStat rejects what is not a stat line", "[util]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "expected a command name in parentheses, found \"\""},
      {"4242 comm S 1",
       "expected a command name in parentheses, found \"4242 "
       "comm S 1\""},
      {"4242 (c) S 1 2 3", "expected at least 24 fields, found 6"},
      {"1 (c) S 1 1 1 0 -1 0 0 0 0 0 x 305 0 0 20 0 9 0 98765 1 2",
       "expected a number in field 14, found \"x\""},
      {"1 (c) S 1 1 1 0 -1 0 0 0 0 0 1 305 0 0 20 0 9 0 98765 1 -2",
       "expected a number in field 24, found \"-2\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto st = ParseProcStat(c.text);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message == c.error);
  }
}

TEST_CASE("ParseBootTime reads the btime line of /proc/stat", "[util]") {
  const std::string stat =
      "cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nintr 1 2\n"
      "ctxt 99\nbtime 1764979200\nprocesses 10\n";
  auto t = ParseBootTime(stat);
  REQUIRE(t.ok());
  CHECK(*t == 1764979200);
  CHECK(ParseBootTime("cpu 1 2\n").error().message ==
        "expected a btime line, found none");
  CHECK(ParseBootTime("btime soon\n").error().message ==
        "expected seconds after btime, found \"soon\"");
  // A line that only starts with btime is another key.
  CHECK_FALSE(ParseBootTime("btimex 5\n").ok());
}

TEST_CASE("ParseMaxOpenFiles reads the soft limit", "[util]") {
  const std::string head =
      "Limit                     Soft Limit           Hard Limit           "
      "Units     \n"
      "Max cpu time              unlimited            unlimited            "
      "seconds   \n";
  struct Case {
    std::string line;
    uint64_t want;
  };
  const std::vector<Case> cases = {
      {"Max open files            1024                 1048576              "
       "files     \n",
       1024},
      {"Max open files            unlimited            unlimited            "
       "files     \n",
       std::numeric_limits<uint64_t>::max()},
      {"Max open files 65536 65536 files", 65536},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    auto n = ParseMaxOpenFiles(head + c.line);
    REQUIRE(n.ok());
    CHECK(*n == c.want);
  }
  CHECK(ParseMaxOpenFiles(head).error().message ==
        "expected a \"Max open files\" line, found none");
  CHECK(ParseMaxOpenFiles("Max open files   many  1 files\n").error().message ==
        "expected a number or unlimited as the soft limit of open files, "
        "found \"many\"");
}

TEST_CASE("ApplyProcStat converts ticks and pages", "[util]") {
  ProcStat st{.utime_ticks = 1210,
              .stime_ticks = 305,
              .start_ticks = 98765,
              .vsize_bytes = 123456789,
              .rss_pages = 4321};
  ProcessStats out;
  ApplyProcStat(st, 1764979200, 100, 4096, &out);
  CHECK(out.cpu_seconds == Approx(15.15));
  CHECK(out.start_time_seconds == Approx(1764979200 + 987.65));
  CHECK(out.virtual_memory_bytes == 123456789.0);
  CHECK(out.resident_memory_bytes == 4321.0 * 4096);

  ProcessStats no_boot;
  ApplyProcStat(st, std::nullopt, 100, 4096, &no_boot);
  CHECK_FALSE(no_boot.start_time_seconds.has_value());
  CHECK(no_boot.cpu_seconds.has_value());
}

TEST_CASE("ReadProcessStats reads this process", "[util]") {
  const ProcessStats s = ReadProcessStats();
  REQUIRE(s.cpu_seconds);
  REQUIRE(s.resident_memory_bytes);
  REQUIRE(s.virtual_memory_bytes);
  REQUIRE(s.start_time_seconds);
  REQUIRE(s.open_fds);
  REQUIRE(s.max_fds);
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  // Started before now and, for a test binary, within the last hour (the
  // start time is boot time plus ticks: a wrong field or unit misses this).
  CHECK(*s.start_time_seconds <= now + 1);
  CHECK(*s.start_time_seconds > now - 3600);
  CHECK(*s.cpu_seconds >= 0);
  CHECK(*s.resident_memory_bytes > 1 << 20);
  CHECK(*s.virtual_memory_bytes >= *s.resident_memory_bytes);
  CHECK(*s.open_fds >= 3);  // stdin, stdout, stderr
  CHECK(*s.open_fds <= *s.max_fds);
}

}  // namespace
}  // namespace flinkha
