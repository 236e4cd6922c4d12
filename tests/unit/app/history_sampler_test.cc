// HistorySampler: samples the store's snapshot on its own thread until
// stopped, and a reload's store update does not reset the history.
#include "app/history_sampler.h"

#include <catch2/catch.hpp>
#include <thread>

#include "support/history_snapshot.h"
#include "support/process.h"

namespace flinkha {
namespace {

using namespace std::chrono_literals;

TEST_CASE("HistorySampler samples the published snapshot until stopped",
          "[app][history]") {
  StateStore store(std::chrono::system_clock::now());
  const Snapshot s = testing::HistorySnapshot(testing::HistoryScenario{}, 0,
                                              std::chrono::system_clock::now());
  store.Update([&](Snapshot& next) { next = s; });
  History history;
  HistorySampler sampler(&store, &history);
  sampler.Start(10ms);
  REQUIRE(testing::Eventually([&] { return history.Copy().samples_total >= 3; },
                              5s));
  // What App::Start publishes on a reload: new configs, the same history.
  const auto first = history.Copy().first_sample;
  store.Update([](Snapshot& next) {
    for (auto& [name, c] : next.clusters)
      c.config = std::make_shared<const ClusterConfig>(*c.config);
  });
  const uint64_t seen = history.Copy().samples_total;
  REQUIRE(testing::Eventually(
      [&] { return history.Copy().samples_total >= seen + 3; }, 5s));
  sampler.Stop();
  const HistoryData d = history.Copy();
  CHECK(d.first_sample == first);
  CHECK(d.clusters.at("prod").jobs.size() == 10);
  CHECK(d.clusters.at("prod").leader.spans().size() == 1);
  const uint64_t stopped = d.samples_total;
  std::this_thread::sleep_for(50ms);
  CHECK(history.Copy().samples_total == stopped);
}

}  // namespace
}  // namespace flinkha
