// RenderMetrics: HELP/TYPE for every family, no empty families, label values
// escaped.
#include <catch2/catch.hpp>

#include "collectors/collector.h"
#include "collectors/family.h"
#include "support/full_snapshot.h"

namespace flinkha {
namespace {

TEST_CASE("Rendered job metrics escape label values and leak no -1 value",
          "[collectors]") {
  Snapshot s;
  ClusterState& c = s.clusters["prod"];
  c.name = "prod";
  ClusterConfig cfg;
  cfg.name = "prod";
  cfg.jobmanagers = {{"jm-1", "http://localhost:8081", "jobmanager:8081"}};
  c.config = std::make_shared<const ClusterConfig>(cfg);
  auto o = std::make_shared<JobManagerObservation>();
  o->up = true;
  o->overview = ClusterOverview{3, 12, 4};
  o->jobs = std::vector<JobSummary>{
      {"j1", "csv \"writer\"\nnew", "RUNNING", 1700000000000, 1700000000500}};
  c.jobmanagers["jm-1"] = o;
  testing::RefreshFacts(s);
  const std::string text = RenderMetrics(AllCollectors(), s);
  CHECK(text.find("# TYPE flinkha_taskmanagers gauge") != std::string::npos);
  CHECK(text.find("flinkha_taskmanagers{flink_cluster=\"prod\"} 3") !=
        std::string::npos);
  CHECK(text.find(R"(job_name="csv \"writer\"\nnew")") != std::string::npos);
  CHECK(
      text.find(
          R"(flinkha_job_state{flink_cluster="prod",job_id="j1",job_name="csv \"writer\"\nnew",state="RUNNING"} 1)") !=
      std::string::npos);
  CHECK(text.find("flinkha_jobs{flink_cluster=\"prod\",state=\"FAILED\"} 0") !=
        std::string::npos);
  CHECK(text.find(" -1\n") == std::string::npos);  // no -1 value leaks
  // A family with no samples has no HELP line.
  CHECK(text.find("flinkha_jobmanager_leader ") == std::string::npos);
}

}  // namespace
}  // namespace flinkha
