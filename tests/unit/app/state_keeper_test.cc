// StateKeeper on a real directory: saves on a failover change and at the
// end, replaces the file atomically, restores it in a new process's store,
// and starts empty (never fails) on a missing, corrupt or unwritable file.
#include "app/state_keeper.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "model/saved_state.h"
#include "support/process.h"

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::TempDir;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Config OneCluster() {
  Config c;
  ClusterConfig cluster;
  cluster.name = "c";
  c.clusters.push_back(cluster);
  return c;
}

FailoverState OneFailover(TimePoint lost) {
  FailoverState f;
  FailoverReport r;
  r.lost_jobmanager = "jm-1";
  r.lost_at = lost;
  r.leader_at = lost + milliseconds(4600);
  r.new_jobmanager = "jm-2";
  f.reports.push_back(r);
  f.failovers_total = 1;
  return f;
}

TEST_CASE("StateKeeper: a failover survives a restart", "[app][state]") {
  TempDir dir;
  const std::string state_dir = dir.path() + "/var";  // created on start
  // The file keeps microseconds.
  const TimePoint lost =
      std::chrono::time_point_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now() - seconds(60));
  {
    StateStore store(std::chrono::system_clock::now());
    History history;
    StateKeeper keeper(state_dir, &store, &history);
    keeper.Restore(OneCluster(), std::chrono::system_clock::now());
    keeper.Start();
    store.UpdateCluster("c", [&](ClusterState& c) {
      c.failover = std::make_shared<const FailoverState>(OneFailover(lost));
    });
    // Written within about a second of the change, before any stop.
    bool written = false;
    for (int i = 0; i < 50 && !written; ++i) {
      std::this_thread::sleep_for(milliseconds(100));
      written = Read(keeper.path()).find("jm-2") != std::string::npos;
    }
    CHECK(written);
    keeper.Stop();
  }
  CHECK_FALSE(std::filesystem::exists(state_dir + "/state.json.tmp"));
  StateStore store(std::chrono::system_clock::now());
  History history;
  StateKeeper keeper(state_dir, &store, &history);
  keeper.Restore(OneCluster(), std::chrono::system_clock::now());
  const auto snap = store.Get();
  REQUIRE(snap->clusters.count("c"));
  const auto& f = snap->clusters.at("c").failover;
  REQUIRE(f);
  REQUIRE(f->reports.size() == 1);
  CHECK(f->reports[0].lost_at == lost);
  CHECK(f->failovers_total == 1);
  CHECK(f->events.back().kind == HaEventKind::kExporterRestarted);
}

TEST_CASE("StateKeeper: a missing, corrupt or foreign file starts empty",
          "[app][state]") {
  TempDir dir;
  for (const char* content : {"", "{not json", "{\"format\": \"other\"}"}) {
    INFO(content);
    std::ofstream(dir.path() + "/state.json") << content;
    StateStore store(std::chrono::system_clock::now());
    History history;
    StateKeeper keeper(dir.path(), &store, &history);
    keeper.Restore(OneCluster(), std::chrono::system_clock::now());
    CHECK(store.Get()->clusters.empty());
    // The next save replaces it with a good file.
    keeper.Start();
    keeper.Stop();
    CHECK(DecodeSavedState(Read(keeper.path())).ok());
  }
  StateStore store(std::chrono::system_clock::now());
  History history;
  StateKeeper keeper(dir.path() + "/none", &store, &history);
  keeper.Restore(OneCluster(), std::chrono::system_clock::now());
  CHECK(store.Get()->clusters.empty());
}

TEST_CASE("StateKeeper: an unwritable directory keeps the exporter running",
          "[app][state]") {
  // Root writes anywhere, but a path under a regular file is no directory
  // for anyone.
  TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  StateStore store(std::chrono::system_clock::now());
  History history;
  StateKeeper keeper(dir.path() + "/file/sub", &store, &history);
  keeper.Restore(OneCluster(), std::chrono::system_clock::now());
  keeper.Start();
  store.UpdateCluster("c", [&](ClusterState& c) {
    c.failover = std::make_shared<const FailoverState>(
        OneFailover(std::chrono::system_clock::now()));
  });
  std::this_thread::sleep_for(milliseconds(1200));
  keeper.Stop();  // returns; nothing was written, nothing crashed
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/file/sub/state.json"));
}

}  // namespace
}  // namespace flinkha
