// A JobManager REST endpoint for benches: N RUNNING jobs that checkpoint
// every 5 minutes, bodies from tests/fixtures/flink-rest/1.18, every job-level
// request logged with its time. Jobs can be replaced while it serves (churn).
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace flinkha::bench {

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(FLINKHA_SOURCE_DIR) +
                   "/tests/fixtures/flink-rest/1.18/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string JobId(int i) {
  char id[33];
  snprintf(id, sizeof id, "%032x", 0x100000 + i);
  return id;
}

class FakeJobManager {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FakeJobManager(int jobs, int64_t checkpoint_interval_ms = 300000) {
    config_ = ReadFixture("config.json");
    overview_ = ReadFixture("overview.json");
    taskmanagers_ = ReadFixture("taskmanagers.json");
    checkpoints_ = ReadFixture("checkpoints.json");
    checkpoint_config_ = ReadFixture("checkpoints_config.json");
    const std::string from = "\"interval\":60000";
    checkpoint_config_.replace(
        checkpoint_config_.find(from), from.size(),
        "\"interval\":" + std::to_string(checkpoint_interval_ms));
    restarts_ = ReadFixture("metrics_restarts.json");
    SetJobs(0, jobs);
    server_.Get(".*", [this](const httplib::Request& req,
                             httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeJobManager() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

  // Lists jobs first .. first+count-1 (RUNNING, started at a fixed time).
  void SetJobs(int first, int count) {
    std::string body = "{\"jobs\":[";
    for (int i = first; i < first + count; ++i) {
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
    std::lock_guard<std::mutex> lock(mu_);
    jobs_overview_ = std::move(body);
  }

  // Start times of the job-level requests (/jobs/<jid>/...), since `since`.
  std::vector<double> JobRequestTimes(Clock::time_point since) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<double> out;
    for (auto t : job_requests_) {
      if (t >= since) {
        out.push_back(std::chrono::duration<double>(t - since).count());
      }
    }
    return out;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    const std::string& p = req.path;
    auto json = [&](const std::string& body) {
      res.set_content(body, "application/json");
    };
    if (p == "/config") return json(config_);
    if (p == "/overview") return json(overview_);
    if (p == "/taskmanagers") return json(taskmanagers_);
    if (p == "/jobs/overview") {
      std::lock_guard<std::mutex> lock(mu_);
      return json(jobs_overview_);
    }
    if (p.rfind("/jobs/", 0) == 0) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        job_requests_.push_back(Clock::now());
      }
      if (p.size() > 12 && p.compare(p.size() - 12, 12, "/checkpoints") == 0) {
        return json(checkpoints_);
      }
      if (p.find("/checkpoints/config") != std::string::npos) {
        return json(checkpoint_config_);
      }
      if (p.find("/metrics") != std::string::npos) return json(restarts_);
    }
    res.status = 404;
    json(R"({"errors":["Not found."]})");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::string config_, overview_, taskmanagers_, checkpoints_,
      checkpoint_config_, restarts_;
  mutable std::mutex mu_;
  std::string jobs_overview_;
  std::vector<Clock::time_point> job_requests_;
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
