// What the benches that run exporter binaries share: a JobManager (the tests'
// FakeFlink) with N RUNNING jobs that checkpoint every 5 minutes, bodies from
// tests/fixtures/flink-rest/1.18 (exception history and job details recorded
// from Flink 1.20.5), jobs replaced while it serves (churn); the
// exporter's config; a process's RSS.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "support/fake_flink.h"

namespace flinkha::bench {

inline std::string JobId(int i) {
  char id[33];
  snprintf(id, sizeof id, "%032x", 0x100000 + i);
  return id;
}

class BenchJobManager {
 public:
  explicit BenchJobManager(int jobs, int64_t checkpoint_interval_ms = 300000)
      : checkpoints_(testing::ReadFlinkFixture("1.18/checkpoints.json")),
        checkpoint_config_(
            testing::ReadFlinkFixture("1.18/checkpoints_config.json")),
        restarts_(testing::ReadFlinkFixture("1.18/metrics_restarts.json")),
        // Recorded from real Flink 1.20.5 (tests/fixtures/flink-real).
        exceptions_(
            testing::ReadFlinkFixture("../flink-real/1.20.5/exceptions.json")),
        details_(testing::ReadFlinkFixture("../flink-real/1.20.5/job.json")) {
    const std::string from = "\"interval\":60000";
    checkpoint_config_.replace(
        checkpoint_config_.find(from), from.size(),
        "\"interval\":" + std::to_string(checkpoint_interval_ms));
    flink_.ServeVersion("1.18");
    SetJobs(0, jobs);
    flink_.Start();
  }

  testing::FakeFlink& flink() { return flink_; }
  std::string url() const { return flink_.url(); }

  // Lists jobs first .. first+count-1 (RUNNING, started at a fixed time) and
  // serves their checkpoints and restarts; the jobs no longer listed 404.
  void SetJobs(int first, int count) {
    std::string body = "{\"jobs\":[";
    for (int i = first; i < first + count; ++i) {
      const std::string jobs = "/jobs/" + JobId(i);
      flink_.Serve(jobs + "/checkpoints", checkpoints_);
      flink_.Serve(jobs + "/checkpoints/config", checkpoint_config_);
      flink_.Serve(jobs + "/metrics", restarts_);
      flink_.Serve(jobs + "/exceptions", exceptions_);
      flink_.Serve(jobs, details_);
      if (i > first) body += ",";
      body += "{\"jid\":\"" + JobId(i) + "\",\"name\":\"job-" +
              std::to_string(i) +
              "\",\"start-time\":1717000000000,\"end-time\":-1,"
              "\"duration\":3600000,\"last-modification\":1717000005000,"
              "\"state\":\"RUNNING\",\"tasks\":{\"total\":4,\"created\":0,"
              "\"scheduled\":0,\"deploying\":0,\"running\":4,\"finished\":0,"
              "\"canceling\":0,\"canceled\":0,\"failed\":0,\"reconciling\":0,"
              "\"initializing\":0}}";
    }
    body += "]}";
    flink_.Serve("/jobs/overview", body);
    for (int i = first_; i < first_ + count_; ++i) {
      if (i >= first && i < first + count) continue;
      const std::string jobs = "/jobs/" + JobId(i);
      flink_.Remove(jobs + "/checkpoints");
      flink_.Remove(jobs + "/checkpoints/config");
      flink_.Remove(jobs + "/metrics");
      flink_.Remove(jobs + "/exceptions");
      flink_.Remove(jobs);
    }
    first_ = first;
    count_ = count;
  }

 private:
  std::string checkpoints_, checkpoint_config_, restarts_, exceptions_,
      details_;
  testing::FakeFlink flink_;
  int first_ = 0, count_ = 0;
};

// A config file for one exporter on `listen_port` watching `jm`.
inline std::string ExporterConfig(int listen_port, const std::string& jm_url) {
  return "listen: \"127.0.0.1:" + std::to_string(listen_port) +
         "\"\n"
         "log:\n  level: warn\n"
         "clusters:\n"
         "  - name: bench\n"
         "    poll_interval: 5s\n"
         "    jobmanagers:\n"
         "      - name: jm-1\n"
         "        url: " +
         jm_url +
         "\n"
         "        advertised: localhost:8081\n";
}

// VmRSS of a process in MB, 0 when unreadable.
inline double RssMb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

}  // namespace flinkha::bench
