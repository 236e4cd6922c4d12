// Tests for StateStore: snapshots are immutable and updates are not lost under
// concurrency.
#include "model/store.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("StateStore publishes new snapshots and leaves held ones untouched",
          "[model]") {
  StateStore store(TimePoint{});
  SnapshotPtr before = store.Get();
  store.UpdateCluster("a", [](ClusterState& c) {
    RecordSourceAttempt(c, "rest/jm-1", TimePoint{}, "");
  });
  CHECK(before->clusters.empty());
  SnapshotPtr after = store.Get();
  REQUIRE(after->clusters.count("a") == 1);
  const SourceStatus& st = after->clusters.at("a").sources.at("rest/jm-1");
  CHECK(st.up);
  CHECK(st.reported);
  CHECK(st.errors_total == 0);
}

TEST_CASE("RecordSourceAttempt counts errors and keeps the last success",
          "[model]") {
  ClusterState c;
  const TimePoint t1 = TimePoint{} + std::chrono::seconds(10);
  RecordSourceAttempt(c, "zookeeper", t1, "");
  RecordSourceAttempt(c, "zookeeper", t1 + std::chrono::seconds(5),
                      "connection refused");
  const SourceStatus& st = c.sources.at("zookeeper");
  CHECK_FALSE(st.up);
  CHECK(st.errors_total == 1);
  CHECK(st.last_error == "connection refused");
  REQUIRE(st.last_success.has_value());
  CHECK(*st.last_success == t1);
}

TEST_CASE("StateStore loses no update from concurrent writers", "[model]") {
  StateStore store(TimePoint{});
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < 200; ++i) {
        store.UpdateCluster("c", [&](ClusterState& c) {
          RecordSourceAttempt(c, "s" + std::to_string(w), TimePoint{}, "e");
        });
        (void)store.Get();
      }
    });
  }
  for (auto& t : writers) t.join();
  const auto snapshot = store.Get();  // held: the map lives in it
  const auto& sources = snapshot->clusters.at("c").sources;
  REQUIRE(sources.size() == 4);
  for (const auto& [id, st] : sources) CHECK(st.errors_total == 200);
}

}  // namespace
}  // namespace flinkha
