// The process_* families: client_golang's names, HELP and types, and only the
// figures that were read.
#include "collectors/process_collector.h"

#include <prometheus/text_serializer.h>

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

TEST_CASE("process collector emits the client library families",
          "[collectors]") {
  ProcessStats s;
  s.cpu_seconds = 15.25;
  s.open_fds = 12;
  s.max_fds = 1024;
  s.virtual_memory_bytes = 123456789;
  s.resident_memory_bytes = 4096;
  s.start_time_seconds = 1764979200.5;
  std::vector<prometheus::MetricFamily> families;
  CollectProcessStats(s, &families);
  CHECK(prometheus::TextSerializer().Serialize(families) ==
        "# HELP process_cpu_seconds_total Total user and system CPU time "
        "spent in seconds.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 15.25\n"
        "# HELP process_open_fds Number of open file descriptors.\n"
        "# TYPE process_open_fds gauge\n"
        "process_open_fds 12\n"
        "# HELP process_max_fds Maximum number of open file descriptors.\n"
        "# TYPE process_max_fds gauge\n"
        "process_max_fds 1024\n"
        "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
        "# TYPE process_virtual_memory_bytes gauge\n"
        "process_virtual_memory_bytes 123456789\n"
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes 4096\n"
        "# HELP process_start_time_seconds Start time of the process since "
        "unix epoch in seconds.\n"
        "# TYPE process_start_time_seconds gauge\n"
        "process_start_time_seconds 1764979200.5\n");
}

TEST_CASE("process collector leaves out figures it could not read",
          "[collectors]") {
  ProcessStats s;
  s.open_fds = 7;
  std::vector<prometheus::MetricFamily> families;
  CollectProcessStats(s, &families);
  REQUIRE(families.size() == 1);
  CHECK(families[0].name == "process_open_fds");
}

TEST_CASE("process collector reads this process", "[collectors]") {
  std::vector<prometheus::MetricFamily> families;
  ProcessCollector().Collect(Snapshot{}, &families);
  CHECK(families.size() == 6);
}

}  // namespace
}  // namespace flinkha
