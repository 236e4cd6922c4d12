// Table tests of the checkpoint parsers over hand-made bodies in the shapes of
// Flink 1.13 to 1.18 and bad bodies.
#include "model/checkpoint_parsers.h"

#include <catch2/catch.hpp>

#include "support/fake_flink.h"

namespace flinkha {
namespace {

using testing::ReadFlinkFixture;

// Hand-made bodies in the shapes of these versions (tests/fixtures/flink-rest/
// README.md): scenarios a real recording lacks (several job states, a failed
// checkpoint). What real Flink 1.18.1 to 2.3.0 answered is replayed by
// real_flink_fixtures_test.cc.
const char* const kVersions[] = {"1.14", "1.15", "1.17", "1.18"};

TEST_CASE(
    "ParseCheckpointStats reads counts and latest checkpoints of every version",
    "[model][checkpoints]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    const bool has_checkpointed_size = std::string(v) != "1.14";
    auto s = ParseCheckpointStats(
        ReadFlinkFixture(std::string(v) + "/checkpoints.json"));
    REQUIRE(s.ok());
    CHECK(s->restored == 1);
    CHECK(s->total == 26);
    CHECK(s->in_progress == 1);
    CHECK(s->completed == 24);
    CHECK(s->failed == 1);
    REQUIRE(s->latest_completed);
    CHECK(s->latest_completed->id == 42);
    CHECK(s->latest_completed->trigger_timestamp_ms == 1717002520000);
    CHECK(s->latest_completed->latest_ack_timestamp_ms == 1717002521830);
    CHECK(s->latest_completed->end_to_end_duration_ms == 1830);
    // Before 1.15 there is only state_size, which stands in for
    // checkpointed_size.
    CHECK(s->latest_completed->checkpointed_size_bytes ==
          (has_checkpointed_size ? 48211 : 4 * 48211));
    CHECK(s->latest_completed->state_size_bytes == 4 * 48211);
    CHECK_FALSE(s->latest_completed->is_savepoint);
    CHECK(s->latest_completed->external_path.find("chk-42") !=
          std::string::npos);
    REQUIRE(s->latest_savepoint);
    CHECK(s->latest_savepoint->id == 40);
    CHECK(s->latest_savepoint->is_savepoint);
    REQUIRE(s->latest_failed);
    CHECK(s->latest_failed->id == 41);
    CHECK(s->latest_failed->failure_timestamp_ms == 1717002400000);
    CHECK(s->latest_failed->failure_message ==
          "Checkpoint expired before completing.");
    REQUIRE(s->latest_restored);
    CHECK(s->latest_restored->id == 17);
    CHECK(s->latest_restored->restore_timestamp_ms == 1717000060000);
    CHECK_FALSE(s->latest_restored->is_savepoint);
  }
}

TEST_CASE("ParseCheckpointStats takes a job right after a failover",
          "[model][checkpoints]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto s = ParseCheckpointStats(
        ReadFlinkFixture(std::string(v) + "/checkpoints_after_failover.json"));
    REQUIRE(s.ok());
    CHECK(s->completed == 0);
    CHECK(s->total == 0);
    CHECK_FALSE(s->latest_completed);
    CHECK_FALSE(s->latest_failed);
    REQUIRE(s->latest_restored);
    CHECK(s->latest_restored->id == 42);
  }
}

TEST_CASE("ParseCheckpointStats takes a fresh job with NaN percentiles",
          "[model][checkpoints]") {
  auto s =
      ParseCheckpointStats(ReadFlinkFixture("1.18/checkpoints_fresh_job.json"));
  REQUIRE(s.ok());
  CHECK(s->completed == 0);
  CHECK_FALSE(s->latest_completed);
  CHECK_FALSE(s->latest_savepoint);
  CHECK_FALSE(s->latest_restored);
}

TEST_CASE("ParseCheckpointStats takes Flink 1.13 without checkpointed_size",
          "[model][checkpoints]") {
  auto s = ParseCheckpointStats(ReadFlinkFixture("1.13/checkpoints.json"));
  REQUIRE(s.ok());
  REQUIRE(s->latest_completed);
  CHECK(s->latest_completed->checkpointed_size_bytes == 7340);
  CHECK(s->latest_completed->state_size_bytes == 7340);
}

TEST_CASE("ParseCheckpointStats accepts a body without latest",
          "[model][checkpoints]") {
  auto s = ParseCheckpointStats(
      R"({"counts":{"restored":0,"total":0,"in_progress":0,"completed":0,"failed":0}})");
  REQUIRE(s.ok());
  CHECK_FALSE(s->latest_completed);
}

TEST_CASE(
    "ParseCheckpointConfig reads interval, timeout and tolerable failures",
    "[model][checkpoints]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto c = ParseCheckpointConfig(
        ReadFlinkFixture(std::string(v) + "/checkpoints_config.json"));
    REQUIRE(c.ok());
    CHECK(c->interval_ms == 60000);
    CHECK(c->timeout_ms == 600000);
    CHECK(c->min_pause_ms == 0);
    CHECK(c->mode == "exactly_once");
    CHECK(c->tolerable_failed_checkpoints == 3);
    CHECK(c->tolerable_failed_checkpoints_known);
  }
  auto old = ParseCheckpointConfig(
      R"({"mode":"at_least_once","interval":5000,"timeout":10000})");
  REQUIRE(old.ok());
  CHECK(old->interval_ms == 5000);
  CHECK_FALSE(old->tolerable_failed_checkpoints_known);
}

TEST_CASE("Checkpoint parsers reject bad bodies with the field path",
          "[model][checkpoints]") {
  struct Case {
    const char* what;
    std::string body;
    std::string message;
  };
  const std::vector<Case> stats_cases = {
      {"missing count",
       ReadFlinkFixture("malformed/checkpoints_missing_count.json"),
       "counts.completed: expected an integer, the field is missing"},
      {"string id", ReadFlinkFixture("malformed/checkpoints_wrong_type.json"),
       "latest.completed.id: expected an integer, found string"},
      {"empty", "", "invalid JSON: empty body"},
      {"counts null", R"({"counts":null})",
       "counts: expected an object, found null"},
      {"latest wrong",
       R"({"counts":{"restored":0,"total":0,"in_progress":0,"completed":0,)"
       R"("failed":0},"latest":[]})",
       "latest: expected an object, found array"},
      {"restored without timestamp",
       R"({"counts":{"restored":1,"total":0,"in_progress":0,"completed":0,"failed":0},)"
       R"("latest":{"completed":null,"restored":{"id":3}}})",
       "latest.restored.restore_timestamp: expected an integer, the field is "
       "missing"},
      {"completed without sizes",
       R"({"counts":{"restored":0,"total":1,"in_progress":0,"completed":1,"failed":0},)"
       R"("latest":{"completed":{"id":1,"trigger_timestamp":1,"latest_ack_timestamp":2,)"
       R"("end_to_end_duration":1}}})",
       "latest.completed.state_size: expected an integer, the field is "
       "missing"},
  };
  for (const auto& c : stats_cases) {
    INFO(c.what);
    auto s = ParseCheckpointStats(c.body);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == c.message);
  }
  auto cfg = ParseCheckpointConfig(R"({"interval":"60s","timeout":1})");
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().message == "interval: expected an integer, found string");
  auto truncated = ParseCheckpointConfig(R"({"interval":600)");
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().message.rfind("invalid JSON: parse error", 0) == 0);
}

}  // namespace
}  // namespace flinkha
