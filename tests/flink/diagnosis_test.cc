// Why a job failed and the outages a RUNNING state hides, on genuine Apache
// Flink (one pinned version per run, FLINKHA_FLINK_VERSION): the job fails
// on demand (a marker file, flink/job DrillControl) and the exporter must
// report the class and message Flink recorded; one snapshot fails and the
// exporter must report Flink's reason; a TaskManager is killed while every
// slot is in use, so its region waits while the job stays RUNNING, and the
// exporter must show tasks not running; the operator after the source slows
// down, and the exporter's backpressure must match what Flink measures for
// the source. A real Prometheus evaluates the shipped rules (a test copy with
// every `for:` cut to 3s, support/alert_drill.h DrillRules) against the
// exporter: FlinkJobTasksNotRunning and FlinkJobBackpressured stay quiet
// before, then fire. One cluster start serves all of it.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/alert_drill.h"
#include "support/exporter_process.h"
#include "support/flink_cluster.h"
#include "support/prom_servers.h"

namespace flinkha::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr char kCluster[] = "realtime-pipeline";
constexpr char kDrillClass[] = "java.lang.IllegalStateException";
// Between the backpressure drill's requests to Flink's REST (several per
// round), so the drill does not load the JobManager it measures.
constexpr std::chrono::milliseconds kFlinkPace(250);
constexpr char kDrillMessage[] =
    "flinkha drill: failure requested by marker file";

// Truth against the exporter's figure, printed at the end (and written to
// FLINKHA_DRILL_REPORT_DIR/diagnosis-<version>.txt).
struct Report {
  std::string version;
  std::vector<std::string> lines;
  void Add(const std::string& what, const std::string& truth,
           const std::string& exporter) {
    lines.push_back(what + "\n    Flink:    " + truth +
                    "\n    exporter: " + exporter);
  }
  ~Report() {
    std::string out = "=== real Flink " + version + " diagnosis drills\n";
    for (const auto& l : lines) out += l + "\n";
    std::fputs(out.c_str(), stdout);
    if (const char* dir = std::getenv("FLINKHA_DRILL_REPORT_DIR")) {
      std::ofstream(std::string(dir) + "/diagnosis-" + version + ".txt") << out;
    }
  }
};

// The job as the exporter's /api/v1/status shows it.
std::optional<json> ExporterJob(const ExporterProcess& exporter,
                                const std::string& jid) {
  const HttpResult r = exporter.Get("/api/v1/status");
  if (r.status != 200) return std::nullopt;
  const json s = json::parse(r.body, nullptr, false);
  if (!s.is_object() || !s.contains("clusters")) return std::nullopt;
  for (const auto& c : s["clusters"]) {
    for (const auto& j : c.value("jobs", json::array())) {
      if (j.value("id", "") == jid) return j;
    }
  }
  return std::nullopt;
}

std::string FirstLine(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

std::string Fixed(double v, int decimals = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// One vertex as GET /jobs/<jid>/vertices/<vid>/backpressure shows it: the
// means over its subtasks of the backpressured, idle and busy shares (Flink's
// backPressuredTimeMsPerSecond etc. / 1000).
struct VertexPressure {
  std::string name;
  double ratio = -1;  // -1: Flink has no figure
  double idle = 0;
  double busy = 0;
  std::string Text() const {
    return name + " " + Fixed(ratio) + " backpressured, " + Fixed(idle) +
           " idle, " + Fixed(busy) + " busy";
  }
};

// Flink's own backpressure of each vertex; vertices Flink has no figure for
// yet (status other than "ok") are left out.
std::vector<VertexPressure> FlinkBackpressure(const FlinkCluster& flink,
                                              const std::string& jid) {
  std::vector<VertexPressure> out;
  const json job = flink.RestJson(0, "/jobs/" + jid).value_or(json::object());
  for (const auto& v : job.value("vertices", json::array())) {
    const json bp = flink
                        .RestJson(0, "/jobs/" + jid + "/vertices/" +
                                         v.value("id", "") + "/backpressure")
                        .value_or(json::object());
    const json subtasks = bp.value("subtasks", json::array());
    if (bp.value("status", "") != "ok" || subtasks.empty()) continue;
    // Jackson writes a NaN double as the string "NaN": a subtask that has no
    // figure yet (a TaskManager just restarted) says so in any of the three.
    const auto number = [](const json& t, const char* key) {
      const auto it = t.find(key);
      return it != t.end() && it->is_number() ? it->get<double>() : NAN;
    };
    VertexPressure p{v.value("name", ""), 0, 0, 0};
    for (const auto& t : subtasks) {
      p.ratio += number(t, "ratio") / subtasks.size();
      p.idle += number(t, "idleRatio") / subtasks.size();
      p.busy += number(t, "busyRatio") / subtasks.size();
    }
    if (std::isnan(p.ratio)) continue;
    out.push_back(p);
  }
  return out;
}

// The most backpressured vertex (ratio -1 when Flink gives none).
VertexPressure Busiest(const std::vector<VertexPressure>& vertices) {
  VertexPressure best;
  for (const auto& v : vertices) {
    if (v.ratio > best.ratio) best = v;
  }
  return best;
}

TEST_CASE("Real Flink: failure causes and outages a RUNNING state hides",
          "[flink][diagnosis]") {
  FlinkClusterOptions fo;
  fo.version = FlinkVersionUnderTest();
  fo.drill_markers = true;
  // Three slots for the job's three slot-sharing pipelines: a lost
  // TaskManager's region has nowhere to go until it is back.
  fo.slots = 1;
  // Fast enough that a slow operator fills the network buffers in front of it
  // within seconds (at 50 rows/s of 40 bytes that takes minutes: a 32 KiB
  // buffer holds some 800 rows).
  fo.rows_per_second = 2000;
  FlinkCluster flink(fo);
  Report report;
  report.version = fo.version;
  TempDir dir;
  ExporterProcess exporter(dir.path(),
                           flink.ExporterConfigYaml(kCluster, "1s", "500ms"));
  const bool started = flink.Start();
  INFO("flink-cluster.py: " + flink.error());
  REQUIRE(started);
  REQUIRE(exporter.WaitReady(seconds(60)));
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) {
    return Fixed(std::chrono::duration<double>(Clock::now() - t).count(), 1);
  };
  const auto prom_start = Clock::now();
  PrometheusServer prom(RulesOnlyPrometheusConfig(exporter.port()),
                        DrillRules(dir.path()));
  REQUIRE(prom.Start());
  const std::string prom_seconds = since(prom_start);
  const std::string jid = flink.job_id();
  const std::string base = "/jobs/" + jid;
  auto flink_json = [&](const std::string& path) {
    return flink.RestJson(0, path).value_or(json::object());
  };
  auto all_running = [&] {
    for (const auto& j : flink_json("/jobs/overview").value("jobs", json())) {
      if (j.value("jid", "") != jid) continue;
      return j.value("state", "") == "RUNNING" &&
             j["tasks"].value("running", -1) == j["tasks"].value("total", -2);
    }
    return false;
  };
  const std::map<std::string, std::string> labels{{"flink_cluster", kCluster},
                                                  {"job_id", jid}};

  // 1. A record fails: Flink records the exception, the exporter reports it.
  WriteFile(flink.marker_dir() + "/fail", "");
  json truth;
  REQUIRE(Eventually(
      [&] {
        const json h = flink_json(base + "/exceptions");
        if (!h.contains("exceptionHistory") ||
            h["exceptionHistory"]["entries"].empty()) {
          return false;
        }
        truth = h["exceptionHistory"]["entries"][0];
        return true;
      },
      seconds(60)));
  const int64_t truth_ts = truth.value("timestamp", int64_t{0});
  json shown;
  const bool reported = Eventually(
      [&] {
        auto j = ExporterJob(exporter, jid);
        if (!j || !j->contains("exceptions") || (*j)["exceptions"].empty()) {
          return false;
        }
        shown = (*j)["exceptions"][0];
        return shown.value("timestamp_ms", int64_t{0}) == truth_ts;
      },
      seconds(30));
  report.Add(
      "task failure on demand (exception history)",
      truth.value("exceptionName", "") + ": " +
          FirstLine(truth.value("stacktrace", "")) + " at " +
          std::to_string(truth_ts) + " in " + truth.value("taskName", "") +
          " on " + truth.value("endpoint", truth.value("location", "")),
      shown.value("exception_class", "") + ": " + shown.value("message", "") +
          " at " + std::to_string(shown.value("timestamp_ms", int64_t{0})) +
          " in " + shown.value("task", "") + " on " +
          shown.value("taskmanager", ""));
  REQUIRE(reported);
  CHECK(truth.value("exceptionName", "") == kDrillClass);
  CHECK(shown.value("exception_class", "") == kDrillClass);
  CHECK(shown.value("message", "") == kDrillMessage);
  CHECK(shown.value("task", "") == truth.value("taskName", ""));
  const std::string metrics = exporter.Metrics();
  CHECK(MetricValue(metrics, "flinkha_job_last_failure_timestamp_seconds",
                    labels) == Approx(truth_ts / 1000.0));
  CHECK(MetricValue(metrics, "flinkha_job_failures_total",
                    {{"flink_cluster", kCluster},
                     {"exception_class", kDrillClass}}) >= 1);

  // 2. A snapshot fails: the exporter shows Flink's reason for the last
  // failed checkpoint.
  REQUIRE(Eventually(all_running, seconds(90)));
  const int64_t failed_before =
      flink_json(base + "/checkpoints")["counts"].value("failed", int64_t{0});
  WriteFile(flink.marker_dir() + "/fail-checkpoint", "");
  json failed;
  REQUIRE(Eventually(
      [&] {
        const json c = flink_json(base + "/checkpoints");
        if (!c.contains("counts") ||
            c["counts"].value("failed", int64_t{0}) <= failed_before ||
            !c["latest"]["failed"].is_object()) {
          return false;
        }
        failed = c["latest"]["failed"];
        return true;
      },
      seconds(60)));
  json last_failure;
  const bool reason_shown = Eventually(
      [&] {
        auto j = ExporterJob(exporter, jid);
        if (!j || !j->contains("checkpoints") ||
            !(*j)["checkpoints"].contains("last_failure")) {
          return false;
        }
        last_failure = (*j)["checkpoints"]["last_failure"];
        return last_failure.value("id", int64_t{-1}) ==
               failed.value("id", int64_t{-2});
      },
      seconds(30));
  report.Add("failed checkpoint (latest.failed)",
             "#" + std::to_string(failed.value("id", int64_t{0})) + " " +
                 failed.value("failure_message", ""),
             "#" + std::to_string(last_failure.value("id", int64_t{0})) + " " +
                 last_failure.value("message", ""));
  REQUIRE(reason_shown);
  CHECK(last_failure.value("message", "") ==
        failed.value("failure_message", ""));
  CHECK_FALSE(last_failure.value("message", "").empty());

  // 3. A TaskManager dies while every slot is in use: its region cannot be
  // placed, the job stays RUNNING with tasks not running.
  REQUIRE(Eventually(all_running, seconds(90)));
  // Prometheus has the job's task counts, and the alert is quiet.
  const std::string job_selector = "{flink_cluster=\"" + std::string(kCluster) +
                                   "\",job_id=\"" + jid + "\"}";
  REQUIRE(Eventually(
      [&] { return !prom.Query("flinkha_job_tasks" + job_selector).empty(); },
      seconds(30)));
  // Quiet once Prometheus has seen the tasks back after the region restart
  // above (a scrape and an evaluation later).
  CHECK(Eventually(
      [&] {
        return prom.AlertState(kCluster, "FlinkJobTasksNotRunning").empty();
      },
      seconds(30)));
  REQUIRE(flink.Signal("tm-1", SIGKILL));
  const auto killed_at = std::chrono::steady_clock::now();
  json flink_tasks, exporter_tasks;
  REQUIRE(Eventually(
      [&] {
        for (const auto& j :
             flink_json("/jobs/overview").value("jobs", json())) {
          if (j.value("jid", "") == jid && j.value("state", "") == "RUNNING" &&
              j["tasks"].value("running", 0) < j["tasks"].value("total", 0)) {
            flink_tasks = j["tasks"];
            return true;
          }
        }
        return false;
      },
      seconds(60)));
  const bool partial_shown = Eventually(
      [&] {
        auto j = ExporterJob(exporter, jid);
        if (!j || j->value("state", "") != "RUNNING" || !j->contains("tasks")) {
          return false;
        }
        exporter_tasks = (*j)["tasks"];
        return exporter_tasks.value("running", 0) <
               exporter_tasks.value("total", 0);
      },
      seconds(30));
  report.Add("TaskManager killed, every slot in use (job RUNNING)",
             "tasks " + std::to_string(flink_tasks.value("running", -1)) + "/" +
                 std::to_string(flink_tasks.value("total", -1)) + " running",
             "tasks " + std::to_string(exporter_tasks.value("running", -1)) +
                 "/" + std::to_string(exporter_tasks.value("total", -1)) +
                 " running");
  REQUIRE(partial_shown);
  const std::string during = exporter.Metrics();
  CHECK(MetricValue(during, "flinkha_job_tasks_running", labels) <
        MetricValue(during, "flinkha_job_tasks", labels));
  // The shipped rule fires in Prometheus while the region waits.
  const bool tasks_alert = Eventually(
      [&] {
        return prom.AlertState(kCluster, "FlinkJobTasksNotRunning") == "firing";
      },
      seconds(45));
  report.Add(
      "FlinkJobTasksNotRunning in Prometheus (for: 3s)",
      "job RUNNING, tasks " + std::to_string(flink_tasks.value("running", -1)) +
          "/" + std::to_string(flink_tasks.value("total", -1)) + " running",
      tasks_alert ? "firing " +
                        Fixed(std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - killed_at)
                                  .count(),
                              1) +
                        " s after the kill"
                  : "not firing");
  CHECK(tasks_alert);
  // Back: the region runs again and the exporter says so.
  REQUIRE(flink.Restart("tm-1"));
  CHECK(Eventually(
      [&] {
        auto j = ExporterJob(exporter, jid);
        return j && j->contains("tasks") &&
               (*j)["tasks"].value("running", 0) ==
                   (*j)["tasks"].value("total", -1);
      },
      seconds(120)));

  const auto backpressure_start = Clock::now();
  // 4. The operator after the source sleeps per record: the source waits for
  // buffers. Flink's own per-vertex backpressure and the exporter's busiest
  // vertex must agree, the alert must fire, and all of it must drop back when
  // the operator keeps up again.
  REQUIRE(Eventually(all_running, seconds(90)));
  auto exporter_bp = [&]() -> json {
    auto j = ExporterJob(exporter, jid);
    // {} while it has none (before two reads of the job since it started).
    return j && j->contains("backpressure") ? (*j)["backpressure"]
                                            : json::object();
  };
  CHECK(exporter_bp().value("ratio", 0.0) < 0.5);
  CHECK(prom.AlertState(kCluster, "FlinkJobBackpressured").empty());
  WriteFile(flink.marker_dir() + "/slow", "20");  // 50 rows/s per subtask
  // The exporter's share covers its last window between two reads of the
  // job's details (about 24 s at a 1 s poll); Flink's is its subtasks' average
  // over the last minute. Once Flink says high and the exporter has read
  // twice since the marker, the exporter's window lies inside the slow spell:
  // then they must agree, within what Flink's own two measures differ by (the
  // accumulated idle time stands still while idleRatio says 0.05-0.11,
  // docs/flink-facts.md).
  VertexPressure flink_busiest;
  json shown_bp = exporter_bp();
  int readings = 0;
  REQUIRE(Eventually(
      [&] {
        std::this_thread::sleep_for(kFlinkPace);
        const json now = exporter_bp();
        if (now != shown_bp) ++readings;
        shown_bp = now;
        flink_busiest = Busiest(FlinkBackpressure(flink, jid));
        return flink_busiest.ratio > 0.5 && readings >= 2;
      },
      seconds(90)));
  const bool bp_agrees = Eventually(
      [&] {
        std::this_thread::sleep_for(kFlinkPace);
        shown_bp = exporter_bp();
        flink_busiest = Busiest(FlinkBackpressure(flink, jid));
        return shown_bp.value("ratio", 0.0) > 0.5 &&
               std::abs(shown_bp.value("ratio", 0.0) - flink_busiest.ratio) <
                   0.2;
      },
      seconds(45));
  report.Add("slow operator (20 ms per record at 2000 rows/s): busiest vertex",
             flink_busiest.Text() + " (mean of subtasks, /backpressure)",
             shown_bp.value("vertex", "") + " " +
                 Fixed(shown_bp.value("ratio", 0.0)) + " backpressured over " +
                 Fixed(shown_bp.value("window_seconds", 0.0), 1) + " s");
  CHECK(bp_agrees);
  CHECK(shown_bp.value("vertex", "") == flink_busiest.name);
  CHECK(MetricValue(exporter.Metrics(), "flinkha_job_backpressured_ratio",
                    labels) > 0.5);
  const bool bp_alert = Eventually(
      [&] {
        return prom.AlertState(kCluster, "FlinkJobBackpressured") == "firing";
      },
      seconds(30));
  report.Add("FlinkJobBackpressured in Prometheus (for: 3s)",
             flink_busiest.name + " above half",
             bp_alert ? "firing" : "not firing");
  CHECK(bp_alert);
  // The operator keeps up again: both drop back, the alert ends.
  REQUIRE(std::remove((flink.marker_dir() + "/slow").c_str()) == 0);
  // Flink's per-second figure is an average over the last minute and decays
  // for a minute; its accumulated backpressured time stops at once: the truth
  // here is that counter standing still across two reads 11 s apart (Flink's
  // metric store refreshes every 10 s), the first 11 s after the marker went.
  const auto removed_at = Clock::now();
  std::optional<std::pair<Clock::time_point, double>> first_read;
  double flink_after_ms = -1, flink_after_s = 0;
  std::string flink_after_vertex;
  json after_bp;
  bool exporter_dropped = false;
  const bool dropped = Eventually(
      [&] {
        std::this_thread::sleep_for(kFlinkPace);
        if (!exporter_dropped) {
          after_bp = exporter_bp();
          exporter_dropped = after_bp.value("ratio", 1.0) < 0.1;
        }
        // Asked throughout, so the metric store keeps refreshing: the first
        // counted read holds a value fetched after the marker went.
        const json job = flink_json(base);
        if (flink_after_ms < 0 && Clock::now() - removed_at > seconds(11)) {
          for (const auto& v : job.value("vertices", json::array())) {
            if (v.value("name", "") != flink_busiest.name) continue;
            const double bp =
                v["metrics"].value("accumulated-backpressured-time", -1.0);
            if (!first_read) {
              first_read = {Clock::now(), bp};
            } else if (Clock::now() - first_read->first > seconds(11)) {
              flink_after_ms = bp - first_read->second;
              flink_after_s = std::chrono::duration<double>(Clock::now() -
                                                            first_read->first)
                                  .count();
              flink_after_vertex = v.value("name", "");
            }
          }
        }
        return exporter_dropped && flink_after_ms >= 0;
      },
      seconds(90));
  report.Add("slow marker removed",
             flink_after_vertex + " accumulated backpressured time +" +
                 Fixed(flink_after_ms, 0) + " ms in " +
                 Fixed(flink_after_s, 1) + " s",
             after_bp.value("vertex", "") + " " +
                 Fixed(after_bp.value("ratio", -1.0)));
  CHECK(dropped);
  // Under a tenth of the wall time of its subtasks.
  CHECK(flink_after_ms < 0.1 * flink_after_s * 1000 * fo.parallelism);
  CHECK(Eventually(
      [&] {
        return prom.AlertState(kCluster, "FlinkJobBackpressured").empty();
      },
      seconds(30)));
  report.Add("time taken (s)",
             "cluster start " + Fixed(flink.startup_seconds(), 1),
             "Prometheus start " + prom_seconds + ", backpressure drill " +
                 since(backpressure_start));
}

}  // namespace
}  // namespace flinkha::testing
