// End to end: the real binary's TaskManager view against fake JobManagers. A
// TaskManager that leaves /taskmanagers is counted lost and its series go; a
// 404, a single empty answer and a failover to a JobManager whose
// TaskManagers re-register count nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "support/exporter_process.h"
#include "support/fake_flink.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const char kTm1[] = "172.18.0.5:35120-8a0c3f";
const char kTm2[] = "172.18.0.6:35121-8a1c3f";
const char kLost[] = R"(flinkha_taskmanagers_lost_total{flink_cluster="e2e"})";

std::string Slots(const char* tm) {
  return std::string(R"(flinkha_taskmanager_slots{flink_cluster="e2e",)") +
         "taskmanager=\"" + tm + "\"}";
}

std::string Config(const std::vector<const FakeFlink*>& jms) {
  std::string c =
      "clusters:\n"
      "  - name: e2e\n"
      "    jobmanagers:\n";
  for (size_t i = 0; i < jms.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    c += "      - name: jm-" + n + "\n        url: " + jms[i]->url() +
         "\n        advertised: jobmanager-" + n + ":8081\n";
  }
  c += "    checkpoints: false\n"
       "    poll_interval: 1s\n"
       "    request_timeout: 500ms\n"
       "    taskmanager_lost_after: 2s\n";
  return c;
}

// Waits for n more GET /taskmanagers on f (polls that saw the current route).
bool WaitPolls(const FakeFlink& f, int n) {
  const int start = f.hits("/taskmanagers");
  return Eventually([&] { return f.hits("/taskmanagers") >= start + n; },
                    seconds(5));
}

TEST_CASE(
    "A TaskManager that leaves /taskmanagers is counted lost once and its "
    "series go, while a 404 and one empty answer count nothing",
    "[e2e]") {
  TempDir dir;
  FakeFlink jm;
  jm.ServeVersion("1.18");
  jm.Start();
  ExporterProcess exporter(dir.path(), Config({&jm}));
  REQUIRE(exporter.WaitReady());
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), Slots(kTm2)) == 4; },
      seconds(5)));
  std::string m = exporter.Metrics();
  CHECK(SampleValue(m, kLost) == 0);
  CHECK(m.find(std::string(R"(flinkha_taskmanager_info{flink_cluster="e2e",)") +
               "taskmanager=\"" + kTm1 + "\",address=\"172.18.0.5:6122\"} 1") !=
        std::string::npos);

  // No ResourceManager leader for three polls: nothing listed, nothing lost.
  jm.Serve("/taskmanagers", ReadFlinkFixture("errors/taskmanagers_404.json"),
           404);
  REQUIRE(WaitPolls(jm, 3));
  m = exporter.Metrics();
  CHECK(std::isnan(SampleValue(m, Slots(kTm1))));
  CHECK(SampleValue(m, kLost) == 0);

  // One empty answer (a ResourceManager whose TaskManagers re-register).
  jm.Serve("/taskmanagers", R"({"taskmanagers":[]})");
  REQUIRE(WaitPolls(jm, 1));
  jm.ServeVersion("1.18");
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), Slots(kTm2)) == 4; },
      seconds(5)));
  REQUIRE(WaitPolls(jm, 3));
  CHECK(SampleValue(exporter.Metrics(), kLost) == 0);

  // The second TaskManager goes for good.
  jm.Serve("/taskmanagers",
           ReadFlinkFixture("1.18/taskmanagers_one_left.json"));
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), kLost) == 1; }, seconds(8)));
  m = exporter.Metrics();
  CHECK(std::isnan(SampleValue(m, Slots(kTm2))));
  CHECK(SampleValue(m, Slots(kTm1)) == 4);
  const double lost_at = SampleValue(
      m, std::string("flinkha_taskmanager_last_lost_timestamp_seconds{"
                     "flink_cluster=\"e2e\",taskmanager=\"") +
             kTm2 + "\"}");
  const double now_s = std::chrono::duration<double>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  CHECK(lost_at > now_s - 30);
  CHECK(lost_at <= now_s);
  // Only the lost series names it: no per-TaskManager series is left.
  size_t mentions = 0;
  for (size_t p = m.find(kTm2); p != std::string::npos;
       p = m.find(kTm2, p + 1)) {
    ++mentions;
  }
  CHECK(mentions == 1);

  // Counted once: more polls without it add nothing.
  REQUIRE(WaitPolls(jm, 3));
  CHECK(SampleValue(exporter.Metrics(), kLost) == 1);

  const nlohmann::json status =
      nlohmann::json::parse(exporter.Get("/api/v1/status").body);
  const auto& c = status["clusters"][0];
  REQUIRE(c["taskmanagers"].size() == 1);
  CHECK(c["taskmanagers"][0]["id"] == kTm1);
  REQUIRE(c["lost_taskmanagers"].size() == 1);
  CHECK(c["lost_taskmanagers"][0]["id"] == kTm2);
  CHECK(c["lost_taskmanagers"][0]["address"] == "172.18.0.6:6122");
  CHECK(c["taskmanagers_lost_total"] == 1);
}

TEST_CASE(
    "A failover to a JobManager whose TaskManagers re-register loses none",
    "[e2e]") {
  TempDir dir;
  FakeFlink jm1, jm2;
  jm1.ServeVersion("1.18");
  jm2.ServeVersion("1.18");
  // The standby's ResourceManager has no TaskManager yet.
  jm2.Serve("/taskmanagers", R"({"taskmanagers":[]})");
  jm1.Start();
  jm2.Start();
  ExporterProcess exporter(dir.path(), Config({&jm1, &jm2}));
  REQUIRE(exporter.WaitReady());
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), Slots(kTm2)) == 4; },
      seconds(5)));

  jm1.Kill();
  const std::string from_jm2 =
      R"(flinkha_cluster_data_jobmanager{flink_cluster="e2e",jobmanager="jm-2"} 1)";
  std::string m;
  REQUIRE(Eventually(
      [&] {
        return (m = exporter.Metrics()).find(from_jm2) != std::string::npos;
      },
      seconds(5)));
  CHECK(std::isnan(SampleValue(m, Slots(kTm1))));  // the new leader lists none
  jm2.ServeVersion("1.18");                        // both re-register
  REQUIRE(Eventually(
      [&] { return SampleValue(exporter.Metrics(), Slots(kTm2)) == 4; },
      seconds(5)));
  REQUIRE(WaitPolls(jm2, 3));  // past taskmanager_lost_after
  CHECK(SampleValue(exporter.Metrics(), kLost) == 0);
}

}  // namespace
}  // namespace flinkha::testing
