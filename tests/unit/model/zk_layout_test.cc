// Tests for the znode layouts: paths per Flink version, detection, watch set,
// observation.
#include "model/zk_layout.h"

#include <catch2/catch.hpp>

#include "support/leader_info_encode.h"

namespace flinkha {
namespace {

using testing::EncodeLeaderInfo;

const std::string kBase = "/flink/realtime-pipeline";
const std::string kJob = "a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1";
const std::string kJob2 = "00000000000000000000000000000002";
const std::string kUuid = "123e4567-e89b-12d3-a456-426614174000";

std::string Info(const std::string& address) {
  auto r = EncodeLeaderInfo(address, kUuid);
  REQUIRE(r.ok());
  return r.value();
}

TEST_CASE("BasePath joins root and cluster id", "[model][zk_layout]") {
  CHECK(BasePath("/flink", "/realtime-pipeline") == kBase);
  CHECK(BasePath("/flink/", "realtime-pipeline/") == kBase);
  CHECK(BasePath("flink", "//realtime-pipeline") == kBase);
  CHECK(BasePath("/flink", "/default") == "/flink/default");
  CHECK(BasePath("", "") == "/");
  CHECK(JoinPath("/", "leader") == "/leader");
}

TEST_CASE("Paths per layout follow docs/flink-facts.md", "[model][zk_layout]") {
  struct Case {
    ZkLayout layout;
    std::vector<std::pair<std::string, std::string>> latches;
    std::string rest_leader;
    std::string job_leader;
    std::string jobs_parent;
    std::string checkpoint_jobs_parent;
    std::string job_checkpoints;
  };
  const std::string b = kBase;
  const std::vector<Case> cases = {
      {ZkLayout::k1_13,
       {{"resource_manager", b + "/leaderlatch/resource_manager_lock"},
        {"dispatcher", b + "/leaderlatch/dispatcher_lock"},
        {"rest_server", b + "/leaderlatch/rest_server_lock"}},
       b + "/leader/rest_server_lock",
       b + "/leader/" + kJob + "/job_manager_lock",
       b + "/leader",
       b + "/checkpoints",
       b + "/checkpoints/" + kJob},
      {ZkLayout::k1_14,
       {{"resource_manager", b + "/leader/resource_manager/latch"},
        {"dispatcher", b + "/leader/dispatcher/latch"},
        {"rest_server", b + "/leader/rest_server/latch"}},
       b + "/leader/rest_server/connection_info",
       b + "/jobs/" + kJob + "/leader/connection_info",
       b + "/jobs",
       b + "/jobs",
       b + "/jobs/" + kJob + "/checkpoints"},
      {ZkLayout::k1_15,
       {{"shared", b + "/leader/latch"}},
       b + "/leader/rest_server/connection_info",
       b + "/leader/" + kJob + "/connection_info",
       b + "/leader",
       b + "/jobs",
       b + "/jobs/" + kJob + "/checkpoints"},
      {ZkLayout::k1_19,
       {{"shared", b + "/leader/latch"}},
       b + "/leader/rest_server/connection_info",
       b + "/leader/job-" + kJob + "/connection_info",
       b + "/leader",
       b + "/jobs",
       b + "/jobs/" + kJob + "/checkpoints"},
  };
  for (const auto& tc : cases) {
    INFO(LayoutName(tc.layout));
    std::vector<std::pair<std::string, std::string>> latches;
    for (const auto& l : LatchPaths(tc.layout, kBase))
      latches.emplace_back(l.latch, l.path);
    CHECK(latches == tc.latches);
    CHECK(ComponentLeaderPath(tc.layout, kBase, "rest_server") ==
          tc.rest_leader);
    CHECK(JobLeaderPath(tc.layout, kBase, kJob) == tc.job_leader);
    CHECK(JobsParentPath(tc.layout, kBase) == tc.jobs_parent);
    CHECK(CheckpointJobsParentPath(tc.layout, kBase) ==
          tc.checkpoint_jobs_parent);
    CHECK(JobCheckpointsPath(tc.layout, kBase, kJob) == tc.job_checkpoints);
  }
}

TEST_CASE("Job ids and checkpoint node names are recognised strictly",
          "[model][zk_layout]") {
  CHECK(JobIdFromChild(ZkLayout::k1_19, "job-" + kJob) == kJob);
  CHECK(JobIdFromChild(ZkLayout::k1_15, kJob) == kJob);
  CHECK(JobIdFromChild(ZkLayout::k1_19, kJob) ==
        kJob);  // a wrong 1.15/1.19 guess hides nothing
  CHECK_FALSE(JobIdFromChild(ZkLayout::k1_14, "job-" + kJob).has_value());
  CHECK_FALSE(JobIdFromChild(ZkLayout::k1_15, "rest_server").has_value());
  CHECK_FALSE(JobIdFromChild(ZkLayout::k1_15, "latch").has_value());
  CHECK_FALSE(IsJobId("A8E7F5D3C2B1A0F9E8D7C6B5A4F3E2D1"));
  CHECK(ParseCheckpointNodeName("0000000000000000042") == 42);
  CHECK(ParseCheckpointNodeName("9223372036854775807") == INT64_MAX);
  CHECK_FALSE(ParseCheckpointNodeName("9999999999999999999").has_value());
  CHECK_FALSE(ParseCheckpointNodeName("42").has_value());
  CHECK_FALSE(ParseCheckpointNodeName("000000000000000004x").has_value());
  CHECK(
      IsLatchNode("_c_4f1d2c3b-aaaa-bbbb-cccc-1234567890ab-latch-0000000003"));
  CHECK_FALSE(IsLatchNode("locks"));
}

TEST_CASE("DetectLayout reads the layout from existing nodes",
          "[model][zk_layout]") {
  const std::string l = kBase + "/leader";
  struct Case {
    std::string name;
    ZnodeCache cache;
    std::optional<ZkLayout> want;
  };
  const std::vector<Case> cases = {
      {"nothing", {}, std::nullopt},
      {"absent nodes",
       {{{l, std::nullopt}, {l + "/latch", std::nullopt}}, {}, {}},
       std::nullopt},
      {"1.13 latch dir",
       {{{kBase + "/leaderlatch",
          std::vector<std::string>{"rest_server_lock"}}},
        {},
        {}},
       ZkLayout::k1_13},
      {"1.13 leader data only",
       {{{l, std::vector<std::string>{"dispatcher_lock", kJob}}}, {}, {}},
       ZkLayout::k1_13},
      {"1.14",
       {{{l + "/dispatcher",
          std::vector<std::string>{"latch", "connection_info"}}},
        {},
        {}},
       ZkLayout::k1_14},
      {"1.15 without jobs",
       {{{l + "/latch", std::vector<std::string>{}},
         {l, std::vector<std::string>{"latch"}}},
        {},
        {}},
       ZkLayout::k1_15},
      {"1.15 with a job",
       {{{l + "/latch", std::vector<std::string>{}},
         {l, std::vector<std::string>{"latch", kJob}}},
        {},
        {}},
       ZkLayout::k1_15},
      {"1.19 with a job",
       {{{l + "/latch", std::vector<std::string>{}},
         {l, std::vector<std::string>{"latch", "job-" + kJob}}},
        {},
        {}},
       ZkLayout::k1_19},
  };
  for (const auto& tc : cases) {
    INFO(tc.name);
    CHECK(DetectLayout(tc.cache, kBase) == tc.want);
  }
}

TEST_CASE("DesiredWatches grows as reads reveal the layout and jobs",
          "[model][zk_layout]") {
  ZnodeCache cache;
  auto w = DesiredWatches(std::nullopt, cache, kBase);
  // Undetected: detection nodes only; no leader data and no checkpoint place
  // (it depends on the layout) yet.
  CHECK(w.count({WatchKind::kChildren, kBase + "/leader"}));
  CHECK(w.count({WatchKind::kChildren, kBase + "/leaderlatch"}));
  CHECK_FALSE(w.count({WatchKind::kChildren, kBase + "/checkpoints"}));
  CHECK_FALSE(w.count({WatchKind::kChildren, kBase + "/jobs"}));
  CHECK_FALSE(w.count(
      {WatchKind::kData, kBase + "/leader/rest_server/connection_info"}));

  cache.children[kBase + "/leader/latch"] =
      std::vector<std::string>{"_c_x-latch-0000000000"};
  cache.children[kBase + "/leader"] =
      std::vector<std::string>{"latch", "job-" + kJob};
  w = DesiredWatches(std::nullopt, cache, kBase);
  CHECK(w.count(
      {WatchKind::kData, kBase + "/leader/rest_server/connection_info"}));
  CHECK(w.count(
      {WatchKind::kData, kBase + "/leader/job-" + kJob + "/connection_info"}));
  // Detected 1.19: the checkpoint parent is jobs, then each job's checkpoints.
  CHECK(w.count({WatchKind::kChildren, kBase + "/jobs"}));
  CHECK_FALSE(w.count({WatchKind::kChildren, kBase + "/checkpoints"}));
  cache.children[kBase + "/jobs"] = std::vector<std::string>{kJob, "junk"};
  w = DesiredWatches(std::nullopt, cache, kBase);
  CHECK(w.count(
      {WatchKind::kChildren, kBase + "/jobs/" + kJob + "/checkpoints"}));
  CHECK_FALSE(
      w.count({WatchKind::kChildren, kBase + "/jobs/junk/checkpoints"}));

  // A configured layout skips detection nodes.
  auto fixed = DesiredWatches(ZkLayout::k1_14, {}, kBase);
  CHECK_FALSE(fixed.count({WatchKind::kChildren, kBase + "/leaderlatch"}));
  CHECK(
      fixed.count({WatchKind::kChildren, kBase + "/leader/dispatcher/latch"}));
  CHECK(fixed.count({WatchKind::kChildren, kBase + "/jobs"}));
}

TEST_CASE("DesiredWatches watches the checkpoint place of the layout",
          "[model][zk_layout]") {
  struct Case {
    ZkLayout layout;
    std::string parent;     // children name the jobs
    std::string watched;    // a job's checkpoint list
    std::string not_there;  // the other layouts' place
  };
  const std::string b = kBase;
  const std::vector<Case> cases = {
      {ZkLayout::k1_13, b + "/checkpoints", b + "/checkpoints/" + kJob,
       b + "/jobs/" + kJob + "/checkpoints"},
      {ZkLayout::k1_14, b + "/jobs", b + "/jobs/" + kJob + "/checkpoints",
       b + "/checkpoints/" + kJob},
      {ZkLayout::k1_15, b + "/jobs", b + "/jobs/" + kJob + "/checkpoints",
       b + "/checkpoints/" + kJob},
      {ZkLayout::k1_19, b + "/jobs", b + "/jobs/" + kJob + "/checkpoints",
       b + "/checkpoints/" + kJob},
  };
  for (const auto& tc : cases) {
    INFO(LayoutName(tc.layout));
    ZnodeCache cache;
    // Both places list the job (and junk): only the layout's is followed.
    for (const auto& p : {b + "/checkpoints", b + "/jobs"}) {
      cache.children[p] = std::vector<std::string>{kJob, "junk", "locks"};
    }
    auto w = DesiredWatches(tc.layout, cache, kBase);
    CHECK(w.count({WatchKind::kChildren, tc.parent}));
    CHECK(w.count({WatchKind::kChildren, tc.watched}));
    CHECK_FALSE(w.count({WatchKind::kChildren, tc.not_there}));
    for (const auto& spec : w) {
      INFO(spec.path);
      CHECK(spec.path.find("junk") == std::string::npos);
      CHECK(spec.path.find("locks") == std::string::npos);
    }
    if (tc.layout == ZkLayout::k1_13) {
      CHECK_FALSE(w.count({WatchKind::kChildren, b + "/jobs"}));
    } else {
      CHECK_FALSE(w.count({WatchKind::kChildren, b + "/checkpoints"}));
    }
  }
  // 1.14: jobs/<jid> holds both the job leader and the checkpoints.
  ZnodeCache c14;
  c14.children[b + "/jobs"] = std::vector<std::string>{kJob};
  auto w14 = DesiredWatches(ZkLayout::k1_14, c14, kBase);
  CHECK(w14.count(
      {WatchKind::kData, b + "/jobs/" + kJob + "/leader/connection_info"}));
  CHECK(
      w14.count({WatchKind::kChildren, b + "/jobs/" + kJob + "/checkpoints"}));
}

TEST_CASE("FillObservation reads checkpoint ids at the layout's place only",
          "[model][zk_layout]") {
  const std::string b = kBase;
  const std::string old_place = b + "/checkpoints";
  const std::string jobs = b + "/jobs";
  using Ids = std::vector<std::string>;
  struct Case {
    std::string name;
    std::optional<ZkLayout> layout;
    ZnodeCache cache;
    std::map<std::string, int64_t> want;
  };
  const std::vector<Case> cases = {
      {"1.19: jobs/<jid>/checkpoints; locks, junk and the old place ignored",
       ZkLayout::k1_19,
       {{{jobs, Ids{kJob, kJob2, "junk"}},
         {jobs + "/" + kJob + "/checkpoints",
          Ids{"0000000000000000007", "0000000000000000012", "locks", "junk",
              "12", "00000000000000000013"}},
         {jobs + "/" + kJob2 + "/checkpoints", std::nullopt},
         {jobs + "/junk/checkpoints", Ids{"0000000000000000099"}},
         {old_place, Ids{kJob}},
         {old_place + "/" + kJob, Ids{"0000000000000000099"}}},
        {},
        {}},
       {{kJob, 12}}},
      {"1.15: same place as 1.19",
       ZkLayout::k1_15,
       {{{jobs, Ids{kJob}},
         {jobs + "/" + kJob + "/checkpoints", Ids{"0000000000000000003"}}},
        {},
        {}},
       {{kJob, 3}}},
      {"1.15: a job without checkpoints yet has no id",
       ZkLayout::k1_15,
       {{{jobs, Ids{kJob}}, {jobs + "/" + kJob + "/checkpoints", Ids{}}},
        {},
        {}},
       {}},
      {"1.14: jobs/<jid>/leader beside the checkpoints confuses nothing",
       ZkLayout::k1_14,
       {{{jobs, Ids{kJob, kJob2}},
         {jobs + "/" + kJob,
          Ids{"leader", "checkpoints", "checkpoint_id_counter"}},
         {jobs + "/" + kJob + "/leader", Ids{"connection_info"}},
         {jobs + "/" + kJob + "/checkpoints",
          Ids{"0000000000000000009", "0000000000000000008"}},
         {jobs + "/" + kJob2, Ids{"leader"}},
         {jobs + "/" + kJob2 + "/leader", Ids{"connection_info"}}},
        {},
        {}},
       {{kJob, 9}}},
      {"1.13: checkpoints/<jid>; the new place ignored",
       ZkLayout::k1_13,
       {{{old_place, Ids{kJob, "junk"}},
         {old_place + "/" + kJob,
          Ids{"0000000000000000007", "0000000000000000008", "locks"}},
         {jobs, Ids{kJob}},
         {jobs + "/" + kJob + "/checkpoints", Ids{"0000000000000000099"}}},
        {},
        {}},
       {{kJob, 8}}},
      {"unknown layout: no place is trusted",
       std::nullopt,
       {{{old_place, Ids{kJob}},
         {old_place + "/" + kJob, Ids{"0000000000000000007"}},
         {jobs, Ids{kJob}},
         {jobs + "/" + kJob + "/checkpoints", Ids{"0000000000000000008"}}},
        {},
        {}},
       {}},
  };
  for (const auto& tc : cases) {
    INFO(tc.name);
    ZkObservation o;
    FillObservation(tc.layout, tc.cache, kBase, &o);
    CHECK(o.latest_checkpoint_ids == tc.want);
    CHECK(o.error.empty());
  }

  // 1.14: both jobs keep their leaders, read from the same jobs parent.
  ZnodeCache c14 = cases[3].cache;
  c14.data[jobs + "/" + kJob + "/leader/connection_info"] =
      Info("pekko.tcp://flink@jobmanager:6123/a");
  c14.data[jobs + "/" + kJob2 + "/leader/connection_info"] =
      Info("pekko.tcp://flink@jobmanager:6123/b");
  ZkObservation o14;
  FillObservation(ZkLayout::k1_14, c14, kBase, &o14);
  REQUIRE(o14.job_leaders.size() == 2);
  CHECK(o14.job_leaders[kJob].has_value());
  CHECK(o14.job_leaders[kJob2].has_value());
  CHECK(o14.latest_checkpoint_ids == std::map<std::string, int64_t>{{kJob, 9}});
}

TEST_CASE("FillObservation builds leaders, contenders, jobs and checkpoints",
          "[model][zk_layout]") {
  const std::string l = kBase + "/leader";
  ZnodeCache cache;
  cache.children[l + "/latch"] = std::vector<std::string>{
      "_c_a-latch-0000000001", "_c_b-latch-0000000002"};
  cache.children[l] =
      std::vector<std::string>{"latch", "rest_server", kJob, "job-" + kJob};
  cache.data[l + "/rest_server/connection_info"] =
      Info("http://jobmanager:8081");
  cache.data[l + "/dispatcher/connection_info"] =
      std::string();  // zero length: no leader
  cache.data[l + "/resource_manager/connection_info"] = std::string("garbage");
  cache.data[l + "/job-" + kJob + "/connection_info"] =
      Info("pekko.tcp://flink@jobmanager:6123/x");
  cache.data[l + "/" + kJob + "/connection_info"] = std::nullopt;
  cache.children[kBase + "/jobs"] = std::vector<std::string>{kJob};
  cache.children[kBase + "/jobs/" + kJob + "/checkpoints"] =
      std::vector<std::string>{"0000000000000000007", "0000000000000000012",
                               "locks"};

  ZkObservation o;
  FillObservation(std::nullopt, cache, kBase, &o);
  CHECK(o.layout == ZkLayout::k1_19);
  REQUIRE(o.components.size() == 3);
  REQUIRE(o.components["rest_server"].has_value());
  CHECK(o.components["rest_server"]->address == "http://jobmanager:8081");
  CHECK(o.components["rest_server"]->session_id == kUuid);
  CHECK_FALSE(o.components["dispatcher"].has_value());
  CHECK_FALSE(o.components["resource_manager"].has_value());
  CHECK_THAT(o.error,
             Catch::Contains(
                 "resource_manager/connection_info: expected stream magic"));
  CHECK(o.contenders == std::map<std::string, int>{{"shared", 2}});
  REQUIRE(o.job_leaders.count(kJob));
  REQUIRE(o.job_leaders[kJob].has_value());
  CHECK(o.latest_checkpoint_ids == std::map<std::string, int64_t>{{kJob, 12}});
  // Only a known leader is dated, by its node's mtime.
  CHECK(o.leader_written.empty());
  cache.mtime_ms[l + "/rest_server/connection_info"] = 1'700'000'000'123;
  cache.mtime_ms[l + "/dispatcher/connection_info"] = 1'700'000'000'456;
  ZkObservation dated;
  FillObservation(std::nullopt, cache, kBase, &dated);
  CHECK(dated.leader_written ==
        std::map<std::string, TimePoint>{
            {"rest_server",
             TimePoint(std::chrono::milliseconds(1'700'000'000'123))}});

  // Without any node the layout is unknown and every leader is unknown.
  ZkObservation empty;
  FillObservation(std::nullopt, {}, kBase, &empty);
  CHECK_FALSE(empty.layout.has_value());
  CHECK(empty.components.size() == 3);
  CHECK(empty.contenders.empty());
  CHECK(empty.error.empty());

  // Per-component latches count separately; an absent latch counts zero
  // contenders.
  ZnodeCache c14;
  c14.children[l + "/rest_server/latch"] =
      std::vector<std::string>{"_c_a-latch-0000000001"};
  ZkObservation o14;
  FillObservation(ZkLayout::k1_14, c14, kBase, &o14);
  CHECK(o14.contenders == std::map<std::string, int>{{"dispatcher", 0},
                                                     {"resource_manager", 0},
                                                     {"rest_server", 1}});
}

}  // namespace
}  // namespace flinkha
