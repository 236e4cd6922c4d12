// The simulated Flink HA cluster behaves as the exporter expects of a real one:
// REST on every JobManager (standbys forward), one leader in ZooKeeper,
// FileSink-style commits, failover.
#include "support/sim_cluster.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/exporter_process.h"

namespace flinkha::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

const std::regex kBucket(R"(\d{4}-\d\d-\d\d--\d\d)");
const std::regex kFinished(R"(part-([0-9a-f-]{36})-(\d+)\.csv)");
const std::regex kInProgress(
    R"(\.part-([0-9a-f-]{36})-(\d+)\.csv\.inprogress\.[0-9a-f-]{36})");

json Body(const HttpResult& r) { return json::parse(r.body, nullptr, false); }

json GetJson(SimCluster& sim, size_t i, const std::string& path) {
  auto r = sim.Get(i, path);
  INFO(path << " -> " << r.status << " " << r.body << r.error);
  REQUIRE(r.status == 200);
  return Body(r);
}

// File names (not paths) in bucket directories under dir matching re.
std::vector<std::string> Files(const std::string& dir, const std::regex& re) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& bucket : fs::directory_iterator(dir, ec)) {
    if (!std::regex_match(bucket.path().filename().string(), kBucket)) continue;
    for (const auto& f : fs::directory_iterator(bucket.path(), ec)) {
      if (std::regex_match(f.path().filename().string(), re)) {
        out.push_back(f.path().filename().string());
      }
    }
  }
  return out;
}

std::string Uuid(const std::string& name, const std::regex& re) {
  std::smatch m;
  return std::regex_match(name, m, re) ? m[1].str() : "";
}

// The newest "CHECKPOINT <id>" a JobManager printed; -1 when none.
int64_t LastCheckpointInLog(SimCluster& sim, size_t i) {
  const std::string log = sim.process(i).Log();
  const size_t at = log.rfind("\nCHECKPOINT ");
  if (at == std::string::npos) return -1;
  return std::stoll(log.substr(at + 12));
}

// The job's completed-checkpoint znodes where Flink 1.14+ keeps them (the
// simulation's default layout is 1.19); 1.13 used checkpoints/<jid>.
std::string CheckpointsDir(SimCluster& sim) {
  return sim.zk_base() + "/jobs/" + sim.job_id() + "/checkpoints";
}

std::vector<std::string> CheckpointPointers(ZkPeek& zk, SimCluster& sim) {
  return zk.Children(CheckpointsDir(sim));
}

TEST_CASE(
    "Both simulated JobManagers answer REST alike and ZooKeeper names one "
    "leader",
    "[sim]") {
  SimCluster sim;
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  REQUIRE(sim.WaitForJobRunning(0, 10s));
  REQUIRE(sim.WaitForJobRunning(1, 10s));
  const std::string jid = sim.job_id();
  REQUIRE(std::regex_match(jid, std::regex("[0-9a-f]{32}")));

  for (size_t i : {0u, 1u}) {
    INFO(sim.name(i));
    json overview = GetJson(sim, i, "/overview");
    CHECK(overview["taskmanagers"] == 2);
    CHECK(overview["slots-total"] == 8);
    CHECK(overview["slots-available"] == 6);  // parallelism 2 holds two slots
    CHECK(overview["jobs-running"] == 1);
    CHECK(overview["flink-version"] == "1.19.1");

    json jobs = GetJson(sim, i, "/jobs/overview")["jobs"];
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0]["jid"] == jid);
    CHECK(jobs[0]["name"] == "sim-job");
    CHECK(jobs[0]["state"] == "RUNNING");
    CHECK(jobs[0]["end-time"] == -1);
    CHECK(jobs[0]["tasks"]["total"] == 4);
    CHECK(jobs[0]["tasks"]["running"] == 4);

    json tms = GetJson(sim, i, "/taskmanagers")["taskmanagers"];
    REQUIRE(tms.size() == 2);
    int free_slots = 0;
    for (const auto& tm : tms) {
      CHECK(tm["slotsNumber"] == 4);
      free_slots += tm["freeSlots"].get<int>();
      CHECK(tm["timeSinceLastHeartbeat"].get<int64_t>() >
            1'000'000'000'000);  // epoch ms
      CHECK(tm["hardware"]["cpuCores"] == 4);
    }
    CHECK(free_slots == 6);

    json config = GetJson(sim, i, "/jobs/" + jid + "/checkpoints/config");
    CHECK(config["interval"] == 500);
    CHECK(config["timeout"] == 600000);
    CHECK(config["min_pause"] == 0);
    CHECK(config["mode"] == "exactly_once");
    CHECK(config["tolerable_failed_checkpoints"] == 0);

    json restarts =
        GetJson(sim, i, "/jobs/" + jid + "/metrics?get=numRestarts");
    REQUIRE(restarts.is_array());
    REQUIRE(restarts.size() == 1);
    CHECK(restarts[0]["id"] == "numRestarts");
    CHECK(restarts[0]["value"] == "0");

    CHECK(GetJson(sim, i, "/config")["flink-version"] == "1.19.1");
    CHECK(sim.Get(i, "/jobs/00000000000000000000000000000000/checkpoints")
              .status == 404);
  }
  // The standby shows the leader's job, not one of its own.
  CHECK(GetJson(sim, 0, "/jobs/overview")["jobs"][0]["start-time"] ==
        GetJson(sim, 1, "/jobs/overview")["jobs"][0]["start-time"]);

  ZkPeek zk(sim.zookeeper().connect_string());
  REQUIRE(zk.connected());
  const std::string base = sim.zk_base();
  auto latch = zk.Children(base + "/leader/latch");
  CHECK(latch.size() == 2);
  for (const auto& c : latch)
    CHECK(std::regex_match(c, std::regex(R"(_c_[0-9a-f-]{36}-latch-\d{10})")));
  auto rest = zk.Get(base + "/leader/rest_server/connection_info");
  REQUIRE(rest.exists);
  CHECK(rest.ephemeral_owner == sim.zk_session(0));
  CHECK(rest.data.rfind("\xAC\xED\x00\x05", 0) == 0);  // Java serialization
  CHECK(rest.data.find(sim.rest_address(0)) != std::string::npos);
  auto dispatcher = zk.Get(base + "/leader/dispatcher/connection_info");
  CHECK(dispatcher.ephemeral_owner == sim.zk_session(0));
  CHECK(dispatcher.data.find(
            "pekko.tcp://flink@127.0.0.1:6123/user/rpc/dispatcher_1") !=
        std::string::npos);
  CHECK(zk.Get(base + "/leader/resource_manager/connection_info")
            .ephemeral_owner == sim.zk_session(0));
  CHECK(zk.Get(base + "/leader/job-" + jid + "/connection_info")
            .ephemeral_owner == sim.zk_session(0));
  auto graph = zk.Get(base + "/jobgraphs/" + jid);
  CHECK(graph.exists);
  CHECK(graph.ephemeral_owner == 0);
  for (const auto& c : zk.Children(base + "/leader")) {
    CHECK(zk.Get(base + "/leader/" + c + "/connection_info").ephemeral_owner !=
          sim.zk_session(1));
  }

  {  // checkpoints commit part files and keep only the newest pointer in
     // ZooKeeper
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT 3\n", 10s));
    auto finished = Files(sim.output_dir(), kFinished);
    CHECK(finished.size() >= 2);
    CHECK(Eventually(
        [&] { return !Files(sim.output_dir(), kInProgress).empty(); }, 3s));
    for (const auto& bucket : fs::directory_iterator(sim.output_dir())) {
      for (const auto& f : fs::directory_iterator(bucket.path())) {
        if (!std::regex_match(f.path().filename().string(), kFinished))
          continue;
        const std::string rows = ReadFile(f.path().string());
        CHECK(std::regex_search(rows,
                                std::regex(R"(^\d+,\d{13},key-\d+,\d+\n)")));
      }
    }

    json cp;
    std::vector<std::string> pointers;
    CHECK(Eventually(
        [&] {
          cp = GetJson(sim, 1, "/jobs/" + jid + "/checkpoints");
          pointers = CheckpointPointers(zk, sim);
          return pointers.size() == 1 && !cp["latest"]["completed"].is_null() &&
                 std::stoll(pointers[0]) ==
                     cp["latest"]["completed"]["id"].get<int64_t>();
        },
        5s));
    REQUIRE(pointers.size() == 1);
    CHECK(std::regex_match(pointers[0], std::regex(R"(\d{19})")));
    // Locked by the leader, as Flink's state handle store does: an ephemeral
    // locks/<uuid> (read again if a newer checkpoint replaced it meanwhile).
    std::vector<std::string> locks;
    ZkPeek::Node lock;
    CHECK(Eventually(
        [&] {
          auto now = CheckpointPointers(zk, sim);
          if (now.size() != 1) return false;
          const std::string node = CheckpointsDir(sim) + "/" + now[0];
          locks = zk.Children(node + "/locks");
          if (locks.size() != 1) return false;
          lock = zk.Get(node + "/locks/" + locks[0]);
          return lock.exists;
        },
        5s));
    REQUIRE(locks.size() == 1);
    CHECK(std::regex_match(locks[0], std::regex(R"([0-9a-f-]{36})")));
    CHECK(lock.ephemeral_owner == sim.zk_session(0));
    CHECK(zk.Get(base + "/jobs/" + jid + "/checkpoint_id_counter").exists);
    // Not at 1.13's place.
    CHECK_FALSE(zk.Get(base + "/checkpoints").exists);
    CHECK_FALSE(zk.Get(base + "/checkpoint-counter").exists);
    CHECK(cp["counts"]["completed"].get<int>() >= 3);
    CHECK(cp["counts"]["restored"] == 0);
    CHECK(cp["counts"]["failed"] == 0);
    CHECK(cp["latest"]["restored"].is_null());
    const json& last = cp["latest"]["completed"];
    CHECK(last["trigger_timestamp"].get<int64_t>() <=
          last["latest_ack_timestamp"].get<int64_t>());
    CHECK(last["end_to_end_duration"].get<int64_t>() >= 0);
    CHECK(last["checkpointed_size"].get<int64_t>() > 0);
    CHECK(last["state_size"].get<int64_t>() > 0);
    CHECK(last["external_path"].get<std::string>().find(
              "/chk-" + pointers[0].substr(pointers[0].find_first_not_of(
                            '0'))) != std::string::npos);
    CHECK(cp["summary"]["end_to_end_duration"]["p50"].is_number());
  }

  {  // a standby with no REST leader in ZooKeeper answers 503 as Flink does
    REQUIRE(zk.Delete(base + "/leader/rest_server/connection_info"));
    auto r = sim.Get(1, "/overview");
    CHECK(r.status == 503);
    CHECK(
        r.body ==
        R"({"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]})");
    CHECK(sim.Get(1, "/config").status == 503);
    CHECK(sim.Get(0, "/overview").status ==
          200);  // the leader itself still serves
  }
}

TEST_CASE("Killing the leading JobManager hands the job to the standby",
          "[sim]") {
  SimClusterOptions fast;
  fast.checkpoint_interval_ms = 300;
  SimCluster sim(fast);
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  REQUIRE(sim.WaitForLog(0, "CHECKPOINT 2\n", 10s));
  const std::string jid = sim.job_id();
  REQUIRE(Eventually(
      [&] { return !Files(sim.output_dir(), kInProgress).empty(); }, 3s));

  const auto killed_at = std::chrono::system_clock::now();
  sim.Kill(0);
  const int64_t last_before = LastCheckpointInLog(sim, 0);
  REQUIRE(last_before >= 2);
  const auto left_in_progress = Files(sim.output_dir(), kInProgress);
  const std::string dead_uuid = Uuid(left_in_progress.at(0), kInProgress);

  // The standby keeps answering; while the dead leader's session lingers it
  // cannot reach it.
  std::set<int> statuses;
  bool running = false;
  Eventually(
      [&] {
        auto r = sim.Get(1, "/jobs/overview", 2s);
        statuses.insert(r.status);
        running = r.status == 200 &&
                  r.body.find("\"state\":\"RUNNING\"") != std::string::npos;
        return running;
      },
      15s);
  REQUIRE(running);
  for (int s : statuses) CHECK((s == 200 || s == 500 || s == 503));
  CHECK(sim.WaitForLeader(1s) == std::optional<size_t>(1));

  ZkPeek zk(sim.zookeeper().connect_string());
  REQUIRE(zk.connected());
  CHECK(zk.Children(sim.zk_base() + "/leader/latch").size() ==
        1);  // no standby left
  auto rest = zk.Get(sim.zk_base() + "/leader/rest_server/connection_info");
  CHECK(rest.ephemeral_owner == sim.zk_session(1));
  CHECK(rest.data.find(sim.rest_address(1)) != std::string::npos);

  json jobs = GetJson(sim, 1, "/jobs/overview")["jobs"];
  CHECK(jobs[0]["start-time"].get<int64_t>() >=
        std::chrono::duration_cast<std::chrono::milliseconds>(
            killed_at.time_since_epoch())
            .count());
  CHECK(GetJson(sim, 1,
                "/jobs/" + jid + "/metrics?get=numRestarts")[0]["value"] ==
        "0");

  // Resumed from the newest checkpoint in ZooKeeper; counts started again from
  // zero.
  REQUIRE(sim.WaitForLog(1, "\nCHECKPOINT ", 5s));
  json cp = GetJson(sim, 1, "/jobs/" + jid + "/checkpoints");
  INFO(cp.dump());
  CHECK(cp["counts"]["restored"] == 1);
  const int64_t restored = cp["latest"]["restored"]["id"].get<int64_t>();
  CHECK(restored >= last_before);
  CHECK(cp["latest"]["restored"]["is_savepoint"] == false);
  REQUIRE(cp["latest"]["completed"].is_object());
  const int64_t completed = cp["latest"]["completed"]["id"].get<int64_t>();
  CHECK(completed > restored);
  // The id counter lives in ZooKeeper and survives the failover, as Flink's
  // ZooKeeperCheckpointIDCounter: an id the dead leader triggered but never
  // completed is skipped, so the new attempt may have completed fewer
  // checkpoints than ids went by.
  CHECK(cp["counts"]["completed"].get<int64_t>() >= 1);
  CHECK(cp["counts"]["completed"].get<int64_t>() <= completed - restored);

  // The dead attempt's in-progress files are never committed; the new one
  // writes new parts.
  REQUIRE(sim.WaitForLog(1, "COMMITTED ", 5s));
  const auto now_in_progress = Files(sim.output_dir(), kInProgress);
  for (const auto& f : left_in_progress) {
    CHECK(std::find(now_in_progress.begin(), now_in_progress.end(), f) !=
          now_in_progress.end());
  }
  std::set<std::string> new_uuids;
  for (const auto& f : Files(sim.output_dir(), kFinished))
    new_uuids.insert(Uuid(f, kFinished));
  CHECK(new_uuids.size() ==
        2);  // the dead leader's and the new leader's attempts
  for (const auto& f : Files(sim.output_dir(), kInProgress)) {
    if (Uuid(f, kInProgress) != dead_uuid) continue;
    std::smatch m;
    std::regex_match(f, m, kInProgress);
    const std::string committed =
        "part-" + dead_uuid + "-" + m[2].str() + ".csv";
    auto finished = Files(sim.output_dir(), kFinished);
    CHECK(std::find(finished.begin(), finished.end(), committed) ==
          finished.end());
  }
}

TEST_CASE("The simulated cluster obeys its control commands", "[sim]") {
  SimClusterOptions fast;
  fast.checkpoint_interval_ms = 300;
  SimCluster sim(fast);
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  REQUIRE(sim.WaitForJobRunning(0, 10s));
  const std::string jid = sim.job_id();
  const std::string checkpoints = "/jobs/" + jid + "/checkpoints";
  const std::string restarts = "/jobs/" + jid + "/metrics?get=numRestarts";

  {  // fail-checkpoints: failures are counted and nothing is committed
    REQUIRE(sim.Control(0, "fail-checkpoints?on=1").status == 200);
    size_t from = sim.LogSize(0);
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT_FAILED", 5s, from));
    const size_t finished = Files(sim.output_dir(), kFinished).size();
    from = sim.LogSize(0);
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT_FAILED", 5s, from));
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT_FAILED", 5s, sim.LogSize(0)));
    CHECK(Files(sim.output_dir(), kFinished).size() == finished);
    json cp = GetJson(sim, 1, checkpoints);
    CHECK(cp["counts"]["failed"].get<int>() >= 3);
    REQUIRE(cp["latest"]["failed"].is_object());
    CHECK(cp["latest"]["failed"]["failure_timestamp"].get<int64_t>() > 0);
    CHECK_FALSE(
        cp["latest"]["failed"]["failure_message"].get<std::string>().empty());

    REQUIRE(sim.Control(0, "fail-checkpoints?on=0").status == 200);
    REQUIRE(sim.WaitForLog(0, "COMMITTED ", 5s, sim.LogSize(0)));
    CHECK(Files(sim.output_dir(), kFinished).size() > finished);
  }

  {  // stop-output: checkpoints go on but no part file is written
    REQUIRE(sim.Control(0, "stop-output?on=1").status == 200);
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT ", 5s, sim.LogSize(0)));
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT ", 5s, sim.LogSize(0)));
    const size_t finished = Files(sim.output_dir(), kFinished).size();
    const size_t from = sim.LogSize(0);
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT ", 5s, from));
    REQUIRE(sim.WaitForLog(0, "CHECKPOINT ", 5s, sim.LogSize(0)));
    CHECK(Files(sim.output_dir(), kFinished).size() == finished);
    CHECK(sim.process(0).Log().find("COMMITTED", from) == std::string::npos);
    REQUIRE(sim.Control(0, "stop-output?on=0").status == 200);
    CHECK(sim.WaitForLog(0, "COMMITTED ", 5s, sim.LogSize(0)));
  }

  {  // taskmanagers and fail-job: slots follow, the job restarts and counts it
    REQUIRE(sim.Control(0, "taskmanagers?n=3").status == 200);
    json overview = GetJson(sim, 1, "/overview");
    CHECK(overview["taskmanagers"] == 3);
    CHECK(overview["slots-total"] == 12);
    CHECK(overview["slots-available"] == 10);
    CHECK(GetJson(sim, 1, "/taskmanagers")["taskmanagers"].size() == 3);

    REQUIRE(sim.Control(0, "taskmanagers?n=0").status == 200);
    CHECK(GetJson(sim, 1, "/jobs/overview")["jobs"][0]["state"] ==
          "RESTARTING");
    CHECK(GetJson(sim, 1, "/overview")["slots-total"] == 0);
    REQUIRE(sim.Control(0, "taskmanagers?n=2").status == 200);
    REQUIRE(sim.WaitForJobRunning(1, 5s));
    CHECK(GetJson(sim, 1, restarts)[0]["value"] == "1");

    REQUIRE(sim.WaitForLog(0, "CHECKPOINT ", 5s, sim.LogSize(0)));
    const int restored =
        GetJson(sim, 1, checkpoints)["counts"]["restored"].get<int>();
    const size_t from = sim.LogSize(0);
    REQUIRE(sim.Control(0, "fail-job").status == 200);
    REQUIRE(sim.WaitForLog(0, "JOB RESTORED", 5s, from));
    REQUIRE(sim.WaitForJobRunning(1, 5s));
    CHECK(GetJson(sim, 1, restarts)[0]["value"] == "2");
    CHECK(GetJson(sim, 1, checkpoints)["counts"]["restored"] == restored + 1);
  }

  {  // hang: the REST endpoint accepts and never answers until unhang
    REQUIRE(sim.Hang(0));
    CHECK(sim.Get(0, "/overview", 300ms).status == 0);
    CHECK(sim.Get(0, "/sim/status").status == 200);  // controls still work
    REQUIRE(sim.Unhang(0));
    CHECK(sim.Get(0, "/overview").status == 200);
  }

  {  // leave hands over at once; a restarted JobManager rejoins as standby;
     // kill halts
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(sim.Leave(0));
    REQUIRE(sim.WaitForLeader(5s) == std::optional<size_t>(1));
    // Graceful: no wait for the session timeout.
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    ZkPeek zk(sim.zookeeper().connect_string());
    CHECK(zk.Children(sim.zk_base() + "/leader/latch").size() == 1);
    CHECK(zk.Get(sim.zk_base() + "/leader/rest_server/connection_info")
              .ephemeral_owner == sim.zk_session(1));
    REQUIRE(sim.WaitForJobRunning(1, 5s));

    REQUIRE(sim.Restart(0));
    CHECK(Eventually(
        [&] {
          return zk.Children(sim.zk_base() + "/leader/latch").size() == 2;
        },
        5s));
    CHECK(sim.Leader() == std::optional<size_t>(1));
    REQUIRE(sim.WaitForJobRunning(0, 5s));  // the new standby forwards to jm-2

    sim.Control(1, "kill");  // the connection may drop before the answer
    CHECK(sim.process(1).Wait(5s) == std::optional<int>(137));
    CHECK(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  }
}

TEST_CASE(
    "A simulated JobManager can take Flink 1.13's ZooKeeper layout and REST "
    "shapes",
    "[sim]") {
  SimClusterOptions o;
  o.jobmanagers = 1;
  o.layout = "1.13";
  o.checkpoint_interval_ms = 300;
  o.extra_args = {"--flink-version", "1.13.6"};
  SimCluster sim(o);
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  REQUIRE(sim.WaitForLog(0, "CHECKPOINT 1\n", 10s));
  const std::string jid = sim.job_id();

  ZkPeek zk(sim.zookeeper().connect_string());
  REQUIRE(zk.connected());
  const std::string base = sim.zk_base();
  for (const char* c : {"rest_server", "dispatcher", "resource_manager"}) {
    INFO(c);
    CHECK(zk.Children(base + "/leaderlatch/" + c + "_lock").size() ==
          1);  // a latch each
    CHECK(zk.Get(base + "/leader/" + c + "_lock").ephemeral_owner ==
          sim.zk_session(0));
  }
  CHECK(zk.Get(base + "/leader/rest_server_lock")
            .data.find(sim.rest_address(0)) != std::string::npos);
  CHECK(zk.Get(base + "/leader/" + jid + "/job_manager_lock").exists);
  CHECK_FALSE(zk.Get(base + "/leader/latch").exists);
  // 1.13 keeps checkpoint pointers and the id counter outside jobs/.
  auto pointers = zk.Children(base + "/checkpoints/" + jid);
  REQUIRE_FALSE(pointers.empty());
  CHECK(std::regex_match(pointers.back(), std::regex(R"(\d{19})")));
  CHECK(zk.Get(base + "/checkpoint-counter/" + jid).exists);
  CHECK_FALSE(zk.Get(base + "/jobs").exists);

  json overview = GetJson(sim, 0, "/overview");
  CHECK_FALSE(
      overview.contains("flink-version"));  // 1.13 has none in /overview
  CHECK(GetJson(sim, 0, "/config")["flink-version"] == "1.13.6");
  json cp = GetJson(sim, 0, "/jobs/" + jid + "/checkpoints");
  REQUIRE(cp["latest"]["completed"].is_object());
  CHECK(cp["latest"]["completed"]["@class"] == "completed");
  CHECK_FALSE(cp["latest"]["completed"].contains("className"));
  CHECK_FALSE(cp["latest"]["completed"].contains("checkpointed_size"));
  CHECK_FALSE(cp["summary"].contains("checkpointed_size"));
}

// The bug this guards against: the exporter looked at 1.13's place on every
// layout, so the series never appeared on a 1.14+ cluster.
TEST_CASE(
    "The exporter reads the checkpoint id at each layout's ZooKeeper place",
    "[sim]") {
  for (const std::string layout : {"1.19", "1.14", "1.13"}) {
    DYNAMIC_SECTION("layout " << layout) {
      SimClusterOptions o;
      o.jobmanagers = 1;
      o.layout = layout;
      o.checkpoint_interval_ms = 300;
      SimCluster sim(o);
      REQUIRE(sim.Start());
      REQUIRE(sim.WaitForLog(0, "CHECKPOINT 2\n", 15s));
      TempDir dir;
      ExporterProcess exporter(dir.path(), sim.ExporterConfigYaml());
      REQUIRE(exporter.WaitReady(30s));
      const std::string series =
          R"(flinkha_zookeeper_latest_checkpoint_id{flink_cluster="sim",job_id=")" +
          sim.job_id() + R"("})";
      double seen = -1;
      CHECK(Eventually(
          [&] {
            seen = SampleValue(exporter.Metrics(), series);
            return seen >= 2;
          },
          10s));
      // A checkpoint the JobManager completed: it logs it just after writing
      // the pointer.
      CHECK(Eventually(
          [&] {
            return static_cast<double>(LastCheckpointInLog(sim, 0)) >= seen;
          },
          5s));
    }
  }
}

}  // namespace
}  // namespace flinkha::testing
