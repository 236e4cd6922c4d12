// JobManagerPoller and PollJobManagerOnce against FakeFlink: up, down,
// election, 404, redirect.
#include "sources/rest/jobmanager_poller.h"

#include <catch2/catch.hpp>

#include "sources/rest/http_client.h"
#include "support/fake_flink.h"
#include "unit/sources/rest/test_util.h"

namespace flinkha {
namespace {

using rest_test::PublishConfig;
using rest_test::TestCluster;
using rest_test::WaitFor;
using testing::FakeFlink;
using testing::ReadFlinkFixture;

std::unique_ptr<HttpClient> Client(const std::string& url,
                                   int timeout_ms = 1000) {
  HttpClientOptions o;
  o.base_url = url;
  o.connect_timeout = o.request_timeout = Duration(timeout_ms);
  auto c = HttpClient::Create(o);
  REQUIRE(c.ok());
  return std::move(c).value();
}

std::shared_ptr<const JobManagerObservation> Observation(
    const StateStore& store, const std::string& jm = "jm-1") {
  auto s = store.Get();
  auto c = s->clusters.find("prod");
  if (c == s->clusters.end()) return nullptr;
  auto it = c->second.jobmanagers.find(jm);
  return it == c->second.jobmanagers.end() ? nullptr : it->second;
}

SourceStatus Source(const StateStore& store,
                    const std::string& id = "rest/jm-1") {
  auto s = store.Get();
  auto c = s->clusters.find("prod");
  if (c == s->clusters.end() || !c->second.sources.count(id)) return {};
  return c->second.sources.at(id);
}

TEST_CASE("PollJobManagerOnce reads all four endpoints of a healthy JobManager",
          "[rest][poller]") {
  for (const char* version : {"1.14", "1.18"}) {  // hand-made
    INFO("version " << version);
    FakeFlink f;
    f.ServeVersion(version);
    f.Start();
    auto client = Client(f.url());
    auto o = PollJobManagerOnce(*client, TimePoint{});
    CHECK(o.up);
    CHECK(o.fault == RestFault::kNone);
    CHECK(o.error.empty());
    REQUIRE(o.config);
    CHECK(o.config->flink_version.rfind(version, 0) == 0);
    REQUIRE(o.overview);
    CHECK(o.overview->slots_total == 8);
    REQUIRE(o.jobs);
    CHECK(o.jobs->size() >= 5);
    REQUIRE(o.taskmanagers);
    CHECK(o.taskmanagers->size() == 2);
    CHECK(o.duration_seconds > 0);
    for (const char* p :
         {"/config", "/overview", "/jobs/overview", "/taskmanagers"}) {
      CHECK(f.hits(p) == 1);
    }
  }
}

TEST_CASE("PollJobManagerOnce reads what each real Flink version served",
          "[rest][poller]") {
  // Recorded from genuine Flink (tests/fixtures/flink-real): 3 TaskManagers
  // of 4 slots, one job.
  for (const char* version :
       {"1.18.1", "1.19.3", "1.20.5", "2.0.2", "2.1.3", "2.2.1", "2.3.0"}) {
    INFO("Flink " << version);
    FakeFlink f;
    f.ServeVersion(std::string("../flink-real/") + version);
    f.Start();
    auto client = Client(f.url());
    auto o = PollJobManagerOnce(*client, TimePoint{});
    CHECK(o.up);
    CHECK(o.error.empty());
    REQUIRE(o.config);
    CHECK(o.config->flink_version == version);
    REQUIRE(o.overview);
    CHECK(o.overview->slots_total == 12);
    REQUIRE(o.jobs);
    REQUIRE(o.jobs->size() == 1);
    CHECK(o.jobs->front().state == "RUNNING");
    REQUIRE(o.taskmanagers);
    CHECK(o.taskmanagers->size() == 3);
  }
}

TEST_CASE("PollJobManagerOnce keeps the rest when /taskmanagers answers 404",
          "[rest][poller]") {
  FakeFlink f;
  f.ServeVersion("1.18");
  f.Serve("/taskmanagers", ReadFlinkFixture("errors/taskmanagers_404.json"),
          404);
  f.Start();
  auto o = PollJobManagerOnce(*Client(f.url()), TimePoint{});
  CHECK(o.up);
  CHECK(o.fault == RestFault::kNone);
  CHECK(o.overview);
  CHECK(o.jobs);
  CHECK_FALSE(o.taskmanagers);
  CHECK(o.error ==
        "GET /taskmanagers: HTTP 404: Cannot connect to ResourceManager right "
        "now. Please try "
        "to refresh.");
}

TEST_CASE("PollJobManagerOnce reports a 307 redirect of an old standby",
          "[rest][poller]") {
  FakeFlink f;
  f.Redirect("/config", "http://jobmanager:8081/config");
  f.Start();
  auto o = PollJobManagerOnce(*Client(f.url()), TimePoint{});
  CHECK_FALSE(o.up);
  CHECK(o.fault == RestFault::kHttpStatus);
  CHECK_THAT(o.error,
             Catch::StartsWith(
                 "GET /config: HTTP 307 redirect to "
                 "http://jobmanager:8081/config (a Flink 1.5-1.7 standby"));
  CHECK(f.hits("/overview") == 0);  // every endpoint redirects: the poll ends
}

TEST_CASE("PollJobManagerOnce classifies bad answers", "[rest][poller]") {
  FakeFlink f;
  f.ServeVersion("1.18");
  f.Start();
  SECTION("garbage is a parse fault and not up") {
    f.SetMode(FakeFlink::Mode::kGarbage);
    auto o = PollJobManagerOnce(*Client(f.url()), TimePoint{});
    CHECK_FALSE(o.up);
    CHECK(o.fault == RestFault::kParse);
    CHECK_THAT(o.error, Catch::StartsWith("GET /config: invalid JSON: "));
  }
  SECTION("a broken job list keeps the overview") {
    f.Serve("/jobs/overview",
            ReadFlinkFixture("malformed/jobs_overview_wrong_type.json"));
    auto o = PollJobManagerOnce(*Client(f.url()), TimePoint{});
    CHECK(o.up);
    CHECK(o.fault == RestFault::kParse);
    CHECK(o.error ==
          "GET /jobs/overview: jobs[2].start-time: expected an integer, found "
          "string");
    CHECK(o.overview);
    CHECK_FALSE(o.jobs);
    CHECK(o.taskmanagers);
  }
  SECTION("a 500 names Flink's message") {
    f.Serve("/overview", ReadFlinkFixture("errors/internal_500.json"), 500);
    auto o = PollJobManagerOnce(*Client(f.url()), TimePoint{});
    CHECK_FALSE(o.up);
    CHECK(o.fault == RestFault::kHttpStatus);
    CHECK(o.error == "GET /overview: HTTP 500: Internal server error.");
  }
  SECTION("a hang ends at the timeout after one request") {
    f.SetMode(FakeFlink::Mode::kHang);
    auto o = PollJobManagerOnce(*Client(f.url(), 300), TimePoint{});
    CHECK_FALSE(o.up);
    CHECK(o.fault == RestFault::kTimeout);
    CHECK(o.error == "GET /config: timeout after 300ms");
    CHECK(f.total_hits() == 1);
    CHECK(o.duration_seconds < 1.5);
  }
}

TEST_CASE("JobManagerPoller publishes up, then down within one poll of a kill",
          "[rest][poller]") {
  FakeFlink f;
  f.ServeVersion("1.18");
  f.Start();
  auto cluster = TestCluster({{"jm-1", f.url()}});
  StateStore store(TimePoint{});
  PublishConfig(store, cluster);
  JobManagerPoller poller(cluster, cluster->jobmanagers[0], &store);
  poller.Start();

  REQUIRE(WaitFor([&] { return Observation(store) != nullptr; }));
  auto o = Observation(store);
  CHECK(o->up);
  CHECK(o->fault == RestFault::kNone);
  REQUIRE(o->overview);
  CHECK(o->overview->taskmanagers == 2);
  CHECK(Source(store).up);
  CHECK(Source(store).reported);
  {
    auto snap = store.Get();
    std::string name;
    CHECK(PreferredJobManager(snap->clusters.at("prod"), &name) != nullptr);
    CHECK(name == "jm-1");
  }

  f.Kill();
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(WaitFor([&] { return !Observation(store)->up; }));
  // One poll interval (50ms) plus the refused connect; far less than a request
  // timeout.
  CHECK(std::chrono::steady_clock::now() - killed <
        std::chrono::milliseconds(900));
  o = Observation(store);
  CHECK(o->fault == RestFault::kConnect);
  // The kill may land mid-poll, so any of the four requests may be the one
  // refused.
  CHECK_THAT(o->error, Catch::StartsWith("GET /") &&
                           Catch::EndsWith(": cannot connect to 127.0.0.1:" +
                                           std::to_string(f.port())));
  CHECK_FALSE(o->overview);
  SourceStatus st = Source(store);
  CHECK_FALSE(st.up);
  CHECK(st.errors_total >= 1);
  CHECK(st.last_success.has_value());

  f.Revive();
  REQUIRE(WaitFor([&] { return Observation(store)->up; }));
  CHECK(Source(store).up);
  poller.Stop();
}

TEST_CASE("JobManagerPoller reports a leader election as up with no data",
          "[rest][poller]") {
  FakeFlink f;
  f.ServeVersion("1.18");
  f.Start();
  f.SetMode(FakeFlink::Mode::kElection);
  auto cluster = TestCluster({{"jm-1", f.url()}});
  StateStore store(TimePoint{});
  PublishConfig(store, cluster);
  JobManagerPoller poller(cluster, cluster->jobmanagers[0], &store);
  poller.Start();
  REQUIRE(WaitFor([&] { return Observation(store) != nullptr; }));
  auto o = Observation(store);
  CHECK(o->up);
  CHECK(o->fault == RestFault::kLeaderElection);
  CHECK(o->error == "GET /config: HTTP 503: leader election in progress");
  CHECK_FALSE(o->config);
  CHECK_FALSE(o->overview);
  CHECK_FALSE(o->jobs);
  CHECK(Source(store)
            .up);  // the endpoint is healthy: see JobManagerPoller::PollOnce
  CHECK(Source(store).errors_total == 0);
  // No cluster data from an endpoint without a leader.
  CHECK(PreferredJobManager(store.Get()->clusters.at("prod")) == nullptr);

  f.SetMode(FakeFlink::Mode::kNormal);
  REQUIRE(WaitFor([&] { return Observation(store)->overview.has_value(); }));
  CHECK(Observation(store)->fault == RestFault::kNone);
  poller.Stop();
}

TEST_CASE("JobManagerPoller::Stop returns promptly while a request hangs",
          "[rest][poller]") {
  FakeFlink f;
  f.Start();
  f.SetMode(FakeFlink::Mode::kHang);
  auto cluster = TestCluster({{"jm-1", f.url()}}, 50, 10000);
  StateStore store(TimePoint{});
  JobManagerPoller poller(cluster, cluster->jobmanagers[0], &store);
  poller.Start();
  REQUIRE(WaitFor([&] { return f.total_hits() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  poller.Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(Observation(store) == nullptr);  // the cancelled poll published nothing
}

TEST_CASE("JobManagerPoller publishes a client configuration error every poll",
          "[rest][poller]") {
  auto cluster = TestCluster({{"jm-1", "http://127.0.0.1:1"}});
  cluster->auth.bearer_token_file = "/nonexistent/flinkha-token";
  StateStore store(TimePoint{});
  PublishConfig(store, cluster);
  JobManagerPoller poller(cluster, cluster->jobmanagers[0], &store);
  poller.Start();
  REQUIRE(WaitFor([&] { return Source(store).errors_total >= 2; }));
  poller.Stop();
  auto o = Observation(store);
  REQUIRE(o);
  CHECK_FALSE(o->up);
  CHECK(o->error ==
        "auth.bearer_token_file: cannot read /nonexistent/flinkha-token");
}

}  // namespace
}  // namespace flinkha
