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

#include "support/alert_drill.h"
#include "support/exporter_process.h"
#include "support/prom_servers.h"
#include "support/sim_cluster.h"

namespace flinkha::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

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
  AlertmanagerServer am(WebhookAlertmanagerConfig(hook.port()));
  REQUIRE(am.Start());
  PrometheusServer prom(DrillPrometheusConfig(am.port(), exporter.port()),
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
  CHECK_FALSE(Active(am, "drill", "FlinkNoStandby"));
  CHECK_FALSE(Active(am, "drill", "FlinkJobManagerDown"));
  CHECK_FALSE(Active(am, "drill", "FlinkNoLeader"));

  std::map<std::string, double> time_to_fire;

  // Stop the output: once the open part file is committed nothing is written,
  // and the stall alert fires; resuming the output resolves it.
  REQUIRE(sim.Control(0, "stop-output?on=1").status == 200);
  auto stalled = WaitAlerts(am, hook, "drill", {"FlinkOutputStalled"}, true,
                            Clock::now(), seconds(60));
  REQUIRE(stalled.count("FlinkOutputStalled"));
  CHECK_FALSE(Active(am, "drill", "FlinkOutputNotCommitted"));
  time_to_fire["FlinkOutputStalled"] = stalled["FlinkOutputStalled"];
  REQUIRE(sim.Control(0, "stop-output?on=0").status == 200);
  auto resumed = WaitAlerts(am, hook, "drill", {"FlinkOutputStalled"}, false,
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
  // The failover starts at the first refused poll of the killed leader, not
  // when ZooKeeper drops it (2 s later, when its session expires): part of the
  // session timeout is counted, not 20 ms of swap. How much depends on when
  // the poll came (0.48 s under ASan on a loaded CI machine).
  CHECK(failover > 0.2);
  CHECK(failover < 10.0);
  CHECK(
      Value(
          m,
          R"(flinkha_last_failover_info{flink_cluster="drill",)"
          R"(lost_jobmanager="jm-1",cause="refused",new_jobmanager="jm-2"})") ==
      1);
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
  CHECK(recovery > 0.2);  // part of the 2 s session timeout (see above)
  CHECK(recovery < 30.0);

  // The alerts reach Alertmanager; each one's time to fire is measured from the
  // kill.
  const std::vector<std::string> expected = {
      "FlinkJobManagerDown", "FlinkNoStandby", "FlinkFailoverHappened"};
  auto fired =
      WaitAlerts(am, hook, "drill", expected, true, killed, seconds(60));
  for (const auto& name : expected) {
    INFO(name);
    CHECK(fired.count(name));
    time_to_fire[name] = fired[name];
  }

  // Restart the killed JobManager: it rejoins as standby and its alerts
  // resolve.
  REQUIRE(sim.Restart(0));
  auto resolved =
      WaitAlerts(am, hook, "drill", {"FlinkJobManagerDown", "FlinkNoStandby"},
                 false, Clock::now(), seconds(60));
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
  auto orphan_stalled = WaitAlerts(am, hook, "drill", {"FlinkOutputStalled"},
                                   true, orphan_stop, seconds(60));
  CHECK(orphan_stalled.count("FlinkOutputStalled"));
  CHECK_FALSE(Active(am, "drill", "FlinkOutputNotCommitted"));
  CHECK(Value(exporter.Metrics(),
              "flinkha_output_files{flink_cluster=\"drill\",directory=\"" +
                  sim.output_dir() + "\",state=\"in_progress\"}") >= 1);
  time_to_fire["FlinkOutputStalled (leftover file)"] =
      orphan_stalled["FlinkOutputStalled"];
  REQUIRE(sim.Control(writer, "stop-output?on=0").status == 200);
  CHECK(WaitAlerts(am, hook, "drill", {"FlinkOutputStalled"}, false,
                   Clock::now(), seconds(60))
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
                              std::to_string(prom.port()) +
                              // The simulated JobManager keeps no exception
                              // history and no vertex times, so these two
                              // panels have nothing to show here.
                              " --allow-empty 'flink-jobs-checkpoints/"
                              "Backpressure (busiest vertex)'"
                              " --allow-empty 'flink-jobs-checkpoints/"
                              "Failures by exception class' " +
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
