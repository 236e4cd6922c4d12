// CheckpointPoller against FakeFlink: per-job statistics, a failover that
// resets the counts, a job that disappears, and how few requests a steady job
// costs.
#include "sources/rest/checkpoint_poller.h"

#include <catch2/catch.hpp>

#include "model/rest_parsers.h"
#include "sources/rest/jobmanager_poller.h"
#include "support/fake_flink.h"
#include "unit/sources/rest/test_util.h"

namespace flinkha {
namespace {

using rest_test::PublishConfig;
using rest_test::TestCluster;
using rest_test::WaitFor;
using testing::FakeFlink;
using testing::ReadFlinkFixture;

const std::string kRunning =
    "d4f5e2a1c3b7a9e8f0d1c2b3a4e5f6a7";  // RUNNING csv-writer
const std::string kRestarting =
    "5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";  // RESTARTING
const std::string kInitializing = "9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e";
const std::string kFinished = "0f9e8d7c6b5a49382716a5b4c3d2e1f0";
const std::string kMetrics = "/metrics?get=numRestarts,fullRestarts";

// Publishes jm-1 as up with the 1.18 job list (optionally edited), as
// JobManagerPoller would.
void PublishJobs(
    StateStore& store,
    const std::function<void(std::vector<JobSummary>&)>& edit = {}) {
  auto jobs = ParseJobsOverview(ReadFlinkFixture("1.18/jobs_overview.json"));
  REQUIRE(jobs.ok());
  std::vector<JobSummary> list = *jobs;
  if (edit) edit(list);
  auto o = std::make_shared<JobManagerObservation>();
  o->up = true;
  o->overview = ClusterOverview{};
  o->jobs = std::move(list);
  store.UpdateCluster("prod",
                      [&](ClusterState& c) { c.jobmanagers["jm-1"] = o; });
}

std::shared_ptr<const JobCheckpointObservation> Checkpoints(
    const StateStore& store, const std::string& job) {
  auto s = store.Get();
  const auto& c = s->clusters.at("prod").checkpoints;
  auto it = c.find(job);
  return it == c.end() ? nullptr : it->second;
}

void ServeJob(FakeFlink& f, const std::string& jid,
              const std::string& checkpoints) {
  f.Serve("/jobs/" + jid + "/checkpoints", ReadFlinkFixture(checkpoints));
  f.Serve("/jobs/" + jid + "/checkpoints/config",
          ReadFlinkFixture("1.18/checkpoints_config.json"));
  f.Serve("/jobs/" + jid + kMetrics,
          ReadFlinkFixture("1.18/metrics_restarts.json"));
}

struct Fixture {
  FakeFlink f;
  StateStore store{TimePoint{}};
  std::shared_ptr<ClusterConfig> cluster;

  Fixture() {
    ServeJob(f, kRunning, "1.18/checkpoints.json");
    ServeJob(f, kRestarting, "1.18/checkpoints_fresh_job.json");
    // The initializing job has checkpointing disabled: Flink answers 404.
    f.Serve("/jobs/" + kInitializing + "/checkpoints",
            R"({"errors":["Checkpointing has not been enabled."]})", 404);
    f.Serve("/jobs/" + kInitializing + "/checkpoints/config",
            R"({"errors":["Checkpointing is not enabled for this job."]})",
            404);
    f.Serve("/jobs/" + kInitializing + kMetrics, "[]");
    f.Start();
    cluster = TestCluster({{"jm-1", f.url()}}, 30);
    PublishConfig(store, cluster);
  }

  // A job's statistics requests: its lane's visits. Lanes poll independently.
  int Visits(const std::string& job) const {
    return f.hits("/jobs/" + job + "/checkpoints");
  }
  int Polls() const { return Visits(kRunning); }
};

TEST_CASE("CheckpointPoller publishes statistics of every non-terminal job",
          "[rest][checkpoints]") {
  Fixture x;
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  // Jobs are spread over lanes that poll independently: wait for every
  // polled job, not only for the one Polls() counts.
  REQUIRE(WaitFor([&] {
    for (const std::string& j : {kRunning, kRestarting, kInitializing}) {
      if (x.Visits(j) < 4) return false;
    }
    return Checkpoints(x.store, kRunning) &&
           Checkpoints(x.store, kRestarting) &&
           Checkpoints(x.store, kInitializing);
  }));
  poller.Stop();

  auto running = Checkpoints(x.store, kRunning);
  REQUIRE(running);
  CHECK(running->job_name == "csv-writer");
  REQUIRE(running->stats);
  CHECK(running->stats->completed == 24);
  REQUIRE(running->last_completed_ever);
  CHECK(running->last_completed_ever->id == 42);
  REQUIRE(running->config);
  CHECK(running->config->interval_ms == 60000);
  CHECK(running->num_restarts == 2);
  CHECK(running->error.empty());

  auto restarting = Checkpoints(x.store, kRestarting);
  REQUIRE(restarting);
  REQUIRE(restarting->stats);
  CHECK_FALSE(
      restarting->last_completed_ever);  // none completed yet: no placeholder

  auto disabled = Checkpoints(x.store, kInitializing);
  REQUIRE(disabled);
  CHECK_FALSE(disabled->stats);
  CHECK_FALSE(disabled->config);
  CHECK(disabled->error.empty());

  CHECK_FALSE(Checkpoints(x.store, kFinished));  // terminal jobs are not polled
  CHECK(x.f.hits("/jobs/" + kFinished + "/checkpoints") == 0);

  const SourceStatus st =
      x.store.Get()->clusters.at("prod").sources.at("checkpoints");
  CHECK(st.up);
  CHECK(st.errors_total == 0);

  // Requests, counted against the same job's visits (each visit asks the
  // statistics): config once per start-time (a job that is not running yet
  // answers 404 until it runs: asked every visit); numRestarts of the steady
  // RUNNING job once (last-modification unchanged), of the RESTARTING job
  // every visit.
  CHECK(x.f.hits("/jobs/" + kRunning + "/checkpoints/config") == 1);
  CHECK(x.f.hits("/jobs/" + kRunning + kMetrics) == 1);
  // (Stop may cancel a visit between two requests: allow one less.)
  CHECK(x.f.hits("/jobs/" + kInitializing + "/checkpoints/config") >=
        x.Visits(kInitializing) - 1);
  CHECK(x.f.hits("/jobs/" + kRestarting + kMetrics) >=
        x.Visits(kRestarting) - 1);
}

TEST_CASE(
    "CheckpointPoller reads the checkpoint config once an initializing job "
    "runs",
    "[rest][checkpoints]") {
  Fixture x;
  PublishJobs(x.store);  // kInitializing answers 404 while it initializes
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] {
    return x.Visits(kInitializing) >= 2 &&
           Checkpoints(x.store, kInitializing) != nullptr;
  }));
  auto before = Checkpoints(x.store, kInitializing);
  REQUIRE(before);
  CHECK_FALSE(before->config);

  // The execution graph exists: the same job (same start-time) runs and has
  // its checkpoint config.
  ServeJob(x.f, kInitializing, "1.18/checkpoints.json");
  PublishJobs(x.store, [](std::vector<JobSummary>& jobs) {
    for (auto& j : jobs) {
      if (j.id == kInitializing) j.state = "RUNNING";
    }
  });
  REQUIRE(WaitFor([&] {
    auto c = Checkpoints(x.store, kInitializing);
    return c && c->config.has_value();
  }));
  const int config_hits =
      x.f.hits("/jobs/" + kInitializing + "/checkpoints/config");
  const int visits = x.Visits(kInitializing);
  REQUIRE(WaitFor([&] { return x.Visits(kInitializing) >= visits + 2; }));
  poller.Stop();
  CHECK(Checkpoints(x.store, kInitializing)->config->interval_ms == 60000);
  // Known now: not asked again while start-time stays.
  CHECK(x.f.hits("/jobs/" + kInitializing + "/checkpoints/config") ==
        config_hits);
}

TEST_CASE(
    "CheckpointPoller keeps the last completed checkpoint across a failover",
    "[rest][checkpoints]") {
  Fixture x;
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] {
    auto c = Checkpoints(x.store, kRunning);
    return c && c->last_completed_ever;
  }));

  // Failover: the new JobMaster restarts the counts and knows no completed
  // checkpoint; its job has a new start-time, so the config is read again.
  x.f.Serve("/jobs/" + kRunning + "/checkpoints",
            ReadFlinkFixture("1.18/checkpoints_after_failover.json"));
  PublishJobs(x.store, [](std::vector<JobSummary>& jobs) {
    jobs[0].start_time_ms += 3600000;
    jobs[0].last_modification_ms += 3600000;
  });
  REQUIRE(WaitFor([&] {
    auto c = Checkpoints(x.store, kRunning);
    return c->stats && c->stats->completed == 0;
  }));
  auto after = Checkpoints(x.store, kRunning);
  REQUIRE(after->last_completed_ever);
  CHECK(after->last_completed_ever->id == 42);
  CHECK(after->last_completed_ever->latest_ack_timestamp_ms == 1717002521830);
  REQUIRE(after->stats->latest_restored);
  CHECK(after->stats->latest_restored->id == 42);
  CHECK(WaitFor([&] {
    return x.f.hits("/jobs/" + kRunning + "/checkpoints/config") == 2;
  }));
  poller.Stop();
}

TEST_CASE("CheckpointPoller drops a job that disappears",
          "[rest][checkpoints]") {
  Fixture x;
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(
      WaitFor([&] { return Checkpoints(x.store, kRestarting) != nullptr; }));
  PublishJobs(x.store, [](std::vector<JobSummary>& jobs) {
    std::erase_if(jobs,
                  [](const JobSummary& j) { return j.id == kRestarting; });
  });
  REQUIRE(
      WaitFor([&] { return Checkpoints(x.store, kRestarting) == nullptr; }));
  CHECK(Checkpoints(x.store, kRunning) != nullptr);

  // A job that becomes terminal is dropped too.
  PublishJobs(x.store, [](std::vector<JobSummary>& jobs) {
    jobs[0].state = "CANCELED";
  });
  REQUIRE(WaitFor([&] { return Checkpoints(x.store, kRunning) == nullptr; }));

  // Listed again (e.g. re-submitted under the same id): its last checkpoint is
  // remembered.
  x.f.Serve("/jobs/" + kRunning + "/checkpoints",
            ReadFlinkFixture("1.18/checkpoints_after_failover.json"));
  PublishJobs(x.store);
  REQUIRE(WaitFor([&] { return Checkpoints(x.store, kRunning) != nullptr; }));
  auto back = Checkpoints(x.store, kRunning);
  REQUIRE(back->last_completed_ever);
  CHECK(back->last_completed_ever->id == 42);
  poller.Stop();
}

TEST_CASE("CheckpointPoller keeps what it knows while no JobManager is healthy",
          "[rest][checkpoints]") {
  Fixture x;
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] { return Checkpoints(x.store, kRunning) != nullptr; }));
  x.store.UpdateCluster("prod", [](ClusterState& c) {
    auto down = std::make_shared<JobManagerObservation>();
    down->fault = RestFault::kConnect;
    down->error = "GET /config: cannot connect to 127.0.0.1:1";
    c.jobmanagers["jm-1"] = down;
  });
  REQUIRE(WaitFor([&] {
    return !x.store.Get()->clusters.at("prod").sources.at("checkpoints").up;
  }));
  poller.Stop();
  const SnapshotPtr snap = x.store.Get();  // keeps the snapshot alive
  const ClusterState& c = snap->clusters.at("prod");
  CHECK(c.sources.at("checkpoints").last_error ==
        "no healthy JobManager to read jobs from");
  auto kept = Checkpoints(x.store, kRunning);
  REQUIRE(kept);
  CHECK(kept->last_completed_ever->id == 42);
}

TEST_CASE(
    "CheckpointPoller reports a failing endpoint and stops that poll early",
    "[rest][checkpoints]") {
  Fixture x;
  x.cluster->request_timeout = Duration(200);
  PublishJobs(x.store);
  x.f.SetMode(FakeFlink::Mode::kHang);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] {
    const SnapshotPtr snap = x.store.Get();
    const auto& s = snap->clusters.at("prod").sources;
    return s.count("checkpoints") && s.at("checkpoints").errors_total >= 1;
  }));
  const auto start = std::chrono::steady_clock::now();
  poller.Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  const SnapshotPtr snap = x.store.Get();  // keeps the snapshot alive
  const ClusterState& c = snap->clusters.at("prod");
  const std::string& error = c.sources.at("checkpoints").last_error;
  INFO(error);
  CHECK(
      (error == "GET /jobs/" + kRunning + "/checkpoints: timeout after 200ms" ||
       error ==
           "GET /jobs/" + kRestarting + "/checkpoints: timeout after 200ms" ||
       error ==
           "GET /jobs/" + kInitializing + "/checkpoints: timeout after 200ms"));
  // A timeout ends the visit: nothing after the statistics was asked.
  for (const auto& job : {kRunning, kRestarting, kInitializing}) {
    CHECK(x.f.hits("/jobs/" + job + kMetrics) == 0);
    CHECK(x.f.hits("/jobs/" + job + "/checkpoints/config") == 0);
  }
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE(
    "CheckpointPoller started with the JobManager poller counts no start-up "
    "error",
    "[rest][checkpoints]") {
  Fixture x;
  x.f.ServeVersion("1.18");
  // The wait for the JobManager poller's first report is one poll interval:
  // long enough here for a first poll under sanitizers on a loaded machine.
  x.cluster->poll_interval = Duration(1000);
  JobManagerPoller jm(x.cluster, x.cluster->jobmanagers[0], &x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();  // first, so it has to wait for the JobManager poller
  jm.Start();
  REQUIRE(WaitFor([&] {
    const SnapshotPtr snap = x.store.Get();
    const auto& s = snap->clusters.at("prod").sources;
    return s.count("checkpoints") && s.at("checkpoints").reported;
  }));
  poller.Stop();
  jm.Stop();
  const SourceStatus st =
      x.store.Get()->clusters.at("prod").sources.at("checkpoints");
  INFO(st.last_error);
  CHECK(st.up);
  CHECK(st.errors_total == 0);
  CHECK(Checkpoints(x.store, kRunning) != nullptr);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

// n more RUNNING jobs with checkpointing every minute, served by x.f.
std::vector<std::string> AddJobs(Fixture& x, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    char id[33];
    snprintf(id, sizeof id, "%032x", 0xabc000 + i);
    ids.push_back(id);
    ServeJob(x.f, id, "1.18/checkpoints.json");
  }
  PublishJobs(x.store, [&](std::vector<JobSummary>& jobs) {
    JobSummary model = jobs[0];
    for (const auto& id : ids) {
      model.id = id;
      jobs.push_back(model);
    }
  });
  return ids;
}

TEST_CASE(
    "CheckpointPoller stays within its request budget and publishes results "
    "as they arrive",
    "[rest][checkpoints]") {
  Fixture x;
  x.cluster->checkpoint_requests_per_second = 20;
  x.cluster->poll_interval = Duration(100);
  const auto ids = AddJobs(x, 40);  // 43 jobs x 3 requests: over 6 s at 20/s
  CheckpointPoller poller(x.cluster, &x.store);
  const auto start = std::chrono::steady_clock::now();
  poller.Start();
  // The first jobs' series are out long before the round ends.
  REQUIRE(WaitFor([&] { return Checkpoints(x.store, kRunning) != nullptr; }));
  const double first_seen =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  CHECK(first_seen < 2.0);  // the round takes 6.5 s
  CHECK(Checkpoints(x.store, ids.back()) == nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const int hits = x.f.total_hits();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  poller.Stop();
  INFO("requests " << hits << " in " << elapsed << " s");
  CHECK(hits <= 20 * elapsed + 1);
  CHECK(hits >= 20 * (elapsed - 0.5));  // and it uses the budget it has
  const SnapshotPtr snap = x.store.Get();
  const auto& status = snap->clusters.at("prod").checkpoint_poll;
  REQUIRE(status);
  CHECK(status->requests_per_second_budget == 20);
  // As of the last publication, at most a second before the end.
  CHECK(status->requests_total <= static_cast<uint64_t>(hits));
  CHECK(status->requests_total + 25 >= static_cast<uint64_t>(hits));
  CHECK(status->jobs == 43);
  CHECK(status->overdue_jobs > 0);  // 43 jobs every 100 ms: far behind
}

TEST_CASE(
    "CheckpointPoller asks a steady job at a quarter of its checkpoint "
    "interval",
    "[rest][checkpoints]") {
  Fixture x;
  x.cluster->poll_interval = Duration(100);
  // The fixture's interval is 60 s: a quarter is 15 s, clamped to 12 polls.
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] { return x.Polls() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  poller.Stop();
  // 2.5 s / 1.2 s: the first visit and two more (not 25, one per poll).
  CHECK(x.Polls() >= 2);
  CHECK(x.Polls() <= 4);
  // The RESTARTING job is asked every poll interval (plus the time its and
  // the initializing job's requests take at 60/s).
  CHECK(x.f.hits("/jobs/" + kRestarting + "/checkpoints") >= 10);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE(
    "CheckpointPoller reads the exception history and job details; a "
    "malformed history is the job's error and the rest still arrives",
    "[rest][checkpoints][diagnosis]") {
  Fixture x;
  const std::string exceptions = "/exceptions?maxExceptions=10";
  // Recorded from real Flink (tests/fixtures/flink-real).
  x.f.Serve("/jobs/" + kRunning + exceptions,
            ReadFlinkFixture("../flink-real/2.3.0/exceptions.json"));
  x.f.Serve("/jobs/" + kRunning,
            ReadFlinkFixture("../flink-real/2.3.0/job.json"));
  const std::string body =
      ReadFlinkFixture("../flink-real/1.20.5/exceptions.json");
  x.f.Serve("/jobs/" + kRestarting + exceptions,
            body.substr(0, body.size() / 2));
  PublishJobs(x.store);
  CheckpointPoller poller(x.cluster, &x.store);
  poller.Start();
  REQUIRE(WaitFor([&] {
    auto r = Checkpoints(x.store, kRunning);
    auto s = Checkpoints(x.store, kRestarting);
    return r && r->exceptions && r->details && s && s->stats &&
           !s->error.empty();
  }));
  poller.Stop();
  auto running = Checkpoints(x.store, kRunning);
  REQUIRE(running->exceptions->entries.size() == 1);
  CHECK(running->exceptions->entries[0].exception_class ==
        "java.lang.IllegalStateException");
  CHECK(running->details->timestamps.count("RUNNING"));
  CHECK(running->error.empty());
  auto restarting = Checkpoints(x.store, kRestarting);
  CHECK(restarting->error.find("GET /jobs/" + kRestarting + exceptions) == 0);
  CHECK_FALSE(restarting->exceptions);
  CHECK(restarting->stats);
  CHECK(restarting->num_restarts);
  auto failures = x.store.Get()->clusters.at("prod").checkpoint_poll->failures;
  REQUIRE(failures);
  CHECK(failures->by_class.at("java.lang.IllegalStateException") == 1);
}

}  // namespace
}  // namespace flinkha
