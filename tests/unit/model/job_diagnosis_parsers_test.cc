// The exception history and job details parsers over what real Flink 1.20.5
// and 2.3.0 answered (tests/fixtures/flink-real, recorded by
// tests/flink/record_diagnosis.py with the job failing on demand), and bodies
// that are malformed or cut off.
#include "model/job_diagnosis_parsers.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/checkpoint_parsers.h"
#include "model/rest_parsers.h"

namespace flinkha {
namespace {

namespace fs = std::filesystem;

const char* const kVersions[] = {"1.20.5", "2.3.0"};

std::string Recorded(const std::string& version, const std::string& file) {
  const fs::path p = fs::path(FLINKHA_SOURCE_DIR) /
                     "tests/fixtures/flink-real" / version / file;
  std::ifstream f(p, std::ios::binary);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

constexpr char kDrillClass[] = "java.lang.IllegalStateException";
constexpr char kDrillMessage[] =
    "flinkha drill: failure requested by marker file";

TEST_CASE("ParseExceptionHistory: an empty history of both versions",
          "[model][diagnosis]") {
  for (const char* v : kVersions) {
    INFO("Flink " << v);
    auto h = ParseExceptionHistory(Recorded(v, "exceptions_none.json"));
    REQUIRE(h.ok());
    CHECK(h->entries.empty());
    CHECK_FALSE(h->truncated);
  }
}

TEST_CASE(
    "ParseExceptionHistory: the drill's task failure as both versions record "
    "it",
    "[model][diagnosis]") {
  for (const char* v : kVersions) {
    INFO("Flink " << v);
    auto h = ParseExceptionHistory(Recorded(v, "exceptions.json"));
    REQUIRE(h.ok());
    REQUIRE(h->entries.size() == 1);
    const JobException& e = h->entries[0];
    CHECK(e.exception_class == kDrillClass);
    CHECK(e.message == kDrillMessage);
    CHECK(e.timestamp_ms > 1700000000000);
    // The failing subtask of the operator that threw, and its TaskManager.
    CHECK(e.task.rfind("drill-control -> csv-files", 0) == 0);
    CHECK(e.endpoint.rfind("localhost:", 0) == 0);
    CHECK(e.taskmanager_id.find("127.0.0.1:") == 0);
    CHECK(e.labels.empty());
    CHECK(e.concurrent == 0);
  }
}

TEST_CASE(
    "ParseExceptionHistory: 1.20's old root-exception fields beside the "
    "history are ignored, 2.3 has only the history",
    "[model][diagnosis]") {
  const std::string v1 = Recorded("1.20.5", "exceptions.json");
  const std::string v2 = Recorded("2.3.0", "exceptions.json");
  CHECK(v1.find("\"root-exception\"") != std::string::npos);
  CHECK(v1.find("\"location\"") != std::string::npos);
  CHECK(v2.find("\"root-exception\"") == std::string::npos);
  CHECK(v2.find("\"location\"") == std::string::npos);
}

TEST_CASE("ParseExceptionHistory: newest first after a second failure",
          "[model][diagnosis]") {
  auto h = ParseExceptionHistory(
      Recorded("1.20.5", "exceptions_after_checkpoint_failure.json"));
  REQUIRE(h.ok());
  REQUIRE(h->entries.size() == 2);
  CHECK(h->entries[0].exception_class == "java.io.IOException");
  CHECK(h->entries[0].message.rfind("Could not perform checkpoint", 0) == 0);
  CHECK(h->entries[1].exception_class == kDrillClass);
  CHECK(h->entries[0].timestamp_ms > h->entries[1].timestamp_ms);
}

TEST_CASE("ParseExceptionHistory: failure labels and folded failures",
          "[model][diagnosis]") {
  // The recorded entry with labels (FLINK-31894, set by a FailureEnricher)
  // and one concurrent failure added: the drill's job has no enricher.
  std::string body = Recorded("2.3.0", "exceptions.json");
  const std::string labels = "\"failureLabels\":{}";
  REQUIRE(body.find(labels) != std::string::npos);
  body.replace(body.find(labels), labels.size(),
               "\"failureLabels\":{\"type\":\"USER\",\"n\":3}");
  const std::string concurrent = "\"concurrentExceptions\":[]";
  REQUIRE(body.find(concurrent) != std::string::npos);
  body.replace(body.find(concurrent), concurrent.size(),
               "\"concurrentExceptions\":[{\"exceptionName\":\"x\"}]");
  auto h = ParseExceptionHistory(body);
  REQUIRE(h.ok());
  REQUIRE(h->entries.size() == 1);
  CHECK(h->entries[0].labels ==
        std::map<std::string, std::string>{{"type", "USER"}});  // strings only
  CHECK(h->entries[0].concurrent == 1);
}

TEST_CASE("ParseExceptionHistory: malformed and truncated bodies are errors",
          "[model][diagnosis]") {
  const std::string good = Recorded("2.3.0", "exceptions.json");
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"", "empty"},
      {good.substr(0, good.size() / 2), ""},
      {"{}", "exceptionHistory"},
      {R"({"exceptionHistory":{}})", "exceptionHistory.entries"},
      {R"({"exceptionHistory":{"entries":[{"timestamp":1}]}})",
       "exceptionHistory.entries[0].exceptionName"},
      {R"({"exceptionHistory":{"entries":[{"exceptionName":"x","timestamp":"1"}]}})",
       "exceptionHistory.entries[0].timestamp"},
      {R"([1,2])", ""},
  };
  for (const auto& c : cases) {
    INFO(c.body.substr(0, 80));
    auto h = ParseExceptionHistory(c.body);
    REQUIRE_FALSE(h.ok());
    CHECK(h.error().message.find(c.error) != std::string::npos);
  }
}

TEST_CASE("ParseExceptionHistory keeps at most kMaxExceptions entries",
          "[model][diagnosis]") {
  std::string entries;
  for (size_t i = 0; i < kMaxExceptions + 3; ++i) {
    if (i) entries += ",";
    entries +=
        R"({"exceptionName":"E","timestamp":)" + std::to_string(100 - i) + "}";
  }
  auto h = ParseExceptionHistory(
      R"({"exceptionHistory":{"truncated":false,"entries":[)" + entries +
      "]}}");
  REQUIRE(h.ok());
  CHECK(h->entries.size() == kMaxExceptions);
  CHECK(h->truncated);
  CHECK(h->entries.front().timestamp_ms == 100);
}

TEST_CASE("ExceptionMessage: the first line without the class",
          "[model][diagnosis]") {
  CHECK(ExceptionMessage("java.io.IOException: disk full\n\tat x",
                         "java.io.IOException") == "disk full");
  CHECK(ExceptionMessage("java.io.IOException\n\tat x",
                         "java.io.IOException") == "");
  // A wrapper's first line names another class: kept whole.
  CHECK(ExceptionMessage("org.a.B: wrapped\r\n", "java.io.IOException") ==
        "org.a.B: wrapped");
  CHECK(ExceptionMessage(std::string(1000, 'x'), "").size() ==
        kMaxExceptionMessage);
}

TEST_CASE(
    "ParseJobDetails: state, timestamps and vertex times of both versions",
    "[model][diagnosis]") {
  for (const char* v : kVersions) {
    INFO("Flink " << v);
    auto d = ParseJobDetails(Recorded(v, "job.json"));
    REQUIRE(d.ok());
    CHECK(d->state == "RUNNING");
    CHECK(d->now_ms > 1700000000000);
    // The drill's job restarted once: it entered RESTARTING, then RUNNING
    // again; states never entered (0) are left out.
    REQUIRE(d->timestamps.count("RUNNING"));
    REQUIRE(d->timestamps.count("RESTARTING"));
    CHECK(d->timestamps.at("RUNNING") > d->timestamps.at("RESTARTING"));
    CHECK(d->timestamps.at("INITIALIZING") <= d->timestamps.at("CREATED"));
    CHECK_FALSE(d->timestamps.count("FAILED"));
    REQUIRE(d->vertices.size() == 2);
    CHECK(d->vertices[0].name == "Source: rows");
    CHECK(d->vertices[0].parallelism == 3);
    CHECK(d->vertices[1].name.rfind("drill-control", 0) == 0);
    for (const auto& vt : d->vertices) {
      CHECK(vt.backpressured_ms);
      CHECK(vt.idle_ms);
      CHECK(vt.busy_ms);
    }
  }
}

TEST_CASE("ParseJobDetails: NaN busy time and bad bodies",
          "[model][diagnosis]") {
  std::string body = Recorded("2.3.0", "job.json");
  const std::string busy = "\"accumulated-busy-time\":";
  const size_t at = body.find(busy);
  REQUIRE(at != std::string::npos);
  const size_t end = body.find_first_of(",}", at + busy.size());
  body.replace(at, end - at, busy + "\"NaN\"");
  auto d = ParseJobDetails(body);
  REQUIRE(d.ok());
  CHECK_FALSE(d->vertices[0].busy_ms);
  CHECK(d->vertices[0].idle_ms);

  const std::string good = Recorded("1.20.5", "job.json");
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {good.substr(0, good.size() - 10), ""},
      {R"({"state":"RUNNING","vertices":[]})", "now"},
      {R"({"state":"RUNNING","now":1})", "vertices"},
      {R"({"state":"RUNNING","now":1,"timestamps":{"RUNNING":"x"},"vertices":[]})",
       "timestamps.RUNNING"},
      {R"({"state":"RUNNING","now":1,"vertices":[{"id":"a","name":"n","parallelism":1,"metrics":{"accumulated-idle-time":"lots"}}]})",
       "vertices[0].metrics.accumulated-idle-time"},
  };
  for (const auto& c : cases) {
    INFO(c.body.substr(0, 80));
    auto r = ParseJobDetails(c.body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find(c.error) != std::string::npos);
  }
}

TEST_CASE(
    "ParseJobsOverview: tasks running of all, also while a lost TaskManager's "
    "region restarts in a RUNNING job",
    "[model][diagnosis]") {
  for (const char* v : kVersions) {
    INFO("Flink " << v);
    auto steady = ParseJobsOverview(Recorded(v, "jobs_overview_tasks.json"));
    REQUIRE(steady.ok());
    REQUIRE(steady->size() == 1);
    CHECK((*steady)[0].tasks_total == 6);
    CHECK((*steady)[0].tasks_running == 6);
    auto lost = ParseJobsOverview(Recorded(v, "jobs_overview_tm_lost.json"));
    REQUIRE(lost.ok());
    REQUIRE(lost->size() == 1);
    CHECK((*lost)[0].state == "RUNNING");
    CHECK((*lost)[0].tasks_total == 6);
    CHECK((*lost)[0].tasks_running < 6);
  }
  auto bad = ParseJobsOverview(
      R"({"jobs":[{"jid":"a","name":"n","state":"RUNNING","start-time":1,"last-modification":1,"tasks":{"total":"6"}}]})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("jobs[0].tasks.total") != std::string::npos);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE(
    "ParseCheckpointStats: the last failed checkpoint's reason is what the "
    "coordinator saw, the cause is in the exception history",
    "[model][diagnosis]") {
  // The drill failed one snapshot: 1.20 failed over globally (the coordinator
  // suspends), 2.3 restarted the region.
  const std::pair<const char*, const char*> cases[] = {
      {"1.20.5", "Checkpoint Coordinator is suspending."},
      {"2.3.0", "FailoverRegion is restarting."}};
  for (const auto& [v, message] : cases) {
    INFO("Flink " << v);
    auto s = ParseCheckpointStats(Recorded(v, "checkpoints_failed.json"));
    REQUIRE(s.ok());
    REQUIRE(s->latest_failed);
    CHECK(s->latest_failed->failure_message == message);
    CHECK(s->latest_failed->failure_timestamp_ms > 1700000000000);
    auto h = ParseExceptionHistory(
        Recorded(v, "exceptions_after_checkpoint_failure.json"));
    REQUIRE(h.ok());
    REQUIRE(h->entries.size() == 2);
    CHECK(h->entries[0].message.find("Could not perform checkpoint " +
                                     std::to_string(s->latest_failed->id)) !=
          std::string::npos);
  }
  // A checkpoint aborted by the restart is counted, yet 2.3 lists it
  // nowhere: latest.failed stays null.
  auto aborted = ParseCheckpointStats(
      Recorded("2.3.0", "checkpoints_aborted_by_restart.json"));
  REQUIRE(aborted.ok());
  CHECK(aborted->failed == 1);
  CHECK_FALSE(aborted->latest_failed);
}

}  // namespace
}  // namespace flinkha
