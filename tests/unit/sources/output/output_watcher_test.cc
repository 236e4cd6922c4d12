// OutputWatcher end to end on real trees: its thread publishes into the
// StateStore, coalesces event bursts, recovers a missing directory, and the
// collector renders the contract's series.
#include "sources/output/output_watcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "collectors/collector.h"
#include "unit/sources/output/temp_tree.h"

namespace flinkha {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;

std::shared_ptr<const ClusterConfig> Cluster() {
  auto c = std::make_shared<ClusterConfig>();
  c->name = "prod";
  return c;
}

// The current observation of path, or null.
std::shared_ptr<const OutputObservation> Observation(const StateStore& store,
                                                     const std::string& path) {
  const SnapshotPtr s = store.Get();
  auto c = s->clusters.find("prod");
  if (c == s->clusters.end()) return nullptr;
  auto o = c->second.outputs.find(path);
  return o == c->second.outputs.end() ? nullptr : o->second;
}

// Waits up to 10 s for pred to hold on the published observation.
bool WaitFor(const StateStore& store, const std::string& path,
             const std::function<bool(const OutputObservation&)>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto o = Observation(store, path); o && pred(*o)) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST_CASE(
    "OutputWatcher publishes a missing directory, then recovers when it is "
    "created",
    "[output]") {
  TempTree t;
  StateStore store(std::chrono::system_clock::now());
  OutputConfig oc;
  oc.path = t.Path("output");
  oc.pattern = "*.csv";
  oc.count_rows = true;
  OutputWatcher w(Cluster(), oc, &store);
  w.Start();
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& o) {
    return o.scans_total >= 1;
  }));
  auto o = Observation(store, oc.path);
  CHECK_FALSE(o->readable);
  CHECK(o->error == "directory " + oc.path + " does not exist");
  {
    const SourceStatus& st =
        store.Get()->clusters.at("prod").sources.at("output/" + oc.path);
    CHECK_FALSE(st.up);
    CHECK(st.errors_total >= 1);
    CHECK(st.last_error == o->error);
  }

  t.Mkdir("output");
  t.Mkdir("output/2024-05-01--12");
  t.Write("output/2024-05-01--12/part-a-0.csv", "1\n2\n");
  t.Write("output/2024-05-01--12/.part-a-1.csv.inprogress.b", "3\n");
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& x) {
    return x.readable && x.finished_files == 1 && x.in_progress_files == 1;
  }));
  // Files present when the directory is first listed are the baseline, not new
  // output.
  CHECK(Observation(store, oc.path)->files_created_total == 0);
  CHECK(store.Get()->clusters.at("prod").sources.at("output/" + oc.path).up);

  // A commit, seen through inotify (the rescan interval is a minute).
  REQUIRE(t.Rename("output/2024-05-01--12/.part-a-1.csv.inprogress.b",
                   "output/2024-05-01--12/part-a-1.csv"));
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& x) {
    return x.finished_files == 2 && x.in_progress_files == 0;
  }));
  o = Observation(store, oc.path);
  CHECK(o->files_created_total == 1);
  CHECK(o->rows_total == std::optional<uint64_t>(1));
  CHECK(o->bytes == 6);
  CHECK(o->error.empty());

  const std::string text = RenderMetrics(AllCollectors(), *store.Get());
  const std::string l = "flink_cluster=\"prod\",directory=\"" + oc.path + "\"";
  CHECK(text.find("flinkha_output_directory_readable{" + l + "} 1\n") !=
        std::string::npos);
  CHECK(text.find("flinkha_output_files{" + l + ",state=\"finished\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("flinkha_output_files{" + l +
                  ",state=\"in_progress\"} 0\n") != std::string::npos);
  CHECK(text.find("flinkha_output_bytes{" + l + "} 6\n") != std::string::npos);
  CHECK(text.find("flinkha_output_files_created_total{" + l + "} 1\n") !=
        std::string::npos);
  CHECK(text.find("flinkha_output_rows_total{" + l + "} 1\n") !=
        std::string::npos);
  CHECK(text.find("flinkha_output_last_file_timestamp_seconds{" + l + "} ") !=
        std::string::npos);
  CHECK(text.find("# TYPE flinkha_output_files_created_total counter") !=
        std::string::npos);
  CHECK(text.find("# HELP flinkha_output_bytes Total size of the finished part "
                  "files in bytes. "
                  "From the output directory watcher") != std::string::npos);
  w.Stop();
}

TEST_CASE(
    "OutputWatcher coalesces a burst of 1000 commits into a few publishes",
    "[output]") {
  TempTree t(testing::FastTmpBase());
  StateStore store(std::chrono::system_clock::now());
  OutputConfig oc;
  oc.path = t.root();
  OutputWatcher w(Cluster(), oc, &store);
  w.Start();
  REQUIRE(WaitFor(store, oc.path,
                  [](const OutputObservation& o) { return o.readable; }));
  auto name = [](int i) { return "part-81fc4980-" + std::to_string(i); };
  for (int i = 0; i < 1000; ++i)
    t.Write("." + name(i) + ".inprogress.u", "x\n");
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& o) {
    return o.in_progress_files == 1000;
  }));
  const uint64_t scans_before = Observation(store, oc.path)->scans_total;
  const OutputScanStats before = w.Stats();
  int renamed = 0;
  for (int i = 0; i < 1000; ++i)
    renamed += t.Rename("." + name(i) + ".inprogress.u", name(i));
  REQUIRE(renamed == 1000);
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& o) {
    return o.finished_files == 1000 && o.in_progress_files == 0;
  }));
  const uint64_t publishes =
      Observation(store, oc.path)->scans_total - scans_before;
  INFO("publishes for 1000 renames: " << publishes);
  CHECK(publishes >= 1);
  CHECK(publishes <= 20);  // 200 ms apart at most; far from one per rename
  const OutputScanStats after = w.Stats();
  CHECK(after.dirs_listed == before.dirs_listed);  // names came from events
  CHECK(after.entries_stated - before.entries_stated ==
        2000);  // old and new name each
  CHECK(Observation(store, oc.path)->files_created_total == 1000);
  w.Stop();
}

TEST_CASE(
    "OutputWatcher publishes writes to an open in-progress file between "
    "rescans",
    "[output]") {
  TempTree t;
  t.Mkdir("out");
  const std::string file = "out/.part-0-0.csv.inprogress.1a2b";
  // The writer keeps the file open, as FileSink does: no IN_CLOSE_WRITE.
  const int fd = open(t.Path(file).c_str(), O_WRONLY | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  struct timespec old_times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
  futimens(fd, old_times);
  StateStore store(std::chrono::system_clock::now());
  OutputConfig oc;
  oc.path = t.Path("out");
  oc.rescan_interval = 3600s;  // no rescan during the test
  OutputWatcher w(Cluster(), oc, &store, 100ms);
  w.Start();
  REQUIRE(WaitFor(store, oc.path, [](const OutputObservation& o) {
    return o.in_progress_files == 1 &&
           o.in_progress_last_write_timestamp_seconds == 1'700'000'000.0;
  }));
  REQUIRE(write(fd, "1,a\n", 4) == 4);
  const double after = static_cast<double>(time(nullptr)) - 1;
  CHECK(WaitFor(store, oc.path, [&](const OutputObservation& o) {
    return o.in_progress_last_write_timestamp_seconds.value_or(0) >= after;
  }));
  close(fd);
  w.Stop();
}

TEST_CASE("OutputWatcher::Stop wakes the worker at once", "[output]") {
  TempTree t;
  StateStore store(std::chrono::system_clock::now());
  OutputConfig oc;
  oc.path = t.root();
  oc.rescan_interval = std::chrono::minutes(10);
  OutputWatcher w(Cluster(), oc, &store);
  w.Start();
  REQUIRE(WaitFor(store, oc.path,
                  [](const OutputObservation& o) { return o.readable; }));
  const auto start = std::chrono::steady_clock::now();
  w.Stop();
  // The worker sleeps in poll() for up to a minute; the eventfd must cut that
  // short.
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  w.Stop();  // a second Stop is harmless
}

}  // namespace
}  // namespace flinkha
