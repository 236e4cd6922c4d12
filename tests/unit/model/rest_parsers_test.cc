// Table tests of the JobManager REST parsers over hand-made bodies in the
// shapes of Flink 1.13 to 1.18 and bad bodies.
#include "model/rest_parsers.h"

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <set>

#include "support/fake_flink.h"

namespace flinkha {
namespace {

using testing::ReadFlinkFixture;

// Hand-made bodies in the shapes of these versions (tests/fixtures/flink-rest/
// README.md): scenarios a real recording lacks (several job states, a failed
// checkpoint). What real Flink 1.18.1 to 2.3.0 answered is replayed by
// real_flink_fixtures_test.cc.
const char* const kVersions[] = {"1.14", "1.15", "1.17", "1.18"};

TEST_CASE("ParseFlinkConfig reads version and revision of every Flink version",
          "[model][rest]") {
  const std::map<std::string, std::string> want = {{"1.14", "1.14.6"},
                                                   {"1.15", "1.15.4"},
                                                   {"1.17", "1.17.2"},
                                                   {"1.18", "1.18.1"}};
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto c =
        ParseFlinkConfig(ReadFlinkFixture(std::string(v) + "/config.json"));
    REQUIRE(c.ok());
    CHECK(c->flink_version == want.at(v));
    CHECK(c->flink_revision.find(" @ ") != std::string::npos);
  }
}

TEST_CASE("ParseOverview reads the cluster overview of every Flink version",
          "[model][rest]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto o = ParseOverview(ReadFlinkFixture(std::string(v) + "/overview.json"));
    REQUIRE(o.ok());
    CHECK(o->taskmanagers == 2);
    CHECK(o->slots_total == 8);
    CHECK(o->slots_available == 3);
  }
}

TEST_CASE("ParseOverview accepts Flink 1.13 without flink-version",
          "[model][rest]") {
  auto o = ParseOverview(ReadFlinkFixture("1.13/overview.json"));
  REQUIRE(o.ok());
  CHECK(o->taskmanagers == 1);
  CHECK(o->slots_available == 4);
}

TEST_CASE("ParseJobsOverview reads jobs in every state of every version",
          "[model][rest]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto jobs = ParseJobsOverview(
        ReadFlinkFixture(std::string(v) + "/jobs_overview.json"));
    REQUIRE(jobs.ok());
    REQUIRE(jobs->size() >= 5);
    const JobSummary& running = jobs->front();
    CHECK(running.id == "d4f5e2a1c3b7a9e8f0d1c2b3a4e5f6a7");
    CHECK(running.name == "csv-writer");
    CHECK(running.state == "RUNNING");
    CHECK(running.start_time_ms == 1717000000000);
    CHECK(running.last_modification_ms == 1717000005000);
    CHECK((*jobs)[1].name == "orders \"enrichment\"");
    std::set<std::string> states;
    for (const auto& j : *jobs) states.insert(j.state);
    for (const char* s :
         {"RUNNING", "RESTARTING", "FINISHED", "CANCELED", "FAILED"}) {
      CHECK(states.count(s) == 1);
    }
  }
}

TEST_CASE("ParseTaskManagers ignores the hardware it does not use",
          "[model][rest]") {
  auto tms = ParseTaskManagers(
      R"({"taskmanagers":[{"id":"t","slotsNumber":2,"freeSlots":1,)"
      R"("hardware":{"cpuCores":"many"}}]})");
  REQUIRE(tms.ok());
  CHECK(tms->front().slots_number == 2);
}

TEST_CASE("ParseTaskManagers reads slots and heartbeats of every version",
          "[model][rest]") {
  for (const char* v : kVersions) {
    INFO("version " << v);
    auto tms = ParseTaskManagers(
        ReadFlinkFixture(std::string(v) + "/taskmanagers.json"));
    REQUIRE(tms.ok());
    REQUIRE(tms->size() == 2);
    CHECK((*tms)[0].slots_number == 4);
    CHECK((*tms)[0].free_slots == 1);
    CHECK((*tms)[1].free_slots == 2);
    CHECK((*tms)[0].last_heartbeat_ms == 1717000003000);
    CHECK((*tms)[0].path.find(".tcp://flink@172.18.0.5:6122") !=
          std::string::npos);
    CHECK((*tms)[0].id == "172.18.0.5:35120-8a0c3f");
    CHECK((*tms)[0].address == "172.18.0.5:6122");
    CHECK((*tms)[1].address == "172.18.0.6:6122");
  }
}

TEST_CASE("ParseTaskManagers takes a Flink 2.3 item and ignores new fields",
          "[model][rest]") {
  // As Flink 2.3 answers (assignedTasks is new); the second one has no path.
  auto tms = ParseTaskManagers(
      R"({"taskmanagers":[{"id":"127.0.0.1:40123-4a5b6c",)"
      R"("path":"pekko.tcp://flink@127.0.0.1:40123/user/rpc/taskmanager_0",)"
      R"("dataPort":40125,"jmxPort":-1,"timeSinceLastHeartbeat":1764629462123,)"
      R"("slotsNumber":4,"freeSlots":1,"totalResource":{"cpuCores":2.0},)"
      R"("freeResource":{"cpuCores":0.5},"hardware":{"cpuCores":2,)"
      R"("physicalMemory":8000000000,"freeMemory":1,"managedMemory":2},)"
      R"("memoryConfiguration":{"taskHeap":1},"blocked":false,)"
      R"("assignedTasks":[{"jobId":"j","taskName":"t"}]},)"
      R"({"id":"tm-2","slotsNumber":2,"freeSlots":2}]})");
  REQUIRE(tms.ok());
  REQUIRE(tms->size() == 2);
  CHECK((*tms)[0].id == "127.0.0.1:40123-4a5b6c");
  CHECK((*tms)[0].address == "127.0.0.1:40123");
  CHECK((*tms)[0].last_heartbeat_ms == 1764629462123);
  CHECK((*tms)[0].slots_number == 4);
  CHECK((*tms)[0].free_slots == 1);
  CHECK((*tms)[1].id == "tm-2");
  CHECK((*tms)[1].address.empty());
  CHECK((*tms)[1].last_heartbeat_ms == 0);
}

TEST_CASE("RpcHostPort reduces an RPC address to host:port", "[model][rest]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pekko.tcp://flink@127.0.0.1:40123/user/rpc/taskmanager_0",
       "127.0.0.1:40123"},
      {"akka.tcp://flink@TaskManager-1.example:6122/user/rpc/taskmanager_0",
       "taskmanager-1.example:6122"},
      {"pekko.ssl.tcp://flink@10.0.0.7:6122/user/rpc/taskmanager_3",
       "10.0.0.7:6122"},
      {"pekko.tcp://flink@[::1]:6122/user/rpc/taskmanager_0", "[::1]:6122"},
      {"pekko.tcp://flink@host:6122", "host:6122"},
      {"pekko://flink/user/rpc/taskmanager_0", ""},  // local actor, no host
      {"pekko.tcp://flink@host/user/rpc/x", ""},     // no port
      {"pekko.tcp://flink@host:99999/user/rpc/x", ""},
      {"pekko.tcp://flink@:6122/user/rpc/x", ""},
      {"127.0.0.1:6122", ""},  // not an RPC URL
      {"", ""},
  };
  for (const auto& [in, want] : cases) {
    INFO(in);
    CHECK(RpcHostPort(in) == want);
  }
}

// Each bad body and the exact message the parser gives for it.
struct BadCase {
  const char* what;
  std::function<Status(const std::string&)> parse;
  std::string body;
  std::string message;  // exact, or a prefix when ending with "..."
};

template <typename T>
std::function<Status(const std::string&)> AsStatus(
    Result<T> (*fn)(std::string_view)) {
  return [fn](const std::string& b) -> Status {
    auto r = fn(b);
    if (r.ok()) return Ok{};
    return r.error();
  };
}

TEST_CASE("REST parsers reject bad bodies with the field path",
          "[model][rest]") {
  const std::vector<BadCase> cases = {
      {"empty body", AsStatus(ParseOverview),
       ReadFlinkFixture("malformed/empty.json"), "invalid JSON: empty body"},
      {"truncated", AsStatus(ParseOverview),
       ReadFlinkFixture("malformed/overview_truncated.json"),
       "invalid JSON: parse error at line 1, column 44: ..."},
      {"html from a proxy", AsStatus(ParseJobsOverview),
       ReadFlinkFixture("malformed/bad_gateway.html"),
       "invalid JSON: parse error at line 1..."},
      {"string count", AsStatus(ParseOverview),
       ReadFlinkFixture("malformed/overview_wrong_type.json"),
       "taskmanagers: expected an integer, found string"},
      {"string start-time", AsStatus(ParseJobsOverview),
       ReadFlinkFixture("malformed/jobs_overview_wrong_type.json"),
       "jobs[2].start-time: expected an integer, found string"},
      {"jobs not an array", AsStatus(ParseJobsOverview),
       ReadFlinkFixture("malformed/jobs_overview_not_array.json"),
       "jobs: expected an array, found object"},
      {"null freeSlots", AsStatus(ParseTaskManagers),
       ReadFlinkFixture("malformed/taskmanagers_null_slots.json"),
       "taskmanagers[1].freeSlots: expected an integer, found null"},
      {"top level array", AsStatus(ParseFlinkConfig),
       ReadFlinkFixture("malformed/top_level_array.json"),
       "expected a JSON object, found array"},
      {"missing field", AsStatus(ParseFlinkConfig), R"({"flink-revision":"x"})",
       "flink-version: expected a string, the field is missing"},
      {"fractional count", AsStatus(ParseOverview),
       R"({"taskmanagers":1.5,"slots-total":1,"slots-available":1,"jobs-running":0,)"
       R"("jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0})",
       "taskmanagers: expected an integer, found a fractional number 1.5"},
      {"job not an object", AsStatus(ParseJobsOverview), R"({"jobs":[7]})",
       "jobs[0]: expected an object, found an integer"},
      {"huge integer", AsStatus(ParseOverview),
       R"({"taskmanagers":18446744073709551615,"slots-total":1,"slots-available":1,)"
       R"("jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0})",
       "taskmanagers: expected an integer, found out of range number "
       "18446744073709551615"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Status st = c.parse(c.body);
    REQUIRE_FALSE(st.ok());
    if (c.message.size() > 3 &&
        c.message.compare(c.message.size() - 3, 3, "...") == 0) {
      const std::string prefix = c.message.substr(0, c.message.size() - 3);
      CHECK(st.error().message.substr(0, prefix.size()) == prefix);
    } else {
      CHECK(st.error().message == c.message);
    }
  }
}

TEST_CASE("Integral floats are accepted as integers", "[model][rest]") {
  auto o = ParseOverview(
      R"({"taskmanagers":2.0,"slots-total":8,"slots-available":3,"jobs-running":1,)"
      R"("jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"unknown":{"x":[1]}})");
  REQUIRE(o.ok());
  CHECK(o->taskmanagers == 2);
}

TEST_CASE(
    "ParseJobMetricValue prefers numRestarts and falls back to fullRestarts",
    "[model][rest]") {
  const std::vector<std::string> ids = {"numRestarts", "fullRestarts"};
  auto v =
      ParseJobMetricValue(ReadFlinkFixture("1.18/metrics_restarts.json"), ids);
  REQUIRE(v.ok());
  REQUIRE(v->has_value());
  CHECK(**v == 2);

  auto old =
      ParseJobMetricValue(ReadFlinkFixture("1.13/metrics_restarts.json"), ids);
  REQUIRE(old.ok());
  REQUIRE(old->has_value());
  CHECK(**old == 5);

  auto both = ParseJobMetricValue(
      R"([{"id":"fullRestarts","value":"9"},{"id":"numRestarts","value":"3"}])",
      ids);
  REQUIRE(both.ok());
  CHECK(both->value() == 3);

  auto none =
      ParseJobMetricValue(ReadFlinkFixture("1.18/metrics_empty.json"), ids);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto as_double =
      ParseJobMetricValue(R"([{"id":"numRestarts","value":"4.0"}])", ids);
  REQUIRE(as_double.ok());
  CHECK(as_double->value() == 4);

  auto bad = ParseJobMetricValue(
      ReadFlinkFixture("malformed/metrics_bad_value.json"), ids);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "[0].value: expected an integer in a string, found \"many\"");

  auto not_array = ParseJobMetricValue(R"({"id":"numRestarts"})", ids);
  REQUIRE_FALSE(not_array.ok());
  CHECK(not_array.error().message ==
        "expected a JSON array of metrics, found object");

  auto number_value =
      ParseJobMetricValue(R"([{"id":"numRestarts","value":3}])", ids);
  REQUIRE_FALSE(number_value.ok());
  CHECK(number_value.error().message ==
        "[0].value: expected a string, found an integer");
}

TEST_CASE("IsLeaderElectionAnswer recognizes only Flink's 503 election answer",
          "[model][rest]") {
  const std::string election =
      ReadFlinkFixture("errors/leader_election_503.json");
  CHECK(IsLeaderElectionAnswer(503, election));
  CHECK_FALSE(IsLeaderElectionAnswer(200, election));
  CHECK_FALSE(IsLeaderElectionAnswer(503, "<html>Service Unavailable</html>"));
  CHECK_FALSE(
      IsLeaderElectionAnswer(503, R"({"errors":["Internal server error."]})"));
  CHECK_FALSE(IsLeaderElectionAnswer(503, ""));
}

TEST_CASE("FlinkErrorMessage keeps the first line of the first error",
          "[model][rest]") {
  CHECK(FlinkErrorMessage(ReadFlinkFixture("errors/taskmanagers_404.json")) ==
        "Cannot connect to ResourceManager right now. Please try to refresh.");
  CHECK(FlinkErrorMessage(ReadFlinkFixture("errors/internal_500.json")) ==
        "Internal server error.");
  CHECK(FlinkErrorMessage("garbage").empty());
  CHECK(FlinkErrorMessage(R"({"errors":[]})").empty());
  CHECK(FlinkErrorMessage(R"({"errors":[")" + std::string(500, 'x') + "\"]}")
            .size() == 200);
}

}  // namespace
}  // namespace flinkha
