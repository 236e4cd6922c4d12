// The status page: the report's checks with their marks, recent HA events
// newest first, failover reports, and every value from Flink escaped.
#include "http/status_page.h"

#include <catch2/catch.hpp>

#include "support/full_snapshot.h"

namespace flinkha {
namespace {

Snapshot WithEvents() {
  Snapshot s;
  ClusterState& c = s.clusters["prod<1>"];
  c.name = "prod<1>";
  auto cfg = std::make_shared<ClusterConfig>();
  cfg->name = c.name;
  cfg->jobmanagers = {{"jm-1", "http://localhost:8081", "jobmanager:8081"}};
  c.config = cfg;
  auto o = std::make_shared<JobManagerObservation>();
  o->up = true;
  o->overview = ClusterOverview{1, 4, 0};
  JobSummary j;
  j.id = "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1";
  j.name = "orders \"enrichment\" & <csv>";
  j.state = "RESTARTING";
  o->jobs = std::vector<JobSummary>{j};
  c.jobmanagers["jm-1"] = o;
  auto ha = std::make_shared<HaState>();
  ha->contenders = {{"shared", 1}};
  HaEvent older;
  older.at = TimePoint(std::chrono::seconds(1700000000));
  older.kind = HaEventKind::kLeaderLost;
  older.component = "rest_server";
  older.from = "jm-2";
  ha->events = {older};
  c.ha = ha;
  // The failover's events come from the failover state, ordered with
  // ZooKeeper's.
  auto f = std::make_shared<FailoverState>();
  HaEvent unreachable;
  unreachable.at = TimePoint(std::chrono::seconds(1699999999));
  unreachable.kind = HaEventKind::kLeaderUnreachable;
  unreachable.from = "jm-2";
  HaEvent newer;
  newer.at = TimePoint(std::chrono::seconds(1700000006));
  newer.kind = HaEventKind::kFailover;
  newer.from = "jm-2";
  newer.to = "jm-1";
  newer.duration_seconds = 6.4;
  f->events = {unreachable, newer};
  FailoverReport rec;
  rec.seen_by = "rest";
  rec.lost_jobmanager = "jm-2";
  rec.cause = LossCause::kRefused;
  rec.lost_at = unreachable.at;
  rec.leader_at = rec.lost_at + std::chrono::milliseconds(6400);
  rec.new_jobmanager = "jm-1";
  rec.job_running_at = rec.lost_at + std::chrono::milliseconds(9500);
  rec.restored_checkpoint_id = 7;
  f->reports.push_back(rec);
  c.failover = f;
  testing::RefreshFacts(s);
  return s;
}

TEST_CASE("Status page shows the report's checks, marked and escaped",
          "[http][status_page]") {
  const std::string page = StatusPage(WithEvents(), "/metrics");
  CHECK(page.find("<h2>Cluster prod&lt;1&gt;</h2>") != std::string::npos);
  CHECK(page.find("needs attention") != std::string::npos);
  CHECK(page.find("<td class=\"ok\">OK</td><td>JobManager jm-1 "
                  "(http://localhost:8081): REST up</td>") !=
        std::string::npos);
  CHECK(page.find("<td class=\"bad\">!!</td><td>job orders "
                  "&quot;enrichment&quot; &amp; &lt;csv&gt; "
                  "(a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1): RESTARTING</td>") !=
        std::string::npos);
  CHECK(page.find("<td class=\"bad\">!!</td><td>contenders for leadership: 1 "
                  "(no standby)</td>") != std::string::npos);
  CHECK(page.find("orders \"enrichment\"") == std::string::npos);
  CHECK(page.find("<a href=\"/metrics\">Metrics</a>") != std::string::npos);
}

TEST_CASE("Status page lists HA events newest first and failover reports",
          "[http][status_page]") {
  const std::string page = StatusPage(WithEvents(), "/metrics");
  const size_t failover =
      page.find("<td>2023-11-14T22:13:26Z</td><td>failover");
  const size_t lost = page.find("<td>2023-11-14T22:13:20Z</td><td>leader_lost");
  const size_t unreachable =
      page.find("<td>2023-11-14T22:13:19Z</td><td>leader_unreachable");
  REQUIRE(failover != std::string::npos);
  REQUIRE(lost != std::string::npos);
  REQUIRE(unreachable != std::string::npos);
  CHECK(failover < lost);
  CHECK(lost < unreachable);
  CHECK(page.find("<td>jm-2</td><td>jm-1</td><td>6.4 s</td>") !=
        std::string::npos);
  CHECK(page.find("<h3>Failovers</h3>") != std::string::npos);
  CHECK(page.find("<td>2023-11-14T22:13:19Z</td><td>jm-2</td><td>refused</td>"
                  "<td>jm-1</td><td>6.4 s</td><td>6.4 s</td><td>9.5 s</td>"
                  "<td>7</td><td>pending</td><td>pending</td>"
                  "<td>pending</td><td>-</td></tr>") != std::string::npos);
}

TEST_CASE("Status page shows the failure that came with a failover, escaped",
          "[http][status_page]") {
  Snapshot s = WithEvents();
  auto& c = s.clusters.begin()->second;
  auto f = std::make_shared<FailoverState>(*c.failover);
  JobException e;
  e.timestamp_ms = 1700000003500;
  e.exception_class = "java.io.IOException";
  e.message = "no <space> left";
  e.task = "csv-files (1/3)";
  e.endpoint = "10.0.0.5:6122";
  f->reports.back().failure = e;
  c.failover = f;
  const std::string page = StatusPage(s, "/metrics");
  CHECK(page.find("<th>Failure</th>") != std::string::npos);
  CHECK(page.find("<td>2023-11-14T22:13:23Z: java.io.IOException: no "
                  "&lt;space&gt; left (task csv-files (1/3), TaskManager "
                  "10.0.0.5:6122)</td></tr>") != std::string::npos);
}

TEST_CASE("Status page shows times in the display time zone",
          "[http][status_page]") {
  Snapshot s = WithEvents();
  s.display_zone.offset_minutes = 480;
  s.display_zone.name = "UTC+08:00";
  const std::string page = StatusPage(s, "/metrics");
  CHECK(page.find("<th>At (UTC+08:00)</th>") != std::string::npos);
  CHECK(page.find("<th>Lost at (UTC+08:00)</th>") != std::string::npos);
  CHECK(page.find("<td>2023-11-15T06:13:26+08:00</td><td>failover") !=
        std::string::npos);
  CHECK(page.find("2023-11-14T22:13:26Z") == std::string::npos);
}

TEST_CASE("Status page lists TaskManagers and the lost ones, escaped",
          "[http][status_page]") {
  Snapshot s = WithEvents();
  auto v = std::make_shared<TaskManagerView>();
  v->listed_at = TimePoint(std::chrono::seconds(1700000010));
  TaskManagerSummary tm;
  tm.id = "tm<1>";
  tm.address = "10.0.0.5:6122";
  tm.slots_number = 4;
  tm.free_slots = 0;
  tm.last_heartbeat_ms = 1700000008500;
  v->taskmanagers.push_back(tm);
  v->lost_total = 1;
  v->lost.push_back({"tm-2", "", TimePoint(std::chrono::seconds(1700000000)),
                     TimePoint(std::chrono::seconds(1700000001)),
                     TimePoint(std::chrono::seconds(1700000061))});
  s.clusters["prod<1>"].taskmanagers = v;
  testing::RefreshFacts(s);
  const std::string page = StatusPage(s, "/metrics");
  CHECK(page.find(R"(<td class="info"></td><td>TaskManager tm&lt;1&gt; )"
                  "(10.0.0.5:6122): 0/4 slots free, heartbeat 1.5 s before "
                  "the poll</td>") != std::string::npos);
  CHECK(page.find("<td>TaskManager tm-2 lost: unlisted since "
                  "2023-11-14T22:13:21Z (last listed 2023-11-14T22:13:20Z)"
                  "</td>") != std::string::npos);
}

TEST_CASE("Status page of a healthy cluster says OK and has no event table",
          "[http][status_page]") {
  Snapshot s = WithEvents();
  ClusterState& c = s.clusters["prod<1>"];
  auto ha = std::make_shared<HaState>();
  ha->contenders = {{"shared", 2}};
  ComponentLeadership rest;
  rest.known = true;
  rest.jobmanager = "jm-1";
  rest.leader.address = "http://jobmanager:8081";
  ha->components["rest_server"] = rest;
  c.ha = ha;
  c.failover.reset();
  auto o = std::make_shared<JobManagerObservation>(*c.jobmanagers["jm-1"]);
  (*o->jobs)[0].state = "RUNNING";
  c.jobmanagers["jm-1"] = o;
  testing::RefreshFacts(s);
  const std::string page = StatusPage(s, "/metrics");
  CHECK(page.find("Overall: <span class=\"ok\">OK</span>") !=
        std::string::npos);
  CHECK(page.find("Recent HA events") == std::string::npos);
  CHECK(page.find("<h3>Failovers</h3>") == std::string::npos);
}

}  // namespace
}  // namespace flinkha
