// Tests for the HA analysis over event sequences with explicit times.
#include "model/ha_analysis.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(seconds(1'700'000'000));

ClusterConfig Config() {
  ClusterConfig c;
  c.name = "realtime-pipeline";
  c.jobmanagers = {
      {"jm-1", "http://localhost:8081", "jobmanager:8081"},
      {"jm-2", "http://localhost:8082", "jobmanager-standby:8081"}};
  return c;
}

// The leader of one component as JobManager `host` writes it, with leader
// session `session`.
LeaderInfo Lead(const std::string& component, const std::string& host,
                char session) {
  const std::string id =
      std::string(8, session) + "-0000-0000-0000-000000000000";
  if (component == "rest_server") return {"http://" + host + ":8081", id};
  return {"pekko.tcp://flink@" + host + ":6123/user/rpc/" + component, id};
}

// host empty: no leader for any component.
ZkObservation Obs(const std::string& host, char session = 'a',
                  int contenders = 2) {
  ZkObservation o;
  o.connected = true;
  o.session_state = ZkSessionState::kConnected;
  o.layout = ZkLayout::k1_19;
  for (const char* c : {"resource_manager", "dispatcher", "rest_server"}) {
    o.components[c] = host.empty()
                          ? std::nullopt
                          : std::optional<LeaderInfo>(Lead(c, host, session));
  }
  o.contenders["shared"] = contenders;
  return o;
}

ZkObservation Disconnected() {
  ZkObservation o;
  o.connected = false;
  o.session_state = ZkSessionState::kConnecting;
  return o;
}

// Applies observations in order and collects the new events.
struct Run {
  ClusterConfig config = Config();
  HaOptions options;
  HaState state;
  std::vector<HaEvent> events;
  Run& At(TimePoint t, const ZkObservation& o) {
    state = ApplyObservation(state, o, config, t, &events, options);
    return *this;
  }
  std::vector<std::string> Kinds() const {
    std::vector<std::string> k;
    for (const auto& e : events)
      k.push_back(std::string(HaEventKindName(e.kind)) +
                  (e.component.empty() ? "" : ":" + e.component));
    return k;
  }
  size_t Count(const std::string& kind) const {
    size_t n = 0;
    for (const auto& e : events) n += HaEventKindName(e.kind) == kind;
    return n;
  }
  // The first event of `kind`; call after Count(kind) > 0 is required.
  const HaEvent& First(HaEventKind kind) const {
    return *std::find_if(events.begin(), events.end(),
                         [&](const HaEvent& e) { return e.kind == kind; });
  }
};

TEST_CASE("HA: leaders present at start are not changes",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"));
  CHECK(r.events.empty());
  REQUIRE(r.state.components.size() == 3);
  const auto& rest = r.state.components.at("rest_server");
  CHECK(rest.known);
  CHECK(rest.jobmanager == "jm-1");
  CHECK(rest.changes_total == 0);
  CHECK_FALSE(rest.last_change.has_value());
  CHECK(r.state.components.at("dispatcher").jobmanager ==
        "jm-1");  // matched by RPC host
  CHECK(r.state.contenders.at("shared") == 2);
  CHECK(r.state.failovers_total == 0);
  CHECK_FALSE(r.state.split_brain);
}

TEST_CASE("HA: a leader is dated by its znode, before the exporter saw it",
          "[model][ha_analysis]") {
  Run r;
  ZkObservation o = Obs("jobmanager");
  const TimePoint written = kT0 - seconds(3600);
  o.leader_written["rest_server"] = written;
  r.At(kT0, o);
  const auto& rest = r.state.components.at("rest_server");
  REQUIRE(rest.since.has_value());
  CHECK(*rest.since == written);  // ZooKeeper's record, not the first sight
  CHECK_FALSE(r.state.components.at("dispatcher").since.has_value());

  // Lost: no date; the next leader brings its own.
  r.At(kT0 + seconds(1), Obs(""));
  CHECK_FALSE(r.state.components.at("rest_server").since.has_value());
  ZkObservation next = Obs("jobmanager-standby", 'b');
  next.leader_written["rest_server"] = kT0 + milliseconds(1500);
  r.At(kT0 + seconds(2), next);
  CHECK(r.state.components.at("rest_server").since == kT0 + milliseconds(1500));
  // Our session lost: unknown.
  r.At(kT0 + seconds(3), Disconnected());
  CHECK_FALSE(r.state.components.at("rest_server").since.has_value());
}

TEST_CASE("HA: a failover ends when ZooKeeper dated the new leader's writes",
          "[model][ha_analysis]") {
  auto written = [](ZkObservation o, TimePoint rest, TimePoint others) {
    for (const char* c : {"resource_manager", "dispatcher", "rest_server"})
      o.leader_written[c] = std::string(c) == "rest_server" ? rest : others;
    return o;
  };
  // Seen 0.4 s after the last write (a loaded host): the write counts.
  Run r;
  r.At(kT0, Obs("jobmanager"));
  r.At(kT0 + seconds(1), Obs(""));
  r.At(kT0 + milliseconds(5400),
       written(Obs("jobmanager-standby", 'b'), kT0 + milliseconds(4900),
               kT0 + milliseconds(5000)));
  REQUIRE(r.state.last_failover_duration_seconds.has_value());
  CHECK(*r.state.last_failover_duration_seconds == Approx(4.0));
  REQUIRE(r.Count("leaders_replaced") == 1);
  CHECK(r.events.back().at == kT0 + milliseconds(5000));

  // A write dated outside the episode on our clock (skew): our observation.
  for (const TimePoint bad : {kT0 + milliseconds(500), kT0 + seconds(9)}) {
    Run s;
    s.At(kT0, Obs("jobmanager"));
    s.At(kT0 + seconds(1), Obs(""));
    s.At(kT0 + seconds(3), written(Obs("jobmanager-standby", 'b'), bad, bad));
    REQUIRE(s.state.last_failover_duration_seconds.has_value());
    CHECK(*s.state.last_failover_duration_seconds == Approx(2.0));
  }
  // A component without a date: our observation.
  Run u;
  u.At(kT0, Obs("jobmanager"));
  u.At(kT0 + seconds(1), Obs(""));
  ZkObservation partial = Obs("jobmanager-standby", 'b');
  partial.leader_written["rest_server"] = kT0 + milliseconds(1500);
  u.At(kT0 + seconds(3), partial);
  CHECK(*u.state.last_failover_duration_seconds == Approx(2.0));
}

TEST_CASE(
    "HA: leader lost then a new one is a failover with the leaderless time",
    "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(10), Obs("", 'a', 1))
      .At(kT0 + seconds(11), Obs("", 'a', 1))  // a tick while leaderless
      .At(kT0 + milliseconds(12500), Obs("jobmanager-standby", 'b', 1));
  CHECK(r.state.failovers_total == 1);
  REQUIRE(r.state.last_failover_duration_seconds.has_value());
  CHECK(*r.state.last_failover_duration_seconds == Approx(2.5));
  CHECK(r.state.leaderless_seconds_total == Approx(2.5));
  CHECK_FALSE(r.state.leaderless_since.has_value());
  const auto& rest = r.state.components.at("rest_server");
  CHECK(rest.jobmanager == "jm-2");
  CHECK(rest.changes_total == 1);
  CHECK(rest.last_change == kT0 + milliseconds(12500));
  CHECK(r.Count("leader_lost") == 3);
  CHECK(r.Count("leader_elected") == 0);
  CHECK(r.Count("leader_changed") == 3);
  REQUIRE(r.Count("leaders_replaced") == 1);
  const HaEvent& f = r.events.back();
  CHECK(f.kind == HaEventKind::kLeadersReplaced);
  CHECK(f.from == "jm-1");
  CHECK(f.to == "jm-2");
  CHECK(f.duration_seconds == Approx(2.5));
  CHECK(r.state.contenders.at("shared") == 1);
}

TEST_CASE("HA: leaderless time is measured while it lasts",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager")).At(kT0 + seconds(1), Obs(""));
  CHECK(r.state.leaderless_since == kT0 + seconds(1));
  r.At(kT0 + seconds(4), Obs(""));
  CHECK(r.state.leaderless_seconds_total == Approx(3));
  CHECK(r.state.failovers_total == 0);  // not over yet
}

TEST_CASE("HA: a leader replaced in one step is a failover of zero duration",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(5), Obs("jobmanager-standby", 'b'));
  CHECK(r.state.failovers_total == 1);
  CHECK(*r.state.last_failover_duration_seconds == Approx(0));
  CHECK(r.state.leaderless_seconds_total == Approx(0));
}

TEST_CASE("HA: a new leader session of the same JobManager is a change",
          "[model][ha_analysis]") {
  // jm-1 loses its leadership; `host` leads next with session `session`.
  auto failover = [](const std::string& host, char session) {
    Run r;
    r.At(kT0, Obs("jobmanager", 'a'))
        .At(kT0 + seconds(1), Obs(""))
        .At(kT0 + seconds(2), Obs(host, session));
    CHECK(r.state.failovers_total == 1);
    CHECK(r.state.components.at("rest_server").changes_total == 1);
    REQUIRE(r.Count("leaders_replaced") == 1);
    return r.First(HaEventKind::kLeadersReplaced);
  };
  // The event names it as what it is, not a bare "jm-1 -> jm-1".
  const HaEvent same = failover("jobmanager", 'c');
  CHECK(same.from == "jm-1");
  CHECK(same.to == "jm-1");
  CHECK(same.detail ==
        "the same JobManager under a new leader session: Flink revoked its "
        "leadership and granted it again");
  const HaEvent other = failover("jobmanager-standby", 'b');
  CHECK(other.from == "jm-1");
  CHECK(other.to == "jm-2");
  CHECK(other.detail.empty());
}

TEST_CASE("HA: the same leader returning is not a failover",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(1), Obs(""))
      .At(kT0 + seconds(3), Obs("jobmanager"));
  CHECK(r.state.failovers_total == 0);
  CHECK_FALSE(r.state.last_failover_duration_seconds.has_value());
  CHECK(r.state.components.at("rest_server").changes_total == 0);
  CHECK(r.Count("leader_recovered") == 1);
  CHECK(r.state.leaderless_seconds_total == Approx(2));
}

TEST_CASE("HA: a cluster's first election is a change, not a failover",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("", 'a', 0)).At(kT0 + seconds(7), Obs("jobmanager"));
  CHECK(r.state.failovers_total == 0);
  CHECK(r.state.components.at("rest_server").changes_total == 1);
  CHECK(r.Count("leader_elected") == 3);
  CHECK(r.state.leaderless_seconds_total == Approx(7));
}

TEST_CASE("HA: our own session loss is not a failover",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager")).At(kT0 + seconds(1), Disconnected());
  const auto& rest = r.state.components.at("rest_server");
  CHECK_FALSE(rest.known);  // unknown while we cannot see ZooKeeper
  CHECK(rest.jobmanager.empty());
  CHECK(r.state.contenders.empty());
  CHECK_FALSE(r.state.leaderless_since.has_value());
  r.At(kT0 + seconds(30), Disconnected())
      .At(kT0 + seconds(31), Obs("jobmanager"));
  CHECK(r.state.failovers_total == 0);
  CHECK(r.state.leaderless_seconds_total == Approx(0));
  CHECK(r.state.components.at("rest_server").known);
  CHECK(r.state.components.at("rest_server").changes_total == 0);
  CHECK(r.Kinds() == std::vector<std::string>{"zookeeper_session_lost",
                                              "zookeeper_session_restored"});
}

TEST_CASE(
    "HA: a leader change during our session loss counts without a duration",
    "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(1), Disconnected())
      .At(kT0 + seconds(20), Obs("jobmanager-standby", 'b'));
  CHECK(r.state.failovers_total == 1);
  CHECK_FALSE(r.state.last_failover_duration_seconds.has_value());
  CHECK(r.state.components.at("rest_server").changes_total == 1);
  REQUIRE(r.Count("leaders_replaced") == 1);
  CHECK_THAT(r.events.back().detail, Catch::Contains("duration unknown"));
}

TEST_CASE(
    "HA: a failover overlapping our session loss counts only visible "
    "leaderless time",
    "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(1), Obs(""))
      .At(kT0 + seconds(3), Disconnected())
      .At(kT0 + seconds(60), Obs("jobmanager-standby", 'b'));
  CHECK(r.state.failovers_total == 1);
  CHECK(r.state.leaderless_seconds_total == Approx(2));
  CHECK_FALSE(r.state.last_failover_duration_seconds.has_value());
}

TEST_CASE("HA: no standby shows as one contender", "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager", 'a', 1));
  CHECK(r.state.contenders.at("shared") == 1);
}

TEST_CASE("HA: split brain needs the grace period", "[model][ha_analysis]") {
  Run r;
  ZkObservation split = Obs("jobmanager");
  split.layout = ZkLayout::k1_14;
  split.components["dispatcher"] =
      Lead("dispatcher", "jobmanager-standby", 'b');
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + seconds(1), split)
      .At(kT0 + seconds(10), split);
  CHECK_FALSE(r.state.split_brain);
  CHECK(r.state.split_since == kT0 + seconds(1));
  r.At(kT0 + seconds(11), split);
  CHECK(r.state.split_brain);
  CHECK(r.Count("split_brain") == 1);
  r.At(kT0 + seconds(12), split);
  CHECK(r.Count("split_brain") == 1);  // once per episode
  r.At(kT0 + seconds(13), Obs("jobmanager"));
  CHECK_FALSE(r.state.split_brain);
  CHECK(r.Count("split_brain_resolved") == 1);
}

TEST_CASE(
    "HA: a short split while a new leader writes its components is no split "
    "brain",
    "[model][ha_analysis]") {
  Run r;
  ZkObservation half = Obs("jobmanager");
  half.components["rest_server"] =
      Lead("rest_server", "jobmanager-standby", 'b');
  r.At(kT0, Obs("jobmanager"))
      .At(kT0 + milliseconds(100), half)
      .At(kT0 + milliseconds(300), Obs("jobmanager-standby", 'b'));
  CHECK_FALSE(r.state.split_brain);
  CHECK(r.Count("split_brain") == 0);
  CHECK(r.state.failovers_total == 1);
}

TEST_CASE(
    "HA: with the shared latch, two leader sessions at once are a split brain",
    "[model][ha_analysis]") {
  Run r;
  ZkObservation two = Obs("jobmanager", 'a');
  two.components["dispatcher"] = Lead("dispatcher", "jobmanager", 'z');
  r.At(kT0, two).At(kT0 + seconds(10), two);
  CHECK(r.state.split_brain);
  // The same situation before 1.15 is one JobManager holding separate latches:
  // fine.
  Run old;
  two.layout = ZkLayout::k1_14;
  old.At(kT0, two).At(kT0 + seconds(10), two);
  CHECK_FALSE(old.state.split_brain);
}

TEST_CASE(
    "HA: one unmatched IPv6 leader on its REST and RPC ports is no split brain",
    "[model][ha_analysis]") {
  Run r;
  ZkObservation o = Obs("[fd00::9]");  // no configured JobManager has it
  o.layout = ZkLayout::k1_14;          // each component elected apart
  r.At(kT0, o).At(kT0 + seconds(30), o);
  CHECK_FALSE(r.state.split_brain);
  CHECK(r.Count("split_brain") == 0);
}

TEST_CASE("HA: many failovers in the window raise one flapping event",
          "[model][ha_analysis]") {
  Run r;
  r.At(kT0, Obs("jobmanager", 'a'));
  const char* hosts[] = {"jobmanager-standby", "jobmanager"};
  for (int i = 1; i <= 4; ++i) {
    r.At(kT0 + seconds(10 * i), Obs(hosts[i % 2], static_cast<char>('a' + i)));
  }
  CHECK(r.state.failovers_total == 4);
  CHECK(r.state.flapping);
  CHECK(r.Count("flapping") == 1);
  r.At(kT0 + seconds(3600),
       Obs(hosts[0], 'x'));  // long after: the window holds one failover
  CHECK_FALSE(r.state.flapping);
}

TEST_CASE("HA: the event list is bounded", "[model][ha_analysis]") {
  Run r;
  r.options.max_events = 10;
  r.At(kT0, Obs("jobmanager", 'a'));
  for (int i = 1; i <= 20; ++i) r.At(kT0 + seconds(i), Obs("", 'a'));
  for (int i = 1; i <= 20; ++i) {
    r.At(kT0 + seconds(100 + 2 * i), Obs(""));
    r.At(kT0 + seconds(101 + 2 * i),
         Obs(i % 2 ? "jobmanager-standby" : "jobmanager",
             static_cast<char>('a' + i)));
  }
  CHECK(r.state.events.size() == 10);
  CHECK(r.events.size() > 10);
  CHECK(r.state.events.back().kind == r.events.back().kind);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

TEST_CASE(
    "HA: JobManagers sharing a host, one leader session, are no split brain",
    "[model][ha_analysis]") {
  // The demo's shape: both JobManagers on 127.0.0.1 with different REST ports,
  // so the REST leader matches jm-1 and the RPC leaders are named through its
  // session.
  Run r;
  r.config.jobmanagers = {{"jm-1", "http://127.0.0.1:8081", "127.0.0.1:8081"},
                          {"jm-2", "http://127.0.0.1:8082", "127.0.0.1:8082"}};
  ZkObservation o = Obs("127.0.0.1");  // one session for every component
  r.At(kT0, o).At(kT0 + seconds(30), o);
  CHECK(r.state.components.at("rest_server").jobmanager == "jm-1");
  CHECK(r.state.components.at("dispatcher").jobmanager == "jm-1");
  CHECK_FALSE(r.state.split_brain);

  // Two leader sessions under the shared latch: a real split.
  ZkObservation split = o;
  split.components["dispatcher"] = Lead("dispatcher", "127.0.0.1", 'b');
  r.At(kT0 + seconds(31), split).At(kT0 + seconds(45), split);
  CHECK(r.state.split_brain);
}

TEST_CASE("HA: per-component latches compare hosts when a leader is unmatched",
          "[model][ha_analysis]") {
  Run r;
  r.config.jobmanagers = {{"jm-1", "http://127.0.0.1:8081", "127.0.0.1:8081"},
                          {"jm-2", "http://127.0.0.1:8082", "127.0.0.1:8082"}};
  ZkObservation o = Obs("127.0.0.1");
  o.layout = ZkLayout::k1_14;
  for (auto& [c, l] : o.components) l->session_id = c;  // a session per latch
  r.At(kT0, o).At(kT0 + seconds(30), o);
  CHECK(r.state.components.at("rest_server").jobmanager == "jm-1");
  CHECK_FALSE(r.state.split_brain);
}

}  // namespace
}  // namespace flinkha

namespace flinkha {
namespace {

// Real Flink on one host: both JobManagers advertise 127.0.0.1 with their REST
// ports, and the RPC addresses carry random RPC ports no config names.
TEST_CASE("HA: components share the REST leader's session and so its name",
          "[model][ha_analysis]") {
  Run r;
  r.config.jobmanagers = {{"jm-1", "http://127.0.0.1:8081", "127.0.0.1:8081"},
                          {"jm-2", "http://127.0.0.1:8082", "127.0.0.1:8082"}};
  auto obs = [](int rest_port, char session, char rm_session) {
    ZkObservation o = Obs("127.0.0.1", session);
    const std::string id =
        std::string(8, session) + "-0000-0000-0000-000000000000";
    o.components["rest_server"] =
        LeaderInfo{"http://127.0.0.1:" + std::to_string(rest_port), id};
    o.components["dispatcher"] = LeaderInfo{
        "pekko.tcp://flink@127.0.0.1:40123/user/rpc/dispatcher_1", id};
    o.components["resource_manager"] = LeaderInfo{
        "pekko.tcp://flink@127.0.0.1:40123/user/rpc/resourcemanager_0",
        std::string(8, rm_session) + "-0000-0000-0000-000000000000"};
    return o;
  };
  r.At(kT0, obs(8081, 'a', 'a'));
  CHECK(r.state.components.at("rest_server").jobmanager == "jm-1");
  CHECK(r.state.components.at("dispatcher").jobmanager == "jm-1");
  CHECK(r.state.components.at("resource_manager").jobmanager == "jm-1");
  r.At(kT0 + seconds(5), obs(8082, 'b', 'b'));
  CHECK(r.state.components.at("dispatcher").jobmanager == "jm-2");
  CHECK(r.events.back().to == "jm-2");
  // The old leaders are named too, by the session they led with, although
  // the REST leader's session is now another: jm-1 -> jm-2 for every
  // component, never an RPC address.
  for (const auto& e : r.events) {
    if (e.kind != HaEventKind::kLeaderChanged) continue;
    INFO(e.component);
    CHECK(e.from == "jm-1");
    CHECK(e.to == "jm-2");
  }
  // Another session than the REST leader's: not named after it.
  r.At(kT0 + seconds(6), obs(8082, 'b', 'c'));
  CHECK(r.state.components.at("resource_manager").jobmanager.empty());
}

}  // namespace
}  // namespace flinkha
