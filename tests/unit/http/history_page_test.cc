// The history on the status page and in /api/v1/history: labels from Flink
// are text (a job named <script> stays text), failover marks link to their
// report row, nothing refers to anything outside the page.
#include "http/history_page.h"

#include <catch2/catch.hpp>
#include <regex>

#include "http/history_json.h"
#include "http/status_page.h"
#include "support/history_snapshot.h"

namespace flinkha {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::HistoryScenario;
using testing::HistorySnapshot;

const TimePoint kT0 = TimePoint{} + seconds(1'764'061'200);

struct Drill {
  History history;
  Snapshot last;
  TimePoint now;
};

// An hour of a cluster with a 20 s failover from jm-1 to jm-2 in the middle.
void RunDrill(Drill& d, HistoryScenario sc) {
  int n = 0;
  TimePoint t = kT0;
  for (; t < kT0 + minutes(30); t += seconds(5), ++n)
    d.history.Sample(HistorySnapshot(sc, n, t), t);
  sc.failover_lost_at = t;
  for (; t < *sc.failover_lost_at + seconds(20); t += seconds(5), ++n)
    d.history.Sample(HistorySnapshot(sc, n, t), t);
  sc.failover_leader_at = t;
  sc.leader = "jm-2";
  for (; t < kT0 + minutes(60); t += seconds(5), ++n)
    d.history.Sample(HistorySnapshot(sc, n, t), t);
  d.now = t - seconds(5);
  d.last = HistorySnapshot(sc, n, d.now);
}

TEST_CASE("History page escapes job and JobManager names from Flink",
          "[http][history]") {
  Drill d;
  HistoryScenario sc;
  sc.jobs = 2;
  sc.job_name_prefix = "<script>alert(1)</script>";
  sc.leader = "<img src=x onerror=alert(2)>";
  RunDrill(d, sc);
  const HistoryData data = d.history.Copy();
  const std::string page = StatusPage(d.last, "/metrics", &data, d.now);
  CHECK(page.find("<svg class=\"hist\"") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;0") !=
        std::string::npos);
  CHECK(page.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
}

TEST_CASE("History page marks the failover and links it to its report",
          "[http][history]") {
  Drill d;
  RunDrill(d, HistoryScenario{});
  const HistoryData data = d.history.Copy();
  const std::string page = StatusPage(d.last, "/metrics", &data, d.now);
  const TimePoint lost = kT0 + minutes(30);
  const std::string anchor = FailoverAnchor(0, lost);
  CHECK(anchor == "fo-0-" + std::to_string(1'764'063'000'000LL));
  CHECK(page.find("<g class=\"failover\" data-lost-at=\"1764063000000\" "
                  "data-duration=\"20000\"><a href=\"#" +
                  anchor + "\">") != std::string::npos);
  CHECK(page.find("<tr id=\"" + anchor + "\">") != std::string::npos);
  CHECK(page.find("jm-2 served after 20.0 s; job running +23.0 s") !=
        std::string::npos);
  // The leadership lane names both leaders and shows the gap.
  CHECK(page.find(">jm-1</text>") != std::string::npos);
  CHECK(page.find(">jm-2</text>") != std::string::npos);
  CHECK(page.find("class=\"h-gap\"") != std::string::npos);
  // Jobs, checkpoints now against the interval, TaskManagers, output,
  // ZooKeeper and the exporter's sources.
  CHECK(page.find("checkpoint 4.0 s ago / every 10.0 s") != std::string::npos);
  CHECK(page.find("<polyline class=\"l0\"") != std::string::npos);
  CHECK(page.find("newest file 2.0 s ago") != std::string::npos);
  CHECK(page.find("data-lane=\"zk-session\"") != std::string::npos);
  CHECK(page.find("data-lane=\"source\"") != std::string::npos);
  CHECK(page.find("prefers-color-scheme:dark") != std::string::npos);
  CHECK(page.find("<meta http-equiv=\"refresh\"") != std::string::npos);
}

TEST_CASE("History page refers to nothing outside itself", "[http][history]") {
  Drill d;
  RunDrill(d, HistoryScenario{});
  const HistoryData data = d.history.Copy();
  const std::string page = StatusPage(d.last, "/metrics", &data, d.now);
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("url(") == std::string::npos);
  // The one link: an empty icon, so the browser asks for no favicon.
  CHECK(page.find("<link rel=\"icon\" href=\"data:,\">") != std::string::npos);
  CHECK(page.find("<link", page.find("<link") + 1) == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("style=") == std::string::npos);
  // The only absolute URL is the SVG namespace.
  const std::regex url("https?://[^\"<]*");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), url);
       it != std::sregex_iterator(); ++it) {
    const std::string u = it->str();
    if (u == "http://www.w3.org/2000/svg") continue;
    // JobManager URLs appear as text in the checks.
    CHECK(page.substr(it->position() - 1, 1) != "\"");
  }
}

TEST_CASE("Status page without history samples says it is collecting",
          "[http][history]") {
  const HistoryData empty;
  const std::string page = StatusPage(
      HistorySnapshot(HistoryScenario{}, 0, kT0), "/metrics", &empty, kT0);
  CHECK(page.find("History: collecting") != std::string::npos);
  CHECK(page.find("<svg") == std::string::npos);
}

TEST_CASE("History JSON has every series, compact", "[http][history]") {
  Drill d;
  RunDrill(d, HistoryScenario{});
  const nlohmann::json j = HistoryJson(d.history.Copy());
  CHECK(j["window_seconds"] == 21600);
  CHECK(j["point_interval_seconds"] == 30);
  const auto& c = j["clusters"]["prod"];
  REQUIRE(c["leader"].size() == 3);
  CHECK(c["leader"][1][2] == "");
  CHECK(c["leader"][2][2] == "jm-2");
  REQUIRE(c["failovers"].size() == 1);
  CHECK(c["failovers"][0]["lost_at"] == 1764063000.0);
  CHECK(c["failovers"][0]["leader_at"] == 1764063020.0);
  CHECK(c["failovers"][0]["new_jobmanager"] == "jm-2");
  CHECK(c["jobs"]["job0"]["name"] == "job 0");
  CHECK(c["jobs"]["job0"]["checkpoints_completed"].size() == 120);
  CHECK(c["jobs"]["job0"]["checkpoints_completed"][0][0] == 1764061200.0);
  CHECK(c["outputs"]["./output"]["files_committed"].size() == 120);
  CHECK(c["zookeeper_servers"]["zk-1:2181"][0][2] == "standalone");
  CHECK(c["sources"]["rest/jm-1"][0][2] == "up");
  CHECK(j["clock_steps_total"] == 0);
}

}  // namespace
}  // namespace flinkha
