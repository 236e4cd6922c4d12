// /api/v1/status: the TaskManagers of the preferred JobManager and the lost
// ones, with times in RFC 3339.
#include "http/status_json.h"

#include <catch2/catch.hpp>

#include "support/full_snapshot.h"

namespace flinkha {
namespace {

using std::chrono::seconds;

TEST_CASE("Status JSON lists TaskManagers and the lost ones newest first",
          "[http][status_json]") {
  Snapshot s;
  ClusterState& c = s.clusters["prod"];
  c.name = "prod";
  auto cfg = std::make_shared<ClusterConfig>();
  cfg->name = "prod";
  cfg->jobmanagers = {{"jm-1", "http://localhost:8081", "jobmanager:8081"}};
  c.config = cfg;
  auto o = std::make_shared<JobManagerObservation>();
  o->up = true;
  o->overview = ClusterOverview{1, 4, 1};
  c.jobmanagers["jm-1"] = o;
  auto v = std::make_shared<TaskManagerView>();
  v->jobmanager = "jm-1";
  v->listed_at = TimePoint(seconds(1700000010));
  TaskManagerSummary tm;
  tm.id = "127.0.0.1:40123-4a5b6c";
  tm.address = "127.0.0.1:40123";
  tm.slots_number = 4;
  tm.free_slots = 1;
  tm.last_heartbeat_ms = 1700000008500;
  v->taskmanagers.push_back(tm);
  v->lost_total = 2;
  v->lost.push_back({"old", "10.0.0.8:6122", TimePoint(seconds(1699999000)),
                     TimePoint(seconds(1699999005)),
                     TimePoint(seconds(1699999065))});
  v->lost.push_back({"new", "10.0.0.9:6122", TimePoint(seconds(1700000000)),
                     TimePoint(seconds(1700000001)),
                     TimePoint(seconds(1700000061))});
  c.taskmanagers = v;

  testing::RefreshFacts(s);
  const nlohmann::json j = StatusJson(s)["clusters"][0];
  CHECK(j["taskmanagers_registered"] == 1);
  CHECK(j["taskmanagers_from"] == "jm-1");
  CHECK(j["taskmanagers_listed_at"] == "2023-11-14T22:13:30Z");
  CHECK(j["taskmanagers_lost_total"] == 2);
  REQUIRE(j["taskmanagers"].size() == 1);
  const auto& t = j["taskmanagers"][0];
  CHECK(t["id"] == "127.0.0.1:40123-4a5b6c");
  CHECK(t["address"] == "127.0.0.1:40123");
  CHECK(t["slots"] == 4);
  CHECK(t["slots_available"] == 1);
  CHECK(t["last_heartbeat"] == "2023-11-14T22:13:28Z");
  CHECK(t["heartbeat_age_seconds"].get<double>() == Approx(1.5));
  REQUIRE(j["lost_taskmanagers"].size() == 2);
  CHECK(j["lost_taskmanagers"][0]["id"] == "new");
  CHECK(j["lost_taskmanagers"][0]["lost_at"] == "2023-11-14T22:13:21Z");
  CHECK(j["lost_taskmanagers"][0]["last_seen"] == "2023-11-14T22:13:20Z");
  CHECK(j["lost_taskmanagers"][0]["counted_at"] == "2023-11-14T22:14:21Z");
  CHECK(j["lost_taskmanagers"][1]["id"] == "old");
}

TEST_CASE("Status JSON of a cluster without a view has empty lists",
          "[http][status_json]") {
  Snapshot s;
  s.clusters["prod"].name = "prod";
  testing::RefreshFacts(s);
  const nlohmann::json j = StatusJson(s)["clusters"][0];
  CHECK(j["taskmanagers"].empty());
  CHECK(j["lost_taskmanagers"].empty());
  CHECK_FALSE(j.contains("taskmanagers_lost_total"));
}

}  // namespace
}  // namespace flinkha
