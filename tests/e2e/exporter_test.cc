// End to end: the real binary against two fake JobManagers and a fixture output
// tree.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/exporter_process.h"
#include "support/fake_flink.h"
#include "support/golden.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const char* kJobs[][2] = {
    {"d4f5e2a1c3b7a9e8f0d1c2b3a4e5f6a7", "checkpoints.json"},
    {"5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", "checkpoints_after_failover.json"},
    {"9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", "checkpoints_fresh_job.json"}};

void ServeCluster(FakeFlink& f) {
  f.ServeVersion("1.18");
  for (const auto& [jid, ck] : kJobs) {
    const std::string base = std::string("/jobs/") + jid;
    f.Serve(base + "/checkpoints", ReadFlinkFixture(std::string("1.18/") + ck));
    f.Serve(base + "/checkpoints/config",
            ReadFlinkFixture("1.18/checkpoints_config.json"));
    f.Serve(base + "/metrics?get=numRestarts,fullRestarts",
            ReadFlinkFixture("1.18/metrics_restarts.json"));
  }
  f.Start();
}

// A FileSink-style tree with fixed times, so every output series is
// deterministic.
std::string OutputTree(const std::string& root) {
  const std::string out = root + "/output";
  const std::string bucket = out + "/2026-11-25--09";
  std::filesystem::create_directories(bucket);
  WriteFile(bucket + "/part-6f1c-0.csv", "id,amount\n1,10\n2,20\n");
  WriteFile(bucket + "/part-6f1c-1.csv", "id,amount\n3,30\n");
  WriteFile(bucket + "/.part-6f1c-2.csv.inprogress.0d2b", "id,amount\n4,");
  WriteFile(out + "/notes.txt", "not a part file of the pattern\n");
  for (const auto& e : std::filesystem::recursive_directory_iterator(out)) {
    timespec times[2] = {{1'764'061'200, 0}, {1'764'061'200, 0}};
    utimensat(AT_FDCWD, e.path().c_str(), times, 0);
  }
  return out;
}

std::string Config(const FakeFlink& a, const FakeFlink& b,
                   const std::string& output,
                   const std::string& poll_interval = "1s",
                   const std::string& request_timeout = "500ms") {
  return "clusters:\n"
         "  - name: e2e\n"
         "    jobmanagers:\n"
         "      - name: jm-1\n"
         "        url: " +
         a.url() +
         "\n"
         "        advertised: jobmanager:8081\n"
         "      - name: jm-2\n"
         "        url: " +
         b.url() +
         "\n"
         "        advertised: jobmanager-standby:8081\n"
         "    output:\n"
         "      - path: " +
         output +
         "\n"
         "        pattern: \"*.csv\"\n"
         "        count_rows: true\n"
         "    poll_interval: " +
         poll_interval +
         "\n"
         "    request_timeout: " +
         request_timeout +
         "\n"
         "    expected_taskmanagers: 3\n";
}

// Two fake JobManagers serving the 1.18 fixtures and the exporter watching
// them.
struct TwoJobManagers {
  explicit TwoJobManagers(const std::string& poll_interval = "1s",
                          const std::string& request_timeout = "500ms") {
    ServeCluster(jm1);
    ServeCluster(jm2);
    output = OutputTree(dir.path());
    exporter = std::make_unique<ExporterProcess>(
        dir.path(), Config(jm1, jm2, output, poll_interval, request_timeout));
  }
  TempDir dir;
  FakeFlink jm1, jm2;
  std::string output;
  std::unique_ptr<ExporterProcess> exporter;
};

TEST_CASE(
    "/metrics for two JobManagers matches the golden file and passes promtool",
    "[e2e]") {
  TwoJobManagers t;
  ExporterProcess& exporter = *t.exporter;
  const std::string& output = t.output;
  REQUIRE(exporter.WaitReady());
  // Checkpoint statistics arrive one poll after the job list: wait for them.
  std::string metrics;
  REQUIRE(Eventually(
      [&] {
        metrics = exporter.Metrics();
        return metrics.find("flinkha_checkpoints_completed{") !=
                   std::string::npos &&
               metrics.find("flinkha_job_restarts{") != std::string::npos;
      },
      seconds(10)));
  // The output path is a temporary directory: name it stably for the golden
  // file.
  std::string stable = metrics;
  for (size_t p; (p = stable.find(output)) != std::string::npos;) {
    stable.replace(p, output.size(), "<output>");
  }
  const std::string diff =
      CompareGolden("metrics_e2e.txt", FilterVolatile(stable));
  INFO(diff);
  CHECK(diff.empty());

  bool ok = false;
  const std::string promtool = PromtoolCheckMetrics(t.dir.path(), metrics, &ok);
  INFO(promtool);
  CHECK(ok);

  // The process_* figures are the exporter's own (masked in the golden file):
  // its start time as the kernel counts it (clock ticks after boot) is the one
  // it reports itself, and it holds memory and descriptors.
  CHECK(std::abs(SampleValue(metrics, "process_start_time_seconds") -
                 SampleValue(metrics, "flinkha_start_time_seconds")) < 2);
  CHECK(SampleValue(metrics, "process_resident_memory_bytes") > 1 << 20);
  CHECK(SampleValue(metrics, "process_open_fds") >= 3);
  CHECK(SampleValue(metrics, "process_max_fds") >=
        SampleValue(metrics, "process_open_fds"));

  // A writer commits a part file as FileSink does: rows go to a hidden
  // in-progress file, which a checkpoint renames to its final name. The
  // exporter sees one new finished file and counts its rows once.
  const std::string bucket = output + "/2026-11-25--10";
  std::filesystem::create_directories(bucket);
  const std::string hidden = bucket + "/.part-6f1c-3.csv.inprogress.9a7e";
  WriteFile(hidden, "id,amount\n5,50\n6,60\n");
  const std::string files =
      R"(flinkha_output_files{flink_cluster="e2e",directory=")" + output;
  REQUIRE(Eventually(
      [&] {
        return SampleValue(exporter.Metrics(),
                           files + R"(",state="in_progress"})") == 2;
      },
      seconds(5)));
  std::filesystem::rename(hidden, bucket + "/part-6f1c-3.csv");
  std::string after;
  REQUIRE(Eventually(
      [&] {
        after = exporter.Metrics();
        return SampleValue(after, files + R"(",state="finished"})") == 3;
      },
      seconds(5)));
  const std::string dir_labels =
      R"({flink_cluster="e2e",directory=")" + output + "\"}";
  CHECK(SampleValue(after, files + R"(",state="in_progress"})") == 1);
  CHECK(SampleValue(after, "flinkha_output_files_created_total" + dir_labels) ==
        1);
  CHECK(SampleValue(after, "flinkha_output_rows_total" + dir_labels) == 3);
  CHECK(SampleValue(after, "flinkha_output_bytes" + dir_labels) == 35 + 20);
}

TEST_CASE(
    "A killed JobManager is down within one poll while the other keeps "
    "reporting",
    "[e2e]") {
  TwoJobManagers t;
  ExporterProcess& exporter = *t.exporter;
  REQUIRE(exporter.WaitReady());
  const std::string up1 =
      R"(flinkha_jobmanager_up{flink_cluster="e2e",jobmanager="jm-1"})";
  const std::string up2 =
      R"(flinkha_jobmanager_up{flink_cluster="e2e",jobmanager="jm-2"})";
  const std::string tms = R"(flinkha_taskmanagers{flink_cluster="e2e"})";
  REQUIRE(SampleValue(exporter.Metrics(), up1) == 1);

  t.jm1.Kill();
  const auto killed = std::chrono::steady_clock::now();
  std::string m;
  // One poll interval (1 s) plus the request in flight.
  REQUIRE(
      Eventually([&] { return SampleValue(m = exporter.Metrics(), up1) == 0; },
                 milliseconds(2000)));
  CHECK(std::chrono::steady_clock::now() - killed < milliseconds(2000));
  CHECK(SampleValue(m, up2) == 1);
  CHECK(SampleValue(m, tms) == 2);  // cluster data now comes from jm-2
  CHECK(
      m.find(
          R"(flinkha_cluster_data_jobmanager{flink_cluster="e2e",jobmanager="jm-2"} 1)") !=
      std::string::npos);
  CHECK(m.find(" -1\n") ==
        std::string::npos);  // no -1 leaks from the failed endpoint

  t.jm1.Revive();
  CHECK(Eventually([&] { return SampleValue(exporter.Metrics(), up1) == 1; },
                   seconds(3)));
}

TEST_CASE("A hanging JobManager does not delay /metrics", "[e2e]") {
  // A long timeout, so that a scrape which waited for the stuck poll would
  // take seconds, far from the milliseconds of one that does not.
  TwoJobManagers t("5s", "4s");
  ExporterProcess& exporter = *t.exporter;
  REQUIRE(exporter.WaitReady());
  const std::string up =
      R"(flinkha_jobmanager_up{flink_cluster="e2e",jobmanager="jm-1"})";
  REQUIRE(SampleValue(exporter.Metrics(), up) == 1);
  const int hits_before = t.jm1.total_hits();
  t.jm1.SetMode(FakeFlink::Mode::kHang);
  // Scrape while a poll is stuck on the hanging JobManager.
  REQUIRE(
      Eventually([&] { return t.jm1.total_hits() > hits_before; }, seconds(7)));
  const auto stuck = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    HttpResult r = exporter.Get("/metrics");
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(r.status == 200);
    CHECK(took < milliseconds(1000));
    // Answered inside the stuck poll's window: it still shows the last
    // finished poll, not the timeout's verdict.
    if (std::chrono::steady_clock::now() - stuck < milliseconds(3000)) {
      CHECK(SampleValue(r.body, up) == 1);
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  // The stuck poll ends at request_timeout and reports the endpoint down.
  CHECK(Eventually([&] { return SampleValue(exporter.Metrics(), up) == 0; },
                   seconds(8)));
  t.jm1.SetMode(FakeFlink::Mode::kNormal);
}

TEST_CASE("/healthz, /ready, /api/v1/status and / answer", "[e2e]") {
  TwoJobManagers t;
  ExporterProcess& exporter = *t.exporter;
  REQUIRE(exporter.WaitReady());
  CHECK(exporter.Get("/healthz").status == 200);
  CHECK(exporter.Get("/-/healthy").status == 200);
  CHECK(exporter.Get("/-/ready").status == 200);
  HttpResult status = exporter.Get("/api/v1/status");
  REQUIRE(status.status == 200);
  CHECK(status.body.find("\"name\": \"e2e\"") != std::string::npos);
  CHECK(status.body.find("csv-writer") != std::string::npos);
  HttpResult page = exporter.Get("/");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Cluster e2e") != std::string::npos);
  CHECK(page.body.find("orders &quot;enrichment&quot;") != std::string::npos);
}

TEST_CASE("The status command prints every check and exits 1 on a problem",
          "[e2e]") {
  TwoJobManagers t;
  REQUIRE(t.exporter->WaitReady());
  auto status = [&](const std::string& log) {
    Subprocess p({FLINKHA_EXPORTER_BINARY, "status",
                  "--config.file=" + t.exporter->config_path()},
                 t.dir.path() + "/" + log);
    const std::optional<int> rc = p.Wait(seconds(30));
    return std::make_pair(rc, p.Log());
  };
  auto [rc, text] = status("status-1.log");
  INFO(text);
  REQUIRE(rc.has_value());
  CHECK(text.find("Flink cluster e2e\n") != std::string::npos);
  CHECK(text.find("  [OK] JobManager jm-1 (" + t.jm1.url() + "): REST up") !=
        std::string::npos);
  CHECK(text.find("  [OK] JobManager jm-2 (" + t.jm2.url() + "): REST up") !=
        std::string::npos);
  CHECK(*rc == (text.find("[!!]") == std::string::npos ? 0 : 1));

  t.jm2.Kill();
  auto [rc_down, down] = status("status-2.log");
  INFO(down);
  REQUIRE(rc_down.has_value());
  CHECK(*rc_down == 1);
  CHECK(down.find("  [!!] JobManager jm-2 (" + t.jm2.url() + "): REST down") !=
        std::string::npos);
  CHECK(down.find("  [OK] JobManager jm-1") != std::string::npos);
}

TEST_CASE(
    "SIGHUP with a bad config keeps the old one and reports the failed reload",
    "[e2e]") {
  TwoJobManagers t;
  ExporterProcess& exporter = *t.exporter;
  REQUIRE(exporter.WaitReady());
  const std::string reload_ok = "flinkha_config_last_reload_successful";
  REQUIRE(SampleValue(exporter.Metrics(), reload_ok) == 1);
  WriteFile(exporter.config_path(), "clusters: [ {name: broken\n");
  exporter.process().Signal(SIGHUP);
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), reload_ok) == 0; },
      seconds(5)));
  // Still serving the old configuration.
  CHECK(
      SampleValue(
          exporter.Metrics(),
          R"(flinkha_jobmanager_up{flink_cluster="e2e",jobmanager="jm-1"})") ==
      1);

  // A good config via POST /-/reload: one JobManager only, renamed cluster.
  WriteFile(exporter.config_path(),
            "clusters:\n  - name: renamed\n    jobmanagers:\n"
            "      - name: only\n        url: " +
                t.jm2.url() + "\n        advertised: jm:8081\n");
  // As operators type it (Prometheus' own docs): a POST without a body.
  const std::string out = t.dir.path() + "/curl.out";
  const std::string curl =
      "curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:" +
      std::to_string(exporter.port()) + "/-/reload > '" + out + "'";
  REQUIRE(std::system(curl.c_str()) == 0);
  REQUIRE(ReadFile(out) == "200");
  std::string m;
  REQUIRE(Eventually(
      [&] {
        m = exporter.Metrics();
        return SampleValue(
                   m,
                   R"(flinkha_jobmanager_up{flink_cluster="renamed",jobmanager="only"})") ==
               1;
      },
      seconds(5)));
  CHECK(SampleValue(m, reload_ok) == 1);
  CHECK(m.find("flink_cluster=\"e2e\"") ==
        std::string::npos);  // the old cluster's series left
}

}  // namespace
}  // namespace flinkha::testing

namespace flinkha::testing {
namespace {

TEST_CASE("JSON logs: one valid object per line, quotes escaped", "[e2e]") {
  TempDir dir;
  FakeFlink jm1, jm2;
  ServeCluster(jm1);
  ServeCluster(jm2);
  jm1.Kill();  // its error message carries quotes: error="GET /config: ..."
  ExporterProcess exporter(dir.path(), Config(jm1, jm2, OutputTree(dir.path())),
                           {"--log.format=json"});
  REQUIRE(exporter.WaitReady());
  REQUIRE(exporter.process().WaitForLog("failing", seconds(5)));
  exporter.process().Stop();
  int lines = 0, failing = 0;
  std::istringstream in(exporter.process().Log());
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(j.is_object());
    ++lines;
    const std::string msg = j.value("msg", "");
    if (msg.find("failing target=e2e/jm-1 error=\"") != std::string::npos)
      ++failing;
  }
  CHECK(lines > 2);
  CHECK(failing == 1);  // logged once per change, not every poll
}

}  // namespace
}  // namespace flinkha::testing
