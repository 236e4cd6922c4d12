// A long run of the exporter binary against a fake JobManager with N jobs
// (default 1,000) while 10 scrapers fetch /metrics with gzip at 1 Hz and jobs
// come and go (every 10 s, 10 jobs leave and 10 new ones appear). Prints the
// exporter's RSS at the start (first full picture), every few minutes and at
// the end, and the scrapes that failed.
//   soak --exporter build/daemon/flink-ha-exporter [--minutes 60] [--jobs N]
#include <httplib.h>

#include <atomic>
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

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  std::string binary;
  int jobs = 1000, minutes = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--exporter") binary = v;
    if (k == "--jobs") jobs = std::atoi(v.c_str());
    if (k == "--minutes") minutes = std::atoi(v.c_str());
  }
  if (binary.empty()) {
    fprintf(stderr, "usage: soak --exporter BIN [--minutes M] [--jobs N]\n");
    return 2;
  }
  bench::BenchJobManager jm(jobs);
  testing::TempDir dir;
  const int port = testing::FreePort();
  const std::string config = dir.path() + "/config.yml";
  std::ofstream(config) << bench::ExporterConfig(port, jm.url());
  testing::Subprocess exporter({binary, "--config.file=" + config},
                               dir.path() + "/exporter.log");
  const auto start = Clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  // The start: every job on /metrics.
  while (elapsed() < 300) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto m = testing::HttpGet("127.0.0.1", port, "/metrics");
    size_t n = 0;
    for (size_t p = m.body.find("\nflinkha_checkpoints_completed{");
         p != std::string::npos;
         p = m.body.find("\nflinkha_checkpoints_completed{", p + 1)) {
      ++n;
    }
    if (n == static_cast<size_t>(jobs)) break;
  }
  printf("%d jobs, 10 gzip scrapers at 1 Hz, 10 jobs replaced every 10 s\n",
         jobs);
  printf("t=%6.0f s  RSS %.1f MB (start: every job on /metrics)\n", elapsed(),
         bench::RssMb(exporter.pid()));
  fflush(stdout);

  std::atomic<bool> stop{false};
  std::atomic<long> scrapes{0}, failed{0};
  std::vector<std::thread> scrapers;
  for (int s = 0; s < 10; ++s) {
    scrapers.emplace_back([&, s] {
      httplib::Client c("127.0.0.1", port);
      c.set_decompress(false);
      c.set_read_timeout(5, 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * s));
      while (!stop) {
        auto r = c.Get("/metrics", {{"Accept-Encoding", "gzip"}});
        ++scrapes;
        if (!r || r->status != 200) ++failed;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    });
  }
  const double end = elapsed() + minutes * 60.0;
  int first = 0;
  double next_report = elapsed() + 300;
  double peak = 0;
  while (elapsed() < end) {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    first += 10;
    jm.SetJobs(first, jobs);
    peak = std::max(peak, bench::RssMb(exporter.pid()));
    if (elapsed() >= next_report) {
      printf("t=%6.0f s  RSS %.1f MB, scrapes %ld (%ld failed)\n", elapsed(),
             bench::RssMb(exporter.pid()), scrapes.load(), failed.load());
      fflush(stdout);
      next_report += 300;
    }
  }
  stop = true;
  for (auto& t : scrapers) t.join();
  printf(
      "t=%6.0f s  RSS %.1f MB at the end (peak %.1f MB), %ld scrapes, %ld "
      "failed, %d jobs replaced\n",
      elapsed(), bench::RssMb(exporter.pid()), peak, scrapes.load(),
      failed.load(), first);
  exporter.Stop();
  return failed.load() == 0 ? 0 : 1;
}
