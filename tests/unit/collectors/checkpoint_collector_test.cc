// CheckpointCollector: the contract's series with their labels, and no
// placeholder values.
#include "collectors/checkpoint_collector.h"

#include <catch2/catch.hpp>
#include <limits>

#include "collectors/collector.h"
#include "model/checkpoint_parsers.h"
#include "support/fake_flink.h"
#include "support/golden.h"

namespace flinkha {
namespace {

using testing::HasLine;
using testing::ReadFlinkFixture;

std::string Render(const Snapshot& s) {
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<CheckpointCollector>());
  return RenderMetrics(collectors, s);
}

TEST_CASE("CheckpointCollector exports the checkpoint series of each job",
          "[collectors]") {
  auto stats = ParseCheckpointStats(ReadFlinkFixture("1.18/checkpoints.json"));
  REQUIRE(stats.ok());
  auto o = std::make_shared<JobCheckpointObservation>();
  o->job_id = "j1";
  o->job_name = "csv-writer";
  o->stats = *stats;
  o->last_completed_ever = stats->latest_completed;
  o->config = CheckpointConfigInfo{60000, 600000, 0, "exactly_once", 3, true};
  Snapshot s;
  s.clusters["prod"].checkpoints["j1"] = o;
  const std::string text = Render(s);
  const std::string l =
      R"({flink_cluster="prod",job_id="j1",job_name="csv-writer"})";
  CHECK(HasLine(text, "flinkha_checkpoints_completed" + l + " 24"));
  CHECK(HasLine(text, "flinkha_checkpoints_failed" + l + " 1"));
  CHECK(HasLine(text, "flinkha_checkpoints_in_progress" + l + " 1"));
  CHECK(HasLine(text, "flinkha_checkpoints_restored" + l + " 1"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_completed_timestamp_seconds" +
                          l + " 1717002521.83"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_completed_id" + l + " 42"));
  CHECK(
      HasLine(text, "flinkha_checkpoint_last_duration_seconds" + l + " 1.83"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_size_bytes" + l + " 48211"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_failure_timestamp_seconds" + l +
                          " 1717002400"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_restore_timestamp_seconds" + l +
                          " 1717000060"));
  CHECK(HasLine(text, "flinkha_checkpoint_last_restored_id" + l + " 17"));
  CHECK(HasLine(text, "flinkha_checkpoint_interval_seconds" + l + " 60"));
  CHECK(HasLine(text, "flinkha_checkpoint_timeout_seconds" + l + " 600"));
  CHECK(HasLine(text, "flinkha_checkpoint_tolerable_failures" + l + " 3"));
  CHECK(text.find("# HELP flinkha_checkpoints_completed ") !=
        std::string::npos);
  CHECK(text.find("GET /jobs/<jid>/checkpoints") != std::string::npos);
  CHECK(text.find("quarter of the job's checkpoint interval") !=
        std::string::npos);
  CHECK(text.find("# TYPE flinkha_checkpoints_completed gauge") !=
        std::string::npos);
}

TEST_CASE("CheckpointCollector omits unknown values instead of placeholders",
          "[collectors]") {
  // Right after a failover: counts 0, nothing completed, failed or known about
  // the config.
  auto stats =
      ParseCheckpointStats(ReadFlinkFixture("1.18/checkpoints_fresh_job.json"));
  REQUIRE(stats.ok());
  auto fresh = std::make_shared<JobCheckpointObservation>();
  fresh->job_id = "j2";
  fresh->job_name = "fresh";
  fresh->stats = *stats;
  CheckpointConfigInfo
      never;  // Long.MAX_VALUE interval: periodic checkpoints off
  never.interval_ms = std::numeric_limits<int64_t>::max();
  never.timeout_ms = 600000;
  fresh->config = never;
  auto unpolled =
      std::make_shared<JobCheckpointObservation>();  // every request failed
  unpolled->job_id = "j3";
  unpolled->job_name = "unpolled";
  Snapshot s;
  s.clusters["prod"].checkpoints["j2"] = fresh;
  s.clusters["prod"].checkpoints["j3"] = unpolled;
  const std::string text = Render(s);
  CHECK(HasLine(
      text,
      R"(flinkha_checkpoints_completed{flink_cluster="prod",job_id="j2",job_name="fresh"} 0)"));
  CHECK(text.find("job_id=\"j3\"") == std::string::npos);
  CHECK(text.find("flinkha_checkpoint_last_completed_timestamp_seconds") ==
        std::string::npos);
  CHECK(text.find("flinkha_checkpoint_last_failure_timestamp_seconds") ==
        std::string::npos);
  CHECK(text.find("flinkha_checkpoint_last_restored_id") == std::string::npos);
  CHECK(text.find("flinkha_checkpoint_interval_seconds") == std::string::npos);
  CHECK(text.find("flinkha_checkpoint_tolerable_failures") ==
        std::string::npos);
  CHECK(HasLine(
      text,
      R"(flinkha_checkpoint_timeout_seconds{flink_cluster="prod",job_id="j2",job_name="fresh"} 600)"));
  CHECK(text.find(" -1\n") == std::string::npos);
  CHECK(text.find("NaN") == std::string::npos);
}

}  // namespace
}  // namespace flinkha
