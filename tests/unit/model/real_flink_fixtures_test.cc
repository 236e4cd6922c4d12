// Every parser against what genuine Apache Flink answered: REST bodies and
// znode bytes recorded by the real-Flink drills (FLINKHA_RECORD_FIXTURES, see
// tests/flink/drills_test.cc) into tests/fixtures/flink-real/<version>/, at
// steady state, with the leader dead (election) and after the recovery.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "model/checkpoint_parsers.h"
#include "model/leader_info.h"
#include "model/rest_parsers.h"
#include "model/zk_layout.h"

namespace flinkha {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot =
    fs::path(FLINKHA_SOURCE_DIR) / "tests/fixtures/flink-real";

std::string Read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> Versions() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kRoot)) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// major * 100 + minor of a version directory name ("2.0.2" -> 200).
int Minor(const std::string& v) {
  const size_t dot = v.find('.');
  return std::stoi(v.substr(0, dot)) * 100 + std::stoi(v.substr(dot + 1));
}

// The znode tree as recorded: "/path [ephemeral] <bytes>" per line.
ZnodeCache TreeCache(const std::string& tree, const std::string& base) {
  ZnodeCache cache;
  std::istringstream in(tree);
  std::map<std::string, std::vector<std::string>> children;
  for (std::string line; std::getline(in, line);) {
    const std::string rel = line.substr(0, line.find(' '));
    const std::string path = rel.empty() ? base : base + rel;
    children[path];
    if (!rel.empty()) {
      const std::string parent = path.substr(0, path.rfind('/'));
      children[parent].push_back(path.substr(path.rfind('/') + 1));
    }
  }
  for (auto& [path, kids] : children) cache.children[path] = kids;
  return cache;
}

TEST_CASE("Real Flink recordings: every pinned version is recorded",
          "[model][real_flink]") {
  const auto versions = Versions();
  int pinned = 0;
  for (const auto& e : fs::directory_iterator(fs::path(FLINKHA_SOURCE_DIR) /
                                              "flink/versions")) {
    const std::string v = e.path().filename().string();
    INFO("flink/versions/" << v);
    CHECK(std::find(versions.begin(), versions.end(), v) != versions.end());
    ++pinned;
  }
  CHECK(pinned >= 7);  // 1.18 to 2.3, one patch release each
}

TEST_CASE("Real Flink recordings: REST payloads parse to what Flink ran",
          "[model][real_flink]") {
  for (const auto& v : Versions()) {
    INFO("Flink " << v);
    const fs::path d = kRoot / v;
    auto config = ParseFlinkConfig(Read(d / "config.json"));
    REQUIRE(config.ok());
    CHECK(config.value().flink_version == v);
    auto ov = ParseOverview(Read(d / "overview.json"));
    REQUIRE(ov.ok());
    CHECK(ov.value().taskmanagers == 3);
    CHECK(ov.value().slots_total == 12);
    // The standby forwards to the leader: the same cluster.
    auto standby = ParseOverview(Read(d / "overview_standby.json"));
    REQUIRE(standby.ok());
    CHECK(standby.value().taskmanagers == 3);
    auto jobs = ParseJobsOverview(Read(d / "jobs_overview.json"));
    REQUIRE(jobs.ok());
    REQUIRE(jobs.value().size() == 1);
    CHECK(jobs.value()[0].state == "RUNNING");
    CHECK(IsJobId(jobs.value()[0].id));
    auto tms = ParseTaskManagers(Read(d / "taskmanagers.json"));
    REQUIRE(tms.ok());
    REQUIRE(tms.value().size() == 3);
    for (const auto& tm : tms.value()) {
      CHECK(tm.slots_number == 4);
      CHECK(tm.free_slots == 3);  // one task on each (evenly spread)
      CHECK(tm.last_heartbeat_ms > 1'700'000'000'000);
    }
    auto ckc = ParseCheckpointConfig(Read(d / "checkpoints_config.json"));
    REQUIRE(ckc.ok());
    // The drills' interval: 3 s when 1.20.5 and 2.3.0 were recorded, 2 s for
    // the version matrix.
    CHECK((ckc.value().interval_ms == 3000 || ckc.value().interval_ms == 2000));
    CHECK(ckc.value().mode == "exactly_once");
    auto ck = ParseCheckpointStats(Read(d / "checkpoints.json"));
    REQUIRE(ck.ok());
    REQUIRE(ck.value().latest_completed);
    CHECK(ck.value().latest_completed->id >= 1);
    CHECK_FALSE(ck.value().latest_restored);
    auto restarts = ParseJobMetricValue(Read(d / "metrics_restarts.json"),
                                        {"numRestarts", "fullRestarts"});
    REQUIRE(restarts.ok());
    CHECK(restarts.value() == 0);
    // After the leader's SIGKILL the new JobMaster counts from zero and names
    // the checkpoint it restored.
    auto after =
        ParseCheckpointStats(Read(d / "checkpoints_after_failover.json"));
    REQUIRE(after.ok());
    REQUIRE(after.value().latest_restored);
    CHECK(after.value().latest_restored->id >= ck.value().latest_completed->id);
    CHECK(after.value().restored == 1);
    auto jobs_after =
        ParseJobsOverview(Read(d / "jobs_overview_after_failover.json"));
    REQUIRE(jobs_after.ok());
    CHECK(jobs_after.value()[0].id == jobs.value()[0].id);
  }
}

TEST_CASE("Real Flink recordings: znodes, layout and leader sessions",
          "[model][real_flink]") {
  const std::string base = "/flink/realtime-pipeline";
  for (const auto& v : Versions()) {
    INFO("Flink " << v);
    const fs::path d = kRoot / v;
    const std::string tree = Read(d / "znodes.txt");
    const ZnodeCache cache = TreeCache(tree, base);
    // The JobMaster's leader node is job-<jid> from 1.19, <jid> before.
    REQUIRE(DetectLayout(cache, base) ==
            (Minor(v) >= 119 ? ZkLayout::k1_19 : ZkLayout::k1_15));
    // connection_info written by a real JVM: writeUTF(address) +
    // writeObject(UUID); every component of the leader shares its session.
    auto rest = ParseLeaderInfo(
        Read(d / "znode_leader_rest_server_connection_info.bin"));
    REQUIRE(rest.ok());
    REQUIRE(rest.value());
    CHECK(rest.value()->address.rfind("http://127.0.0.1:", 0) == 0);
    for (const char* c : {"dispatcher", "resource_manager"}) {
      INFO(c);
      auto l = ParseLeaderInfo(Read(
          d / (std::string("znode_leader_") + c + "_connection_info.bin")));
      REQUIRE(l.ok());
      REQUIRE(l.value());
      CHECK(l.value()->address.rfind("pekko.tcp://flink@127.0.0.1:", 0) == 0);
      CHECK(l.value()->session_id == rest.value()->session_id);
    }
    // The checkpoint pointer where 1.14+ keeps it, found by the watcher's
    // own path logic.
    ZkObservation obs;
    ZnodeCache with_data = cache;
    FillObservation(std::nullopt, with_data, base, &obs);
    REQUIRE(obs.latest_checkpoint_ids.size() == 1);
    CHECK(obs.latest_checkpoint_ids.begin()->second >= 1);
    CHECK(obs.contenders.at("shared") == 2);
    // With the leader dead, ZooKeeper still names it (its session has not
    // expired): the reason a failover starts at the REST evidence.
    const ZnodeCache dead = TreeCache(Read(d / "znodes_leader_dead.txt"), base);
    ZkObservation during;
    FillObservation(std::nullopt, dead, base, &during);
    CHECK(during.contenders.at("shared") == 2);
    const ZnodeCache after =
        TreeCache(Read(d / "znodes_after_failover.txt"), base);
    ZkObservation later;
    FillObservation(std::nullopt, after, base, &later);
    CHECK(later.contenders.at("shared") == 1);
  }
}

TEST_CASE("Real Flink recordings: where each version keeps its job graphs",
          "[model][real_flink]") {
  // jobgraphs/<jid> up to 1.20, execution-plans/<jid> from 2.0, and an
  // applications node beside it from 2.3; checkpoints under jobs/<jid> in
  // every version; the job's leader under leader/[job-]<jid>.
  for (const auto& v : Versions()) {
    INFO("Flink " << v);
    const std::string tree = Read(kRoot / v / "znodes.txt");
    auto jobs = ParseJobsOverview(Read(kRoot / v / "jobs_overview.json"));
    REQUIRE(jobs.ok());
    REQUIRE(jobs.value().size() == 1);
    const std::string jid = jobs.value()[0].id;
    auto has = [&](const std::string& node) {
      return tree.find("\n" + node + " ") != std::string::npos;
    };
    CHECK(has("/jobgraphs/" + jid) == (Minor(v) < 200));
    CHECK(has("/execution-plans/" + jid) == (Minor(v) >= 200));
    CHECK(has("/applications") == (Minor(v) >= 203));
    CHECK(has("/jobs/" + jid + "/checkpoint_id_counter"));
    CHECK(has("/leader/" + std::string(Minor(v) >= 119 ? "job-" : "") + jid +
              "/connection_info"));
  }
}

}  // namespace
}  // namespace flinkha
