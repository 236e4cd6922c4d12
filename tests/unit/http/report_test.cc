// The operator's report: which findings are OK, which need attention, and the
// text the `status` command prints.
#include "http/report.h"

#include <catch2/catch.hpp>

#include "support/full_snapshot.h"

namespace flinkha {
namespace {

// One cluster with two JobManagers, jm-1 leading with a standby, one running
// job, three TaskManagers and a readable output directory.
Snapshot Healthy() {
  Snapshot s;
  ClusterState& c = s.clusters["prod"];
  c.name = "prod";
  auto cfg = std::make_shared<ClusterConfig>();
  cfg->name = "prod";
  cfg->jobmanagers = {{"jm-1", "http://localhost:8081", "jobmanager:8081"},
                      {"jm-2", "http://localhost:8082", "standby:8081"}};
  c.config = cfg;
  for (const char* name : {"jm-1", "jm-2"}) {
    auto o = std::make_shared<JobManagerObservation>();
    o->up = true;
    o->config = FlinkConfigInfo{"1.19.1", "abc"};
    o->overview = ClusterOverview{3, 12, 4};
    JobSummary j;
    j.id = "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1";
    j.name = "orders <csv>";
    j.state = "RUNNING";
    o->jobs = std::vector<JobSummary>{j};
    c.jobmanagers[name] = o;
  }
  auto ha = std::make_shared<HaState>();
  ComponentLeadership rest;
  rest.known = true;
  rest.leader = {"http://jobmanager:8081",
                 "123e4567-e89b-12d3-a456-426614174000"};
  rest.jobmanager = "jm-1";
  ha->components["rest_server"] = rest;
  ha->contenders = {{"shared", 2}};
  ha->failovers_total = 1;
  c.ha = ha;
  auto f = std::make_shared<FailoverState>();
  f->failovers_total = 1;
  c.failover = f;
  auto out = std::make_shared<OutputObservation>();
  out->readable = true;
  out->finished_files = 5;
  out->bytes = 100;
  c.outputs["/data/out"] = out;
  testing::RefreshFacts(s);
  return s;
}

const ReportLine* Find(const std::vector<ClusterReport>& r,
                       const std::string& prefix) {
  for (const auto& c : r) {
    for (const auto& l : c.lines) {
      if (l.text.rfind(prefix, 0) == 0) return &l;
    }
  }
  return nullptr;
}

TEST_CASE("Report: a healthy HA cluster has every check OK", "[report]") {
  const auto r = BuildReport(Healthy());
  REQUIRE(r.size() == 1);
  CHECK(r[0].cluster == "prod");
  CHECK(ReportHealthy(r));
  const ReportLine* standby = Find(r, "contenders for leadership");
  REQUIRE(standby != nullptr);
  CHECK(standby->mark == ReportLine::Mark::kOk);
  CHECK(standby->text == "contenders for leadership: 2 (standby present)");
  const ReportLine* failovers = Find(r, "failovers seen");
  REQUIRE(failovers != nullptr);
  CHECK(failovers->mark == ReportLine::Mark::kInfo);
  bool healthy = false;
  const std::string text = HumanReport(Healthy(), &healthy);
  CHECK(healthy);
  CHECK(text.find("Flink cluster prod\n") == 0);
  CHECK(text.find(
            "  [OK] leader of rest_server: jm-1 (http://jobmanager:8081)\n") !=
        std::string::npos);
  CHECK(text.find("  failovers seen: 1\n") != std::string::npos);
  CHECK(text.find("  [OK] job orders <csv> (a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1): "
                  "RUNNING\n") != std::string::npos);
}

TEST_CASE(
    "Report: no standby, a failed job and a down JobManager need attention",
    "[report]") {
  Snapshot s = Healthy();
  ClusterState& c = s.clusters["prod"];
  auto ha = std::make_shared<HaState>(*c.ha);
  ha->contenders = {{"shared", 1}};
  c.ha = ha;
  auto down = std::make_shared<JobManagerObservation>();
  down->up = false;
  down->error = "connection refused";
  c.jobmanagers["jm-2"] = down;
  auto jm1 = std::make_shared<JobManagerObservation>(*c.jobmanagers["jm-1"]);
  (*jm1->jobs)[0].state = "FAILED";
  c.jobmanagers["jm-1"] = jm1;

  testing::RefreshFacts(s);
  const auto r = BuildReport(s);
  CHECK_FALSE(ReportHealthy(r));
  CHECK(Find(r, "contenders for leadership")->text ==
        "contenders for leadership: 1 (no standby)");
  CHECK(Find(r, "contenders for leadership")->mark ==
        ReportLine::Mark::kProblem);
  CHECK(Find(r, "job orders")->mark == ReportLine::Mark::kProblem);
  CHECK(Find(r, "JobManager jm-2")->text ==
        "JobManager jm-2 (http://localhost:8082): REST down (connection "
        "refused)");
  CHECK(Find(r, "JobManager jm-1")->mark == ReportLine::Mark::kOk);
  bool healthy = true;
  CHECK(HumanReport(s, &healthy).find("  [!!] JobManager jm-2") !=
        std::string::npos);
  CHECK_FALSE(healthy);
}

TEST_CASE(
    "Report: a cancelled old job beside a running one is information; "
    "no running job is a problem",
    "[report]") {
  Snapshot s = Healthy();
  ClusterState& c = s.clusters["prod"];
  auto jm1 = std::make_shared<JobManagerObservation>(*c.jobmanagers["jm-1"]);
  JobSummary old = (*jm1->jobs)[0];
  old.id = "0f9e8d7c6b5a49382716a5b4c3d2e1f0";
  old.state = "CANCELED";
  jm1->jobs->push_back(old);
  c.jobmanagers["jm-1"] = jm1;
  testing::RefreshFacts(s);
  auto r = BuildReport(s);
  CHECK(ReportHealthy(r));
  const ReportLine* cancelled = Find(r, "job orders <csv> (0f9e");
  REQUIRE(cancelled != nullptr);
  CHECK(cancelled->mark == ReportLine::Mark::kInfo);
  CHECK(Find(r, "no job is RUNNING") == nullptr);

  auto stopped = std::make_shared<JobManagerObservation>(*jm1);
  (*stopped->jobs)[0].state = "FINISHED";
  c.jobmanagers["jm-1"] = stopped;
  testing::RefreshFacts(s);
  r = BuildReport(s);
  CHECK_FALSE(ReportHealthy(r));
  REQUIRE(Find(r, "no job is RUNNING") != nullptr);
  CHECK(Find(r, "no job is RUNNING")->mark == ReportLine::Mark::kProblem);
}

TEST_CASE("Report: TaskManagers with slots and heartbeat age, then the lost",
          "[report]") {
  using std::chrono::seconds;
  Snapshot s = Healthy();
  const TimePoint poll = TimePoint{} + seconds(1'764'629'470);
  auto v = std::make_shared<TaskManagerView>();
  v->jobmanager = "jm-1";
  v->listed_at = poll;
  TaskManagerSummary tm;
  tm.id = "127.0.0.1:40123-4a5b6c";
  tm.address = "127.0.0.1:40123";
  tm.slots_number = 4;
  tm.free_slots = 1;
  tm.last_heartbeat_ms = 1'764'629'462'100;
  v->taskmanagers.push_back(tm);
  v->lost_total = 1;
  v->lost.push_back({"10.0.0.9:35120-77aa01", "10.0.0.9:6122",
                     TimePoint{} + seconds(1'764'629'000),
                     TimePoint{} + seconds(1'764'629'005),
                     TimePoint{} + seconds(1'764'629'065)});
  s.clusters["prod"].taskmanagers = v;
  testing::RefreshFacts(s);
  const auto r = BuildReport(s);
  CHECK(ReportHealthy(r));  // a loss is the alert's business; this is now
  const ReportLine* listed = Find(r, "TaskManager 127.0.0.1:40123-4a5b6c");
  REQUIRE(listed != nullptr);
  CHECK(listed->mark == ReportLine::Mark::kInfo);
  CHECK(listed->text ==
        "TaskManager 127.0.0.1:40123-4a5b6c (127.0.0.1:40123): 1/4 slots free, "
        "heartbeat 7.9 s before the poll");
  const ReportLine* lost = Find(r, "TaskManager 10.0.0.9:35120-77aa01");
  REQUIRE(lost != nullptr);
  CHECK(lost->text ==
        "TaskManager 10.0.0.9:35120-77aa01 lost: unlisted since "
        "2025-12-01T22:43:25Z (last listed 2025-12-01T22:43:20Z)");
  CHECK(Find(r, "TaskManagers lost since the exporter started: 1") != nullptr);
}

TEST_CASE("Report: nothing polled yet is not healthy", "[report]") {
  Snapshot s = Healthy();
  s.clusters["prod"].jobmanagers.clear();
  testing::RefreshFacts(s);
  const auto r = BuildReport(s);
  CHECK_FALSE(ReportHealthy(r));
  CHECK(Find(r, "JobManager jm-1")->text ==
        "JobManager jm-1 (http://localhost:8081): no answer yet");
  CHECK(Find(r, "no JobManager answered")->mark == ReportLine::Mark::kProblem);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE("Failover history from a running exporter's status JSON",
          "[app][report]") {
  const auto status = nlohmann::json::parse(R"json({"clusters": [{
      "name": "rp", "failovers": [
        {"lost_at": "2026-12-01T10:00:00Z", "lost_jobmanager": "jm-1",
         "cause": "refused", "new_jobmanager": "jm-2",
         "leaderless_seconds": 6.04, "leaderless_upper_bound_seconds": 6.9,
         "job_running_seconds": 8.5, "restored_checkpoint_id": 41,
         "restored_checkpoint_age_seconds": 2.25, "checkpoint_seconds": null,
         "output_seconds": 12.0},
        {"lost_at": "2026-12-01T11:00:00Z", "lost_jobmanager": "jm-2",
         "cause": "timed_out", "new_jobmanager": "jm-1",
         "leaderless_seconds": 7.0, "restored_checkpoint_id": null,
         "failure": {"timestamp": "2026-12-01T11:00:03Z",
                     "exception_class": "java.io.IOException",
                     "message": "disk full", "task": "rows (1/3)",
                     "taskmanager": "127.0.0.1:40001"}}]}]})json");
  const auto lines = FailoverHistory(status);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("rp: 2026-12-01T11:00:00Z jm-2 lost (timed_out) -> "
                       "jm-1, without leader 7.0 s",
                       0) == 0);
  CHECK(lines[0].find(", failure 2026-12-01T11:00:03Z: "
                      "java.io.IOException: disk full (task rows (1/3), "
                      "TaskManager 127.0.0.1:40001)") != std::string::npos);
  CHECK(lines[1] ==
        "rp: 2026-12-01T10:00:00Z jm-1 lost (refused) -> jm-2, without "
        "leader 6.0 s (at most 6.9 s), job running 8.5 s, restored "
        "checkpoint 41 (2.2 s old), first checkpoint pending, first output "
        "file 12.0 s");
  CHECK(FailoverHistory(status, 1).size() == 1);
  // Anything but the expected shape gives nothing, never a crash.
  for (const char* bad : {"[]", "{\"clusters\": 3}", "{\"clusters\": [1]}",
                          "{\"clusters\": [{\"failovers\": [7]}]}"}) {
    INFO(bad);
    CHECK(FailoverHistory(nlohmann::json::parse(bad)).empty());
  }
}

}  // namespace
}  // namespace flinkha
