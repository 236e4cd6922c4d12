// Weight and render time of the status page with a full history: one cluster,
// 10 jobs, 6 hours sampled every 2 s (the sampler's interval) with a failover
// every hour, a flapping job and a TaskManager lost now and then. Prints the
// page size and the render time (median and max over the runs) and fails
// when the page weighs 200 KB or more or the median render takes 20 ms or
// more.
// Usage: history_page [--runs N] [--out FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "http/status_page.h"
#include "model/history.h"
#include "support/history_snapshot.h"

using namespace flinkha;  // NOLINT: a benchmark main

int main(int argc, char** argv) {
  int runs = 50;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
  }
  using std::chrono::seconds;
  const TimePoint t0 = TimePoint{} + seconds(1'764'061'200);
  const auto step = seconds(2);
  const int samples = 6 * 3600 / 2;
  History history;
  testing::HistoryScenario sc;
  sc.jobs = 10;
  Snapshot last;
  TimePoint now = t0;
  const auto build_start = std::chrono::steady_clock::now();
  for (int n = 0; n < samples; ++n) {
    now = t0 + n * step;
    // A failover at the start of every hour: 20 s without a leader.
    const int in_hour = n % 1800;
    sc.leader = (n / 1800) % 2 ? "jm-2" : "jm-1";
    if (n >= 1800 && in_hour < 10) {
      sc.failover_lost_at = t0 + (n - in_hour) * step;
      sc.failover_leader_at.reset();
    } else if (n >= 1800) {
      sc.failover_leader_at = *sc.failover_lost_at + seconds(20);
    }
    sc.flap = n % 600 < 30;  // ten minutes in every twenty: restarts
    last = testing::HistorySnapshot(sc, n, now);
    if (n % 3000 == 0) {
      auto tms = std::make_shared<TaskManagerView>(
          *last.clusters.at("prod").taskmanagers);
      tms->lost.push_back({"tm-" + std::to_string(n), "10.0.0.9:6122",
                           now - seconds(30), now - seconds(20), now});
      last.clusters.at("prod").taskmanagers = tms;
    }
    history.Sample(last, now);
  }
  const double build_ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - build_start)
                              .count();
  std::vector<double> ms;
  std::string page;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    history.Read([&](const HistoryData& d) {
      page = StatusPage(last, "/metrics", &d, now);
    });
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  if (!out.empty()) std::ofstream(out) << page;
  std::printf(
      "history_page: 1 cluster, 10 jobs, 6 h sampled every 2 s (%d samples, "
      "built in %.0f ms, history %zu bytes)\n"
      "page_bytes=%zu (limit 204800)\nrender_ms_median=%.2f render_ms_max=%.2f "
      "(limit 20, %d runs)\n",
      samples, build_ms, history.ApproxBytes(), page.size(), median, ms.back(),
      runs);
  return page.size() < 200 * 1024 && median < 20 ? 0 : 1;
}
