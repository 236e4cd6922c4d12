// The state file's format: a round trip keeps every field; foreign, corrupt,
// newer and oversized files are errors with a reason; collections are cut to
// the live bounds; a resumed state marks the restart.
#include "model/saved_state.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "support/history_snapshot.h"

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint t0 = TimePoint{} + seconds(1'700'000'000);

SavedState Sample() {
  SavedState s;
  s.saved_at = t0 + seconds(100);
  SavedCluster& c = s.clusters["realtime-pipeline"];
  FailoverReport r;
  r.seen_by = "connection";
  r.lost_jobmanager = "jm-1";
  r.cause = LossCause::kRefused;
  r.lost_at = t0 + milliseconds(1234);
  r.last_good = t0 + milliseconds(1000);
  r.zookeeper_lost_at = t0 + seconds(7);
  r.leader_at = t0 + milliseconds(7050);
  r.new_jobmanager = "jm-2";
  r.job_running_at = t0 + seconds(8);
  r.restored_checkpoint_id = 41;
  r.restored_checkpoint_age_seconds = 1.5;
  r.checkpoint_at = t0 + seconds(9);
  r.checkpoint_id = 42;
  r.output_at = t0 + seconds(10);
  CompletedCheckpoint ck;
  ck.id = 41;
  ck.latest_ack_timestamp_ms = 1'699'999'999'000;
  r.checkpoints_before["j"] = ck;
  JobException failure;
  failure.timestamp_ms = 1'700'000'001'100;
  failure.exception_class = "java.lang.IllegalStateException";
  failure.message = "flinkha drill: failure requested by marker file";
  failure.task = "drill-control (2/3) - execution #0";
  failure.endpoint = "127.0.0.1:40001";
  failure.taskmanager_id = "127.0.0.1:40001-a1b2c3";
  failure.labels = {{"type", "user"}};
  failure.concurrent = 1;
  r.failure = failure;
  r.failure_job_id = "j";
  c.failover.reports.push_back(r);
  c.failover.failovers_total = 3;
  c.failover.leaderless_seconds_total = 12.5;
  c.failover.leaderless_closed_seconds = 12.5;
  c.failover.ha_failovers_seen = 3;
  HaEvent e;
  e.at = t0 + milliseconds(7050);
  e.kind = HaEventKind::kFailover;
  e.from = "jm-1";
  e.to = "jm-2";
  e.duration_seconds = 5.816;
  e.detail = "lost: refused";
  c.failover.events.push_back(e);
  HaEvent z = e;
  z.kind = HaEventKind::kLeaderChanged;
  z.component = "dispatcher";
  c.ha_events.push_back(z);
  ClusterHistory& h = s.history.clusters["realtime-pipeline"];
  h.leader.Record("jm-1", t0);
  h.leader.Record("jm-1", t0 + seconds(2));
  h.taskmanagers.Record(3, t0);
  // An unknown value (JSON has no NaN) survives as one.
  h.slots_available.Record(std::nan(""), t0);
  h.jobs["j"].name = "csv";
  h.jobs["j"].state.Record("RUNNING", t0);
  h.jobs["j"].last_seen = t0;
  h.last_seen = t0;
  s.history.first_sample = t0;
  s.history.last_sample = t0 + seconds(2);
  s.history.samples_total = 2;
  return s;
}

TEST_CASE("SavedState: a round trip keeps every field", "[model][state]") {
  const SavedState s = Sample();
  const std::string text = EncodeSavedState(s);
  auto back = DecodeSavedState(text);
  REQUIRE(back.ok());
  CHECK(EncodeSavedState(*back) == text);  // deterministic and complete
  const FailoverReport& r =
      back->clusters.at("realtime-pipeline").failover.reports.at(0);
  CHECK(r.lost_at == t0 + milliseconds(1234));
  CHECK(r.cause == LossCause::kRefused);
  CHECK(*r.leaderless_seconds() == Approx(5.816));
  REQUIRE(r.failure);
  CHECK(*r.failure == *Sample()
                           .clusters.at("realtime-pipeline")
                           .failover.reports.at(0)
                           .failure);
  CHECK(r.failure_job_id == "j");
  CHECK(back->history.clusters.at("realtime-pipeline").leader.spans().size() ==
        1);
  REQUIRE(back->history.clusters.at("realtime-pipeline")
              .slots_available.points()
              .size() == 1);
  CHECK(std::isnan(back->history.clusters.at("realtime-pipeline")
                       .slots_available.points()[0]
                       .value));
}

TEST_CASE("SavedState: a report saved before failures were kept has none",
          "[model][state]") {
  auto j = nlohmann::json::parse(EncodeSavedState(Sample()));
  auto& report = j["clusters"]["realtime-pipeline"]["failover"]["reports"][0];
  report.erase("failure");
  report.erase("failure_job_id");
  auto back = DecodeSavedState(j.dump());
  REQUIRE(back.ok());
  const FailoverReport& r =
      back->clusters.at("realtime-pipeline").failover.reports.at(0);
  CHECK_FALSE(r.failure);
  CHECK(r.failure_job_id.empty());
}

TEST_CASE("SavedState: bad files are errors with a reason", "[model][state]") {
  CHECK(DecodeSavedState("").error().message == "not JSON");
  CHECK(DecodeSavedState("{\"truncated\": ").error().message == "not JSON");
  CHECK(DecodeSavedState("{\"a\": 1}").error().message ==
        "not a flink-ha-exporter state file");
  CHECK(DecodeSavedState("[1,2]").error().message ==
        "not a flink-ha-exporter state file");
  // Found by saved_state_fuzz: a "format" that is not a string threw out of
  // the decoder (std::terminate at start-up).
  for (const char* text : {"{\"format\": 1}", "{\"format\": null}",
                           "{\"format\": [\"flink-ha-exporter-state\"]}"}) {
    INFO(text);
    CHECK(DecodeSavedState(text).error().message ==
          "not a flink-ha-exporter state file");
  }
  auto j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["version"] = 99;
  CHECK(DecodeSavedState(j.dump()).error().message ==
        "state file version 99, this exporter reads version 1");
  j["version"] = 1;
  j["clusters"]["realtime-pipeline"]["failover"]["reports"][0]["lost_at"] =
      "yesterday";
  CHECK(DecodeSavedState(j.dump()).error().message.rfind("malformed: ", 0) ==
        0);
  j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["clusters"]["realtime-pipeline"]["failover"]["events"][0]["kind"] = "boom";
  CHECK(DecodeSavedState(j.dump()).error().message ==
        "malformed: unknown event kind \"boom\"");
  // A broken history costs only the history: the failovers are kept.
  j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["history"]["clusters"]["realtime-pipeline"]["taskmanagers"][0][0] = "x";
  auto partial = DecodeSavedState(j.dump());
  REQUIRE(partial.ok());
  CHECK(partial->history_error.rfind("history: ", 0) == 0);
  CHECK(partial->history.clusters.empty());
  CHECK(partial->clusters.at("realtime-pipeline").failover.failovers_total ==
        3);
  // Found by saved_state_fuzz: a time the clock cannot hold overflowed
  // (undefined behaviour) while converting microseconds to the clock's
  // nanoseconds. Now such a time is malformed; in the history it costs only
  // the history.
  for (int64_t us : {std::numeric_limits<int64_t>::max(),
                     int64_t{70100000000000001}, int64_t{-1}}) {
    INFO(us);
    j = nlohmann::json::parse(EncodeSavedState(Sample()));
    j["saved_at"] = us;
    CHECK(DecodeSavedState(j.dump()).error().message ==
          "malformed: time " + std::to_string(us) + " us is out of range");
    j = nlohmann::json::parse(EncodeSavedState(Sample()));
    j["history"]["clusters"]["realtime-pipeline"]["leader"][0][1] = us;
    auto cut = DecodeSavedState(j.dump());
    REQUIRE(cut.ok());
    CHECK(cut->history_error ==
          "history: time " + std::to_string(us) + " us is out of range");
  }
  // Found by saved_state_fuzz: json::get<int64_t>() of 1.7e28 is a float to
  // integer conversion out of range (undefined behaviour). Integers are read
  // only from JSON integers that fit.
  j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["clusters"]["realtime-pipeline"]["failover"]["events"][0]["at"] = 1.7e28;
  CHECK(DecodeSavedState(j.dump()).error().message ==
        "malformed: expected an integer, found number");
  j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["clusters"]["realtime-pipeline"]["failover"]["failovers_total"] = -1;
  CHECK(DecodeSavedState(j.dump()).error().message ==
        "malformed: integer -1 is out of range");
  j = nlohmann::json::parse(EncodeSavedState(Sample()));
  j["version"] = nlohmann::json::parse("18446744073709551615");
  CHECK(DecodeSavedState(j.dump()).error().message ==
        "malformed: integer 18446744073709551615 is out of range");
  CHECK(DecodeSavedState(std::string(kSavedStateMaxBytes + 1, ' '))
            .error()
            .message.find("larger than") == 0);
}

TEST_CASE("SavedState: a hostile file is cut to the live bounds",
          "[model][state]") {
  auto j = nlohmann::json::parse(EncodeSavedState(Sample()));
  auto& reports = j["clusters"]["realtime-pipeline"]["failover"]["reports"];
  auto& events = j["clusters"]["realtime-pipeline"]["failover"]["events"];
  for (int i = 0; i < 1000; ++i) {
    reports.push_back(reports[0]);
    events.push_back(events[0]);
  }
  auto back = DecodeSavedState(j.dump());
  REQUIRE(back.ok());
  CHECK(back->clusters.at("realtime-pipeline").failover.reports.size() ==
        kMaxFailoverReports);
  CHECK(back->clusters.at("realtime-pipeline").failover.events.size() ==
        kMaxFailoverEvents);
}

TEST_CASE(
    "SavedState: resuming marks the restart and resets the session's "
    "bookkeeping",
    "[model][state]") {
  const SavedState s = Sample();
  const FailoverState f = ResumeFailoverState(
      s.clusters.at("realtime-pipeline"), s.saved_at, s.saved_at + seconds(30));
  CHECK(f.failovers_total == 3);
  CHECK(f.ha_failovers_seen == 0);  // a new ZooKeeper session counts anew
  REQUIRE(f.events.size() == 3);    // failover, ZooKeeper's, restart
  CHECK(f.events.back().kind == HaEventKind::kExporterRestarted);
  CHECK(f.events.back().duration_seconds == Approx(30));
  // Resuming twice does not duplicate ZooKeeper's saved events.
  SavedCluster again{f, s.clusters.at("realtime-pipeline").ha_events};
  const FailoverState g =
      ResumeFailoverState(again, s.saved_at, s.saved_at + seconds(60));
  CHECK(g.events.size() == 4);
}

TEST_CASE(
    "SavedState: a file from the future (the clock went back) is "
    "continued in time order",
    "[model][state]") {
  const SavedState s = Sample();  // saved at t0 + 100 s, history to t0 + 2 s
  const TimePoint now = t0 + seconds(1);  // the clock stepped back
  const FailoverState f =
      ResumeFailoverState(s.clusters.at("realtime-pipeline"), s.saved_at, now);
  CHECK(f.events.back().kind == HaEventKind::kExporterRestarted);
  CHECK(f.events.back().duration_seconds == 0);  // never negative
  History history;
  history.Restore(s.history, now);
  testing::HistoryScenario scenario;
  scenario.cluster = "realtime-pipeline";
  history.Sample(testing::HistorySnapshot(scenario, 0, now), now);
  const HistoryData d = history.Copy();
  CHECK(d.clock_steps_total == 1);
  REQUIRE(d.last_sample);
  CHECK(*d.last_sample == now);
  for (const auto& span : d.clusters.at("realtime-pipeline").leader.spans()) {
    CHECK(span.from <= now);
    CHECK(span.to <= now);
  }
}

TEST_CASE("SavedState: six hours of a busy cluster's history stay small",
          "[model][state]") {
  // Ten jobs whose states flap every sample, every 2 s for 6 hours: the
  // history's bounds cut it, so the file has a ceiling whatever happens.
  testing::HistoryScenario scenario;
  scenario.flap = true;
  History history;
  const auto step = std::chrono::seconds(2);
  const int steps = 6 * 3600 / 2;
  for (int i = 0; i <= steps; ++i) {
    history.Sample(testing::HistorySnapshot(scenario, i, t0 + i * step),
                   t0 + i * step);
  }
  SavedState s = Sample();
  s.history = history.Copy();
  const std::string text = EncodeSavedState(s);
  INFO("state file after 6 hours: " << text.size() << " bytes");
  WARN("state file after 6 hours of a flapping 10-job cluster: " << text.size()
                                                                 << " bytes");
  CHECK(text.size() < 2 * 1024 * 1024);
  auto back = DecodeSavedState(text);
  REQUIRE(back.ok());
  CHECK(EncodeSavedState(*back) == text);
}

}  // namespace
}  // namespace flinkha
