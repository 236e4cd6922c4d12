// The status page end to end: the real binary against the simulated HA
// cluster (real ZooKeeper), the leader killed, the page opened in headless
// Chromium; then a reload (SIGHUP) keeps the history.
#include "http/status_page.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/exporter_process.h"
#include "support/sim_cluster.h"
#include "support/status_page_browser.h"

namespace flinkha::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("Status page shows a failover in a browser and keeps it on reload",
          "[e2e][status_page]") {
  SimCluster sim;
  REQUIRE(sim.Start());
  REQUIRE(sim.WaitForLeader(10s) == std::optional<size_t>(0));
  TempDir dir;
  ExporterProcess exporter(dir.path(), sim.ExporterConfigYaml());
  REQUIRE(exporter.WaitReady(20s));
  REQUIRE(Eventually(
      [&] {
        return MetricValue(
                   exporter.Metrics(), "flinkha_jobmanager_leader",
                   {{"jobmanager", "jm-1"}, {"component", "rest_server"}}) == 1;
      },
      10s));
  std::this_thread::sleep_for(3s);  // a few samples with jm-1 leading

  sim.Kill(0);
  REQUIRE(Eventually(
      [&] {
        return MetricValue(exporter.Metrics(), "flinkha_failovers_total") == 1;
      },
      30s));

  // The page forbids everything but its inline CSS.
  httplib::Client client("127.0.0.1", exporter.port());
  auto page = client.Get("/");
  REQUIRE(page);
  REQUIRE(page->status == 200);
  CHECK(page->get_header_value("Content-Security-Policy") == kStatusPageCsp);
  CHECK(page->body.find("<svg class=\"hist\"") != std::string::npos);

  const std::string shot =
      std::string(FLINKHA_BINARY_DIR) + "/status-page-e2e.png";
  BrowserCheck b = BrowseStatusPage(exporter.port(), shot,
                                    {"--expect-failover", "--expect-leader",
                                     "jm-1", "--expect-leader", "jm-2"});
  INFO(b.output);
  CHECK(b.ok);

  // The history as JSON, then a reload: the same history goes on.
  auto history = [&] {
    HttpResult r = exporter.Get("/api/v1/history");
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  };
  const json before = history();
  INFO(before.dump().substr(0, 2000));
  REQUIRE(before["clusters"]["sim"]["failovers"].size() == 1);
  CHECK(before["clusters"]["sim"]["failovers"][0]["new_jobmanager"] == "jm-2");
  exporter.process().Signal(SIGHUP);
  REQUIRE(exporter.process().WaitForLog("configuration reloaded", 10s));
  std::this_thread::sleep_for(3s);
  const json after = history();
  CHECK(after["first_sample"] == before["first_sample"]);
  CHECK(after["samples_total"].get<uint64_t>() >
        before["samples_total"].get<uint64_t>());
  // The same failover (its recovery phases may have been reached since).
  const json& kept = after["clusters"]["sim"]["failovers"];
  REQUIRE(kept.size() == 1);
  for (const char* field :
       {"lost_at", "lost_jobmanager", "new_jobmanager", "cause", "leader_at"}) {
    CHECK(kept[0][field] == before["clusters"]["sim"]["failovers"][0][field]);
  }
  CHECK(after["clusters"]["sim"]["leader"][0] ==
        before["clusters"]["sim"]["leader"][0]);
}

}  // namespace
}  // namespace flinkha::testing
