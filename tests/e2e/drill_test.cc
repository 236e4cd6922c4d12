// The failover drill, end to end: a simulated Flink HA cluster, the exporter, a
// real Prometheus evaluating the shipped rules (with `for:` shortened by
// tests/prom/shorten_for.py) and a real Alertmanager delivering to a webhook.
// Prints each alert's time to fire.
#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/exporter_process.h"
#include "support/prom_servers.h"
#include "support/sim_cluster.h"

namespace flinkha::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// Receives Alertmanager's webhook notifications (firing and resolved).
class Webhook {
 public:
  Webhook() {
    server_.Post(
        "/hook", [this](const httplib::Request& req, httplib::Response&) {
          auto j = nlohmann::json::parse(req.body, nullptr, false);
          if (!j.is_object()) return;
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& a : j.value("alerts", nlohmann::json::array())) {
            const std::string name = a["labels"].value("alertname", "");
            (a.value("status", "") == "resolved" ? resolved_ : firing_)
                .insert(name);
          }
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Webhook() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  bool Fired(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return firing_.count(name) > 0;
  }
  bool Resolved(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return resolved_.count(name) > 0;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::set<std::string> firing_, resolved_;
};

// The shipped rules with every `for:` capped at 3s and the output-stall floor
// of 60s lowered to 5s: the test override for short intervals.
std::string DrillRules(const std::string& dir) {
  const std::string out = dir + "/drill-rules.yml";
  const std::string cmd =
      "python3 " FLINKHA_SOURCE_DIR "/tests/prom/shorten_for.py --for 3s -o '" +
      out + "' " FLINKHA_SOURCE_DIR "/config/prometheus/flinkha-rules.yml";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string rules = ReadFile(out);
  const std::string floor = "* 3, 60)";
  const size_t at = rules.find(floor);
  REQUIRE(
      at !=
      std::string::npos);  // the override must still apply to the shipped rules
  rules.replace(at, floor.size(), "* 3, 5)");
  return rules;
}

bool Active(const AlertmanagerServer& am, const std::string& name) {
  for (const auto& n : am.ActiveAlertNames("drill")) {
    if (n == name) return true;
  }
  return false;
}

// Polls Alertmanager until every named alert is active (and delivered to the
// webhook) or resolved, recording for each the seconds from `since` to when it
// was first seen so.
std::map<std::string, double> WaitAlerts(const AlertmanagerServer& am,
                                         Webhook& hook,
                                         const std::vector<std::string>& names,
                                         bool firing, Clock::time_point since,
                                         std::chrono::seconds timeout) {
  std::map<std::string, double> seen;
  const auto deadline = Clock::now() + timeout;
  while (seen.size() < names.size() && Clock::now() < deadline) {
    for (const auto& n : names) {
      if (seen.count(n)) continue;
      const bool done = firing ? Active(am, n) && hook.Fired(n)
                               : !Active(am, n) && hook.Resolved(n);
      if (done)
        seen[n] = std::chrono::duration<double>(Clock::now() - since).count();
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  return seen;
}

double Value(const std::string& metrics, const std::string& series) {
  return SampleValue(metrics, series);
}

TEST_CASE(
    "Failover drill: failover counted, job recovers, alerts fire and resolve",
    "[drill]") {
  SimClusterOptions so;
  so.cluster_name = "drill";
  so.checkpoint_interval_ms = 1000;
  so.session_timeout_ms = 2000;
  SimCluster sim(so);
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(seconds(20)) == 0u);
  REQUIRE(sim.WaitForJobRunning(0, seconds(20)));

  TempDir dir;
  ExporterConfigOptions eo;
  eo.count_rows = true;
  ExporterProcess exporter(dir.path(), sim.ExporterConfigYaml(eo));
  REQUIRE(exporter.WaitReady(seconds(30)));

  Webhook hook;
  AlertmanagerServer am(
      "route:\n  receiver: drill\n  group_by: [flink_cluster, alertname]\n"
      "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
      "receivers:\n  - name: drill\n    webhook_configs:\n"
      "      - url: http://127.0.0.1:" +
      std::to_string(hook.port()) + "/hook\n        send_resolved: true\n");
  REQUIRE(am.Start());
  PrometheusServer prom(
      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      "rule_files: ['{{DIR}}/rules.yml']\n"
      "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: "
      "['127.0.0.1:" +
          std::to_string(am.port()) +
          "']\n"
          "scrape_configs:\n  - job_name: flink-ha-exporter\n    "
          "static_configs:\n"
          "      - targets: ['127.0.0.1:" +
          std::to_string(exporter.port()) + "']\n",
      DrillRules(dir.path()));
  REQUIRE(prom.Start());

  // Healthy baseline: leader known, a standby, Prometheus scraping the
  // exporter.
  const std::string contenders =
      R"(flinkha_contenders{flink_cluster="drill",latch="shared"})";
  REQUIRE(Eventually([&] { return Value(exporter.Metrics(), contenders) == 2; },
                     seconds(20)));
  REQUIRE(Eventually(
      [&] {
        return !prom.Query("flinkha_leader_known{flink_cluster=\"drill\"} == 1")
                    .empty();
      },
      seconds(20)));
  std::this_thread::sleep_for(
      seconds(5));  // a few evaluations with everything healthy
  CHECK_FALSE(Active(am, "FlinkNoStandby"));
  CHECK_FALSE(Active(am, "FlinkJobManagerDown"));
  CHECK_FALSE(Active(am, "FlinkNoLeader"));

  std::map<std::string, double> time_to_fire;

  // Stop the output: once the open part file is committed nothing is written,
  // and the stall alert fires; resuming the output resolves it.
  REQUIRE(sim.Control(0, "stop-output?on=1").status == 200);
  auto stalled = WaitAlerts(am, hook, {"FlinkOutputStalled"}, true,
                            Clock::now(), seconds(60));
  REQUIRE(stalled.count("FlinkOutputStalled"));
  CHECK_FALSE(Active(am, "FlinkOutputNotCommitted"));
  time_to_fire["FlinkOutputStalled"] = stalled["FlinkOutputStalled"];
  REQUIRE(sim.Control(0, "stop-output?on=0").status == 200);
  auto resumed = WaitAlerts(am, hook, {"FlinkOutputStalled"}, false,
                            Clock::now(), seconds(60));
  CHECK(resumed.count("FlinkOutputStalled"));
  time_to_fire["FlinkOutputStalled (resolve)"] = resumed["FlinkOutputStalled"];

  // Kill the leader (SIGKILL): ZooKeeper notices when its session times out.
  const auto killed = Clock::now();
  sim.Kill(0);
  REQUIRE(sim.WaitForLeader(seconds(20), 0) == 1u);
  std::string m;
  REQUIRE(Eventually(
      [&] {
        return Value(m = exporter.Metrics(),
                     R"(flinkha_failovers_total{flink_cluster="drill"})") == 1;
      },
      seconds(20)));
  const double failover = Value(
      m, R"(flinkha_last_failover_duration_seconds{flink_cluster="drill"})");
  INFO(m);
  // ZooKeeper's leaderless window is short after a crash (the dead leader stays
  // named until its session expires); the recovery timeline starts when its
  // REST endpoint died.
  CHECK(failover >= 0.0);
  CHECK(failover < 10.0);
  CHECK(Eventually(
      [&] {
        m = exporter.Metrics();
        return SampleValue(
                   m,
                   R"(flinkha_jobmanager_leader{flink_cluster="drill",jobmanager="jm-2",component="rest_server"})") ==
                   1 &&
               SampleValue(
                   m,
                   R"(flinkha_jobmanager_leader{flink_cluster="drill",jobmanager="jm-1",component="rest_server"})") ==
                   0;
      },
      seconds(10)));
  const std::string running_series =
      R"(flinkha_failover_recovery_seconds{flink_cluster="drill",phase="job_running"})";
  REQUIRE(Eventually(
      [&] { return !std::isnan(Value(exporter.Metrics(), running_series)); },
      seconds(30)));
  const double recovery = Value(exporter.Metrics(), running_series);
  CHECK(recovery >= failover);
  CHECK(recovery > 1.0);  // at least most of the 2 s session timeout
  CHECK(recovery < 30.0);

  // The alerts reach Alertmanager; each one's time to fire is measured from the
  // kill.
  const std::vector<std::string> expected = {
      "FlinkJobManagerDown", "FlinkNoStandby", "FlinkFailoverHappened"};
  auto fired = WaitAlerts(am, hook, expected, true, killed, seconds(60));
  for (const auto& name : expected) {
    INFO(name);
    CHECK(fired.count(name));
    time_to_fire[name] = fired[name];
  }

  // Restart the killed JobManager: it rejoins as standby and its alerts
  // resolve.
  REQUIRE(sim.Restart(0));
  auto resolved =
      WaitAlerts(am, hook, {"FlinkJobManagerDown", "FlinkNoStandby"}, false,
                 Clock::now(), seconds(60));
  for (const std::string name : {"FlinkJobManagerDown", "FlinkNoStandby"}) {
    INFO(name);
    CHECK(resolved.count(name));
    time_to_fire[name + " (resolve)"] = resolved[name];
  }

  // The output stops after the failover while an in-progress file of the dead
  // attempt lies in the directory (Flink does not delete those): nothing writes
  // it, so the stall alert fires, not the one for uncommitted data.
  const std::string orphan =
      sim.output_dir() + "/.part-dead-0.csv.inprogress.0d2b";
  WriteFile(orphan, "id,amount\n7,");
  struct timespec an_hour_ago[2];
  clock_gettime(CLOCK_REALTIME, &an_hour_ago[0]);
  an_hour_ago[0].tv_sec -= 3600;
  an_hour_ago[1] = an_hour_ago[0];
  REQUIRE(utimensat(AT_FDCWD, orphan.c_str(), an_hour_ago, 0) == 0);
  const size_t writer = sim.Leader().value_or(1);
  REQUIRE(sim.Control(writer, "stop-output?on=1").status == 200);
  const auto orphan_stop = Clock::now();
  auto orphan_stalled = WaitAlerts(am, hook, {"FlinkOutputStalled"}, true,
                                   orphan_stop, seconds(60));
  CHECK(orphan_stalled.count("FlinkOutputStalled"));
  CHECK_FALSE(Active(am, "FlinkOutputNotCommitted"));
  CHECK(Value(exporter.Metrics(),
              "flinkha_output_files{flink_cluster=\"drill\",directory=\"" +
                  sim.output_dir() + "\",state=\"in_progress\"}") >= 1);
  time_to_fire["FlinkOutputStalled (leftover file)"] =
      orphan_stalled["FlinkOutputStalled"];
  REQUIRE(sim.Control(writer, "stop-output?on=0").status == 200);
  CHECK(WaitAlerts(am, hook, {"FlinkOutputStalled"}, false, Clock::now(),
                   seconds(60))
            .count("FlinkOutputStalled"));

  // A few failed checkpoints on the new leader: the exporter reports the
  // failure time.
  const size_t leader = sim.Leader().value_or(1);
  REQUIRE(sim.Control(leader, "fail-checkpoints?on=1").status == 200);
  CHECK(Eventually(
      [&] {
        return !std::isnan(
            Value(exporter.Metrics(),
                  "flinkha_checkpoint_last_failure_timestamp_seconds{"
                  "flink_cluster=\"drill\",job_id=\"" +
                      sim.job_id() + "\",job_name=\"sim-job\"}"));
      },
      seconds(15)));
  REQUIRE(sim.Control(leader, "fail-checkpoints?on=0").status == 200);
  CHECK(Eventually(
      [&] {
        return !prom.Query("flinkha_checkpoint_last_failure_timestamp_seconds")
                    .empty();
      },
      seconds(10)));

  // Every dashboard panel has data on this live cluster (after a failover, so
  // the failover panels too), queried from the real Prometheus that scraped it.
  const std::string panels_log = dir.path() + "/dashboard_queries.log";
  const std::string queries = "python3 " FLINKHA_SOURCE_DIR
                              "/tests/prom/dashboard_queries.py --prometheus "
                              "http://127.0.0.1:" +
                              std::to_string(prom.port()) + " " +
                              FLINKHA_SOURCE_DIR "/dashboards/*.json > '" +
                              panels_log + "' 2>&1";
  const int panels_rc = std::system(queries.c_str());
  INFO(ReadFile(panels_log));
  CHECK(panels_rc == 0);

  std::printf(
      "drill: failover %.2f s leaderless, job running again %.2f s after the "
      "leader loss\n",
      failover, recovery);
  for (const auto& [name, s] : time_to_fire)
    std::printf("drill: %-36s %6.1f s\n", name.c_str(), s);
}

}  // namespace
}  // namespace flinkha::testing
