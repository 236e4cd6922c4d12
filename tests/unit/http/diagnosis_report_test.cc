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

}  // namespace
}  // namespace flinkha
