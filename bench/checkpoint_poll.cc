// Requests the exporter sends a JobManager with N jobs (default 1,000) that
// checkpoint every 5 minutes, default config (poll_interval 5s): the time to
// the first full picture (every job's statistics, checkpoint interval and
// restarts on /metrics), the request rate while catching up and in steady
// state, and the busiest second. Runs each given exporter binary in turn
// against the same fake JobManager, so a baseline build (e.g. the previous
// commit's) is measured in the same run:
//   checkpoint_poll --exporter build/daemon/flink-ha-exporter
//                   [--baseline /tmp/old/build/daemon/flink-ha-exporter]
//                   [--jobs 1000] [--steady-seconds 120]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_jobmanager.h"
#include "support/process.h"

using namespace flinkha;  // NOLINT: a benchmark main

namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  double full_picture_s = -1;  // -1: not within the limit
  double catchup_rate = 0;     // job requests/s until the full picture
  double steady_rate = 0;      // job requests/s in the steady window
  int busiest_second = 0;      // most requests in one 1 s window (steady)
  double rss_mb = 0;
};

size_t Count(const std::string& text, const std::string& prefix) {
  size_t n = 0;
  for (size_t pos = text.find("\n" + prefix); pos != std::string::npos;
       pos = text.find("\n" + prefix, pos + 1)) {
    ++n;
  }
  return n;
}

Result Measure(const std::string& binary, int jobs, int steady_seconds) {
  bench::BenchJobManager jm(jobs);
  testing::TempDir dir;
  const int port = testing::FreePort();
  const std::string config = dir.path() + "/config.yml";
  std::ofstream(config) << bench::ExporterConfig(port, jm.url());
  // Job-level requests (/jobs/<jid>/...).
  jm.flink().LogRequestTimes([](const std::string& path) {
    return path.rfind("/jobs/", 0) == 0 && path != "/jobs/overview";
  });
  const auto start = Clock::now();
  testing::Subprocess exporter({binary, "--config.file=" + config},
                               dir.path() + "/exporter.log");
  Result r;
  const auto limit = start + std::chrono::seconds(300);
  while (Clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto m = testing::HttpGet("127.0.0.1", port, "/metrics");
    if (m.status != 200) continue;
    if (Count(m.body, "flinkha_checkpoints_completed{") ==
            static_cast<size_t>(jobs) &&
        Count(m.body, "flinkha_checkpoint_interval_seconds{") ==
            static_cast<size_t>(jobs) &&
        Count(m.body, "flinkha_job_restarts{") == static_cast<size_t>(jobs)) {
      r.full_picture_s =
          std::chrono::duration<double>(Clock::now() - start).count();
      break;
    }
  }
  const double catchup_end =
      r.full_picture_s > 0
          ? r.full_picture_s
          : std::chrono::duration<double>(Clock::now() - start).count();
  // Steady state: one maximum cadence (60 s) after the full picture.
  const double steady_from = catchup_end + 60;
  while (std::chrono::duration<double>(Clock::now() - start).count() <
         steady_from + steady_seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  r.rss_mb = bench::RssMb(exporter.pid());
  exporter.Stop();
  const auto times = jm.flink().RequestTimes(start);
  size_t catchup = 0, steady = 0;
  std::vector<double> window;
  for (double t : times) {
    if (t <= catchup_end) ++catchup;
    if (t >= steady_from && t < steady_from + steady_seconds) {
      ++steady;
      window.push_back(t);
    }
  }
  r.catchup_rate = catchup / catchup_end;
  r.steady_rate = static_cast<double>(steady) / steady_seconds;
  for (size_t i = 0, j = 0; i < window.size(); ++i) {
    while (j < window.size() && window[j] < window[i] + 1.0) ++j;
    r.busiest_second = std::max(r.busiest_second, static_cast<int>(j - i));
  }
  return r;
}

void Print(const char* name, const Result& r) {
  printf(
      "%-9s first full picture %6.1f s | catch-up %6.1f req/s | steady %6.1f "
      "req/s, busiest second %3d | RSS %5.1f MB\n",
      name, r.full_picture_s, r.catchup_rate, r.steady_rate, r.busiest_second,
      r.rss_mb);
}

}  // namespace

int main(int argc, char** argv) {
  std::string exporter, baseline;
  int jobs = 1000, steady_seconds = 120;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--exporter") exporter = v;
    if (k == "--baseline") baseline = v;
    if (k == "--jobs") jobs = std::atoi(v.c_str());
    if (k == "--steady-seconds") steady_seconds = std::atoi(v.c_str());
  }
  if (exporter.empty()) {
    fprintf(stderr,
            "usage: checkpoint_poll --exporter BIN [--baseline BIN] [--jobs N] "
            "[--steady-seconds S]\n");
    return 2;
  }
  printf("%d jobs, checkpoint interval 5 min, poll_interval 5 s\n", jobs);
  Result before, after;
  if (!baseline.empty()) {
    before = Measure(baseline, jobs, steady_seconds);
    Print("baseline", before);
  }
  after = Measure(exporter, jobs, steady_seconds);
  Print("exporter", after);
  if (!baseline.empty() && after.steady_rate > 0) {
    printf("steady requests/s: %.2fx of the baseline\n",
           after.steady_rate / before.steady_rate);
  }
  return 0;
}
