// The diagnosis in the operator's report (status page, `status` command) and
// in /api/v1/status: the last failure, the last failed checkpoint's reason,
// tasks not running, backpressure, failures by class and the job's state
// timestamps.
#include <catch2/catch.hpp>

#include "http/report.h"
#include "http/status_json.h"
#include "support/full_snapshot.h"

namespace flinkha {
namespace {

using testing::FullSnapshot;

std::vector<ReportLine> Lines(const Snapshot& s) {
  const auto report = BuildReport(s);
  REQUIRE(report.size() == 1);
  return report[0].lines;
}

const ReportLine* Find(const std::vector<ReportLine>& lines,
                       const std::string& text) {
  for (const auto& l : lines) {
    if (l.text.find(text) != std::string::npos) return &l;
  }
  return nullptr;
}

TEST_CASE("Report: a RUNNING job with tasks not running needs attention",
          "[http][diagnosis]") {
  const auto lines = Lines(FullSnapshot());
  const ReportLine* job = Find(lines, "job csv-writer (");
  REQUIRE(job);
  CHECK(job->text.find("tasks 4/6 running") != std::string::npos);
  CHECK(job->mark == ReportLine::Mark::kProblem);
  // 25% backpressured is below the alert's half: not mentioned.
  CHECK(job->text.find("backpressured") == std::string::npos);

  Snapshot s = FullSnapshot();
  auto& c = s.clusters.begin()->second;
  auto jm =
      std::make_shared<JobManagerObservation>(*c.facts.preferred_observation);
  (*jm->jobs)[0].tasks_running = 6;
  c.facts.preferred_observation = jm;
  auto ck = std::make_shared<JobCheckpointObservation>(
      *c.checkpoints.begin()->second);
  ck->backpressure = Backpressure{0.8, "Source: rows", 120};
  c.checkpoints.begin()->second = ck;
  const auto busy = Lines(s);
  const ReportLine* slow = Find(busy, "job csv-writer (");
  REQUIRE(slow);
  CHECK(slow->text.find("tasks") == std::string::npos);
  CHECK(slow->text.find("backpressured 80% (Source: rows)") !=
        std::string::npos);
  CHECK(slow->mark == ReportLine::Mark::kProblem);
}

TEST_CASE("Report: the last failure and the failed checkpoint's reason",
          "[http][diagnosis]") {
  const auto lines = Lines(FullSnapshot());
  const ReportLine* failure = Find(lines, "job csv-writer last failed ");
  REQUIRE(failure);
  CHECK(failure->mark == ReportLine::Mark::kInfo);
  CHECK(failure->text.find("java.lang.IllegalStateException: boom (task map "
                           "(2/3) - execution #0, TaskManager "
                           "taskmanager-2:6121)") != std::string::npos);
  const ReportLine* checkpoint = Find(lines, "job csv-writer checkpoint 50 ");
  REQUIRE(checkpoint);
  CHECK(checkpoint->text.find(": timeout") != std::string::npos);
}

TEST_CASE("/api/v1/status: exceptions, tasks, backpressure, timestamps",
          "[http][diagnosis]") {
  const auto j = StatusJson(FullSnapshot());
  const auto& cluster = j["clusters"][0];
  CHECK(cluster["job_failures_by_class"]["java.lang.IllegalStateException"] ==
        1);
  const auto& job = cluster["jobs"][0];
  CHECK(job["tasks"]["total"] == 6);
  CHECK(job["tasks"]["running"] == 4);
  REQUIRE(job["exceptions"].size() == 1);
  CHECK(job["exceptions"][0]["exception_class"] ==
        "java.lang.IllegalStateException");
  CHECK(job["exceptions"][0]["message"] == "boom");
  CHECK(job["exceptions"][0]["taskmanager"] == "taskmanager-2:6121");
  CHECK(job["exceptions"][0]["timestamp_ms"] == 1764056990000);
  CHECK(job["backpressure"]["ratio"] == 0.25);
  CHECK(job["backpressure"]["vertex"] == "Source: rows");
  CHECK(job["state_timestamps_ms"]["RUNNING"] == 1764057000000);
  CHECK(job["checkpoints"]["last_failure"]["message"] == "timeout");
}

TEST_CASE(
    "The failure that came with a failover: in /api/v1/status, the status "
    "report and `status`'s history",
    "[http][diagnosis]") {
  Snapshot s = FullSnapshot();
  auto& c = s.clusters.begin()->second;
  auto f = std::make_shared<FailoverState>();
  FailoverReport r;
  r.lost_jobmanager = "jm-1";
  r.cause = LossCause::kRefused;
  r.lost_at = TimePoint(std::chrono::seconds(1764057000));
  r.leader_at = r.lost_at + std::chrono::seconds(6);
  r.new_jobmanager = "jm-2";
  JobException e;
  e.timestamp_ms = 1764057009250;
  e.exception_class = "java.util.concurrent.TimeoutException";
  e.message = "Heartbeat of TaskManager with id tm-1 timed out.";
  e.task = "Source: rows (1/3) - execution #1";
  e.endpoint = "127.0.0.1:40001";
  r.failure = e;
  r.failure_job_id = "j1";
  f->reports.push_back(r);
  FailoverReport quiet = r;  // a later failover that came without one
  quiet.lost_at += std::chrono::hours(1);
  quiet.leader_at = quiet.lost_at + std::chrono::seconds(5);
  quiet.failure.reset();
  quiet.failure_job_id.clear();
  f->reports.push_back(quiet);
  f->failovers_total = 2;
  c.failover = f;

  const auto j = StatusJson(s);
  const auto& reports = j["clusters"][0]["failovers"];
  REQUIRE(reports.size() == 2);
  const auto& failure = reports[0]["failure"];
  CHECK(failure["job_id"] == "j1");
  CHECK(failure["timestamp"] == "2025-11-25T07:50:09Z");
  CHECK(failure["timestamp_ms"] == 1764057009250);
  CHECK(failure["exception_class"] == "java.util.concurrent.TimeoutException");
  CHECK(failure["message"] ==
        "Heartbeat of TaskManager with id tm-1 timed out.");
  CHECK(failure["task"] == "Source: rows (1/3) - execution #1");
  CHECK(failure["taskmanager"] == "127.0.0.1:40001");
  CHECK(reports[1]["failure"].is_null());

  const std::string text =
      ", failure 2025-11-25T07:50:09Z: "
      "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with "
      "id tm-1 timed out. (task Source: rows (1/3) - execution #1, "
      "TaskManager 127.0.0.1:40001)";
  CHECK(FailoverSummary(r).find(text) != std::string::npos);
  CHECK(FailoverSummary(quiet).find("failure") == std::string::npos);
  // The report the page and `status` print lists it with its failover.
  CHECK(Find(Lines(s), text.substr(2)));
  // `status` reads the running exporter's JSON: the same words.
  const auto history = FailoverHistory(j);
  REQUIRE(history.size() == 2);
  CHECK(history[1].find(text) != std::string::npos);
  CHECK(history[0].find("failure") == std::string::npos);
}

}  // namespace
}  // namespace flinkha
