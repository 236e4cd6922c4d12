// Scrape latency of /metrics over real loopback HTTP for a cluster of N jobs
// (default 200), with checkpoints for every job: prints median, p99 and max,
// and the render-only cost. Usage: scrape_latency [jobs] [requests]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "collectors/collector.h"
#include "http/server.h"
#include "model/store.h"

using namespace flinkha;  // NOLINT: a benchmark main

namespace {

void Fill(StateStore* store, int jobs) {
  ClusterConfig cfg;
  cfg.name = "realtime-pipeline";
  cfg.jobmanagers = {
      {"jm-1", "http://localhost:8081", "jobmanager:8081"},
      {"jm-2", "http://localhost:8082", "jobmanager-standby:8081"}};
  store->UpdateCluster(cfg.name, [&](ClusterState& c) {
    c.config = std::make_shared<const ClusterConfig>(cfg);
    auto o = std::make_shared<JobManagerObservation>();
    o->up = true;
    o->config = FlinkConfigInfo{"1.19.1", "abcdef"};
    o->overview = ClusterOverview{3, 12, 0, jobs, 0, 0, 0, "1.19.1", "abcdef"};
    std::vector<JobSummary> list;
    for (int i = 0; i < jobs; ++i) {
      char id[33];
      std::snprintf(id, sizeof id, "%032x", i + 1);
      list.push_back({id, "csv-writer-" + std::to_string(i), "RUNNING",
                      1700000000000, -1, 1000, 1700000000000, 4, 4});
      auto ck = std::make_shared<JobCheckpointObservation>();
      ck->job_id = id;
      ck->job_name = list.back().name;
      ck->stats = CheckpointStats{};
      ck->stats->completed = 42;
      CompletedCheckpoint done;
      done.id = 42;
      done.latest_ack_timestamp_ms = 1700000100000;
      done.end_to_end_duration_ms = 1200;
      done.checkpointed_size_bytes = 1 << 20;
      ck->stats->latest_completed = done;
      ck->last_completed_ever = done;
      ck->config = CheckpointConfigInfo{180000, 600000, 0, "exactly_once", 0};
      ck->num_restarts = 0;
      c.checkpoints[id] = ck;
    }
    o->jobs = list;
    c.jobmanagers["jm-1"] = o;
    c.jobmanagers["jm-2"] = o;
    for (const auto& jm : cfg.jobmanagers) {
      RecordSourceAttempt(c, "rest/" + jm.name,
                          std::chrono::system_clock::now(), "");
    }
  });
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 200;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 500;
  StateStore store(std::chrono::system_clock::now());
  Fill(&store, jobs);

  auto collectors = AllCollectors();
  std::vector<double> render_ms;
  size_t bytes = 0;
  for (int i = 0; i < requests; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    bytes = RenderMetrics(collectors, *store.Get()).size();
    render_ms.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - t0)
                            .count());
  }

  HttpServer server(&store,
                    ServerOptions{"127.0.0.1:0", "/metrics", "", nullptr, {}});
  if (!server.Start().ok()) return 1;
  httplib::Client client("127.0.0.1", server.port());
  client.set_keep_alive(true);
  std::vector<double> http_ms;
  for (int i = 0; i < requests; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = client.Get("/metrics");
    if (!r || r->status != 200) return 1;
    http_ms.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - t0)
                          .count());
  }
  server.Stop();
  std::printf("jobs=%d requests=%d body_bytes=%zu\n", jobs, requests, bytes);
  std::printf("render only:   median %.3f ms  p99 %.3f ms  max %.3f ms\n",
              Percentile(render_ms, 0.5), Percentile(render_ms, 0.99),
              Percentile(render_ms, 1.0));
  std::printf("HTTP /metrics: median %.3f ms  p99 %.3f ms  max %.3f ms\n",
              Percentile(http_ms, 0.5), Percentile(http_ms, 0.99),
              Percentile(http_ms, 1.0));
  return 0;
}
