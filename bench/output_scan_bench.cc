// Cost of an output scanner cycle: 100 000 unchanged files versus 1 000 new
// ones, and of the periodic check of in-progress files. Counters are per cycle
// (dirs_listed, entries_stated, ...), so the ratio of work is visible beside
// the time. Run: build/bench/output_scan_bench
// [--benchmark_filter=...]; trees go to /dev/shm (or /tmp).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "sources/output/output_scanner.h"
#include "unit/sources/output/temp_tree.h"

namespace flinkha {
namespace {

using testing::Age;

constexpr int kFiles = 100000;
constexpr int kNew = 1000;
constexpr int kBuckets = 10;  // 10 bucket directories of 10 000 files

std::string MakeTree() {
  std::string tmpl = testing::FastTmpBase() + "/flinkha-bench-XXXXXX";
  const std::string root = mkdtemp(tmpl.data());
  for (int b = 0; b < kBuckets; ++b) {
    const std::string dir = root + "/2024-05-01--" + std::to_string(10 + b);
    std::filesystem::create_directory(dir);
    for (int i = 0; i < kFiles / kBuckets; ++i) {
      close(open((dir + "/part-81fc4980-" + std::to_string(i)).c_str(),
                 O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    }
    Age(dir);
  }
  Age(root);
  return root;
}

void Report(benchmark::State& state, const OutputScanStats& a,
            const OutputScanStats& b) {
  const double n = static_cast<double>(state.iterations());
  state.counters["dirs_stated"] =
      static_cast<double>(b.dirs_stated - a.dirs_stated) / n;
  state.counters["dirs_listed"] =
      static_cast<double>(b.dirs_listed - a.dirs_listed) / n;
  state.counters["entries_listed"] =
      static_cast<double>(b.entries_listed - a.entries_listed) / n;
  state.counters["entries_stated"] =
      static_cast<double>(b.entries_stated - a.entries_stated) / n;
}

// A rescan of an unchanged tree: one stat per directory, no listing, no file
// stat.
void BM_RescanUnchanged100k(benchmark::State& state) {
  const bool inotify = state.range(0) != 0;
  const std::string root = MakeTree();
  OutputConfig c;
  c.path = root;
  OutputScanner s(c, inotify);
  s.Cycle(ScanKind::kRescan);  // baseline
  s.Cycle(ScanKind::kRescan);  // directories just written are listed once more
                               // without inotify
  const OutputScanStats before = s.stats();
  for (auto _ : state) s.Cycle(ScanKind::kRescan);
  Report(state, before, s.stats());
  state.counters["files"] = static_cast<double>(s.Totals().finished_files);
  std::filesystem::remove_all(root);
}
BENCHMARK(BM_RescanUnchanged100k)
    ->ArgName("inotify")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMicrosecond);

// For scale: the first listing of the tree (what every cycle would cost without
// the index).
void BM_FirstListing100k(benchmark::State& state) {
  const std::string root = MakeTree();
  OutputConfig c;
  c.path = root;
  OutputScanStats work{};
  for (auto _ : state) {
    OutputScanner s(c, /*use_inotify=*/false);
    s.Cycle(ScanKind::kRescan);
    const OutputScanStats& st = s.stats();
    work.dirs_stated += st.dirs_stated;
    work.dirs_listed += st.dirs_listed;
    work.entries_listed += st.entries_listed;
    work.entries_stated += st.entries_stated;
  }
  Report(state, OutputScanStats{}, work);
  std::filesystem::remove_all(root);
}
BENCHMARK(BM_FirstListing100k)->Unit(benchmark::kMicrosecond);

// 1 000 FileSink commits (in-progress renamed to finished) in one bucket of a
// 100 000-file tree, then one cycle: incremental from inotify events, or a
// rescan that re-lists the bucket.
void BM_Commit1000Into100k(benchmark::State& state) {
  const bool inotify = state.range(0) != 0;
  const std::string root = MakeTree();
  const std::string bucket = root + "/2024-05-01--10/";
  OutputConfig c;
  c.path = root;
  OutputScanner s(c, inotify);
  s.Cycle(ScanKind::kRescan);
  OutputScanStats work{};
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string tag = std::to_string(round++) + "-";
    for (int i = 0; i < kNew; ++i) {
      const std::string name = "part-new-" + tag + std::to_string(i);
      close(open((bucket + "." + name + ".inprogress.u").c_str(),
                 O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    }
    Age(bucket);
    s.ReadEvents();
    s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
    for (int i = 0; i < kNew; ++i) {
      const std::string name = "part-new-" + tag + std::to_string(i);
      rename((bucket + "." + name + ".inprogress.u").c_str(),
             (bucket + name).c_str());
    }
    const OutputScanStats before = s.stats();
    state.ResumeTiming();
    s.ReadEvents();
    s.Cycle(inotify ? ScanKind::kIncremental : ScanKind::kRescan);
    state.PauseTiming();
    const OutputScanStats& after = s.stats();
    work.dirs_stated += after.dirs_stated - before.dirs_stated;
    work.dirs_listed += after.dirs_listed - before.dirs_listed;
    work.entries_listed += after.entries_listed - before.entries_listed;
    work.entries_stated += after.entries_stated - before.entries_stated;
    for (int i = 0; i < kNew;
         ++i) {  // back to 100 000 files for the next round
      unlink((bucket + "part-new-" + tag + std::to_string(i)).c_str());
    }
    Age(bucket);
    s.ReadEvents();
    s.Cycle(ScanKind::kRescan);
    state.ResumeTiming();
  }
  Report(state, OutputScanStats{}, work);
  std::filesystem::remove_all(root);
}
BENCHMARK(BM_Commit1000Into100k)
    ->ArgName("inotify")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMicrosecond);

// The 10-second check of open in-progress files (inotify cannot see their
// writes) in the 100 000-file tree: one stat per in-progress file, nothing
// else. Arg: in-progress files (16: four TaskManagers of 4 slots; 256: many
// leftovers of dead attempts).
void BM_RefreshInProgress(benchmark::State& state) {
  const std::string root = MakeTree();
  const std::string bucket = root + "/2024-05-01--10/";
  for (int64_t i = 0; i < state.range(0); ++i) {
    close(
        open((bucket + ".part-81fc4980-" + std::to_string(i) + ".inprogress.u")
                 .c_str(),
             O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  }
  Age(bucket);
  OutputConfig c;
  c.path = root;
  OutputScanner s(c, /*use_inotify=*/true);
  s.Cycle(ScanKind::kRescan);
  const OutputScanStats before = s.stats();
  for (auto _ : state) benchmark::DoNotOptimize(s.RefreshInProgress());
  Report(state, before, s.stats());
  state.counters["in_progress_stated"] =
      static_cast<double>(s.stats().in_progress_stated -
                          before.in_progress_stated) /
      static_cast<double>(state.iterations());
  std::filesystem::remove_all(root);
}
BENCHMARK(BM_RefreshInProgress)
    ->ArgName("in_progress")
    ->Arg(16)
    ->Arg(256)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flinkha

BENCHMARK_MAIN();
