// Real Apache Flink on a three-server ZooKeeper ensemble
// (scripts/flink-cluster.py
// --zk-servers 3, Debian's ZooKeeper on loopback), one cluster start for three
// drills: a follower killed and restarted, the ZooKeeper leader killed (an
// election), two servers killed (quorum lost) and restarted. The truth comes
// from ZooKeeper itself (`srvr` sent to each server directly) and from
// Flink's own logs (connection suspended, leadership revoked and granted with
// a new leader session id); the exporter is held to it. A report per drill
// lands in FLINKHA_DRILL_REPORT_DIR/ensemble-<version>.txt.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "model/zk_4lw.h"
#include "sources/zookeeper/four_letter_word.h"
#include "support/exporter_process.h"
#include "support/flink_cluster.h"

namespace flinkha::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr char kCluster[] = "realtime-pipeline";

double Now() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls pred every 250 ms (each poll reads Flink's logs and scrapes the
// exporter) until true or timeout.
bool Poll(const std::function<bool()>& pred, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(250));
  }
}

// Local wall time as Flink's log4j prints it ("02:15:31,750"), to read next to
// Flink's logs.
std::string WallTime(double epoch_seconds) {
  const time_t secs = static_cast<time_t>(epoch_seconds);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%02d:%02d:%02d,%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
      static_cast<int>((epoch_seconds - static_cast<double>(secs)) * 1000));
  return buf;
}

std::string Fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// What one server says of itself (srvr, straight to its client port).
struct ServerTruth {
  bool serving = false;
  std::string mode;  // leader | follower; "" when not serving or down
  int64_t epoch = -1;
  std::string answer;  // first line or the error
};

ServerTruth AskServer(int port) {
  ServerTruth t;
  auto a = SendFourLetterWord("127.0.0.1", port, "srvr", milliseconds(2000));
  if (!a.ok()) {
    t.answer = a.error().message;
    return t;
  }
  ZkServerHealth h;
  t.answer = a.value().substr(0, a.value().find('\n'));
  if (!ParseSrvr(a.value(), &h).ok()) return t;
  t.serving = true;
  t.mode = h.mode;
  if (h.zxid) t.epoch = *h.zxid >> 32;
  return t;
}

// Flink's own account, from its JobManager logs: counts of the lines that
// say what it did, and the leader session it granted last.
struct FlinkTruth {
  int suspended = 0;  // leader election driver: connection suspended
  std::map<std::string, int> suspended_by;  // per JobManager
  int lost = 0;     // curator: State change: LOST (session expired)
  int revoked = 0;  // REST endpoint: "... lost leadership"
  int granted = 0;  // REST endpoint: "... was granted leadership"
  int job_suspended = 0;
  std::string leader;      // jm-N of the last grant
  std::string session_id;  // its leaderSessionID
  std::string granted_at;  // its log time ("2026-12-07 02:15:31,750")
};

FlinkTruth ReadFlink(const FlinkCluster& flink) {
  FlinkTruth t;
  static const std::regex grant(
      R"(http://127\.0\.0\.1:\d+ was granted leadership with leaderSessionID=([0-9a-f-]+))");
  static const std::regex revoke(R"(http://127\.0\.0\.1:\d+ lost leadership)");
  for (const std::string jm : {"jm-1", "jm-2"}) {
    const int n = flink.CountLog(
        jm,
        "ZooKeeperLeaderElectionDriver [] - Connection to ZooKeeper "
        "suspended");
    t.suspended += n;
    t.suspended_by[jm] = n;
    t.lost += flink.CountLog(jm, "State change: LOST");
    t.job_suspended += flink.CountLog(jm, "to SUSPENDED.");
    std::istringstream in(flink.Log(jm));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, revoke)) ++t.revoked;
      if (!std::regex_search(line, m, grant)) continue;
      ++t.granted;
      const std::string at = line.substr(0, 23);
      if (at >= t.granted_at) {
        t.granted_at = at;
        t.leader = jm;
        t.session_id = m[1].str();
      }
    }
  }
  return t;
}

std::string Diff(const FlinkTruth& before, const FlinkTruth& after) {
  std::string by;
  for (const auto& [jm, n] : after.suspended_by) {
    const auto it = before.suspended_by.find(jm);
    const int d = n - (it == before.suspended_by.end() ? 0 : it->second);
    if (d > 0) by += (by.empty() ? " (" : ", ") + jm + " x" + std::to_string(d);
  }
  if (!by.empty()) by += ")";
  std::string s =
      "connection suspended x" +
      std::to_string(after.suspended - before.suspended) + by +
      ", session lost x" + std::to_string(after.lost - before.lost) +
      ", leadership revoked x" +
      std::to_string(after.revoked - before.revoked) + ", granted x" +
      std::to_string(after.granted - before.granted) + ", job SUSPENDED x" +
      std::to_string(after.job_suspended - before.job_suspended) + "; leader " +
      after.leader + " session " + after.session_id;
  if (after.granted > before.granted) s += " granted at " + after.granted_at;
  return s;
}

// The exporter's account.
struct ExporterView {
  double quorum = NAN, serving = NAN, epoch = NAN, elections = NAN;
  double session_connected = NAN, session_changes = NAN, expirations = NAN;
  double failovers = NAN, rest_changes = NAN, job_running = NAN;
  std::string session_server;
  std::string leader_jm, leader_session;
  std::map<std::string, double> up;  // server -> flinkha_zookeeper_up
  std::string zk_leader;             // server in mode leader
  std::vector<std::string> events;   // HA events (kind from->to (detail))
  std::string metrics;               // the scrape read
};

ExporterView ReadExporter(const ExporterProcess& exporter,
                          const std::vector<int>& ports,
                          const std::string& jid) {
  ExporterView v;
  v.metrics = exporter.Metrics();
  const std::string& m = v.metrics;
  const std::map<std::string, std::string> c{{"flink_cluster", kCluster}};
  v.quorum = MetricValue(m, "flinkha_zookeeper_quorum", c);
  v.serving = MetricValue(m, "flinkha_zookeeper_ensemble_serving_servers", c);
  v.epoch = MetricValue(m, "flinkha_zookeeper_leader_epoch", c);
  v.elections = MetricValue(m, "flinkha_zookeeper_leader_elections_total", c);
  v.session_connected =
      MetricValue(m, "flinkha_zookeeper_session_connected", c);
  v.session_changes =
      MetricValue(m, "flinkha_zookeeper_session_server_changes_total", c);
  v.expirations =
      MetricValue(m, "flinkha_zookeeper_session_expirations_total", c);
  v.failovers = MetricValue(m, "flinkha_failovers_total", c);
  v.rest_changes = MetricValue(m, "flinkha_leader_changes_total",
                               {{"component", "rest_server"}});
  v.job_running = MetricValue(m, "flinkha_job_state",
                              {{"job_id", jid}, {"state", "RUNNING"}});
  for (int port : ports) {
    const std::string server = "127.0.0.1:" + std::to_string(port);
    v.up[server] = MetricValue(m, "flinkha_zookeeper_up", {{"server", server}});
    if (MetricValue(m, "flinkha_zookeeper_server_mode",
                    {{"server", server}, {"mode", "leader"}}) == 1) {
      v.zk_leader = server;
    }
    if (MetricValue(m, "flinkha_zookeeper_session_server",
                    {{"server", server}}) == 1) {
      v.session_server = server;
    }
  }
  const HttpResult r = exporter.Get("/api/v1/status");
  const json s = json::parse(r.body, nullptr, false);
  if (s.is_object() && s.contains("clusters")) {
    for (const auto& cl : s["clusters"]) {
      if (!cl.contains("ha")) continue;
      const json& ha = cl["ha"];
      if (ha.contains("components") &&
          ha["components"].contains("rest_server")) {
        const json& rs = ha["components"]["rest_server"];
        v.leader_jm = rs.value("jobmanager", "");
        v.leader_session = rs.value("session_id", "");
      }
      for (const auto& e : ha.value("events", json::array())) {
        v.events.push_back(
            e.value("at", "") + " " + e.value("kind", "") +
            (e.value("component", "").empty()
                 ? ""
                 : " " + e.value("component", "")) +
            (e.value("from", "").empty() && e.value("to", "").empty()
                 ? ""
                 : " " + e.value("from", "") + "->" + e.value("to", "")) +
            (e.value("detail", "").empty()
                 ? ""
                 : " (" + e.value("detail", "") + ")"));
      }
    }
  }
  return v;
}

std::string Describe(const ExporterView& v, size_t events_before) {
  std::string s =
      "quorum " + Fixed(v.quorum, 0) + ", serving " + Fixed(v.serving, 0) +
      "/3, zk leader " + (v.zk_leader.empty() ? "none" : v.zk_leader) +
      " epoch " + Fixed(v.epoch, 0) + ", elections_total " +
      Fixed(v.elections, 0) + "; session " +
      (v.session_connected == 1 ? "connected to " + v.session_server
                                : std::string("disconnected")) +
      " (moves " + Fixed(v.session_changes, 0) + ", expirations " +
      Fixed(v.expirations, 0) + "); Flink leader " + v.leader_jm + " session " +
      v.leader_session + ", rest_server changes " + Fixed(v.rest_changes, 0) +
      ", failovers " + Fixed(v.failovers, 0) + ", job RUNNING " +
      Fixed(v.job_running, 0);
  for (size_t i = events_before; i < v.events.size(); ++i) {
    s += "\n      event " + v.events[i];
  }
  return s;
}

struct Report {
  std::string version;
  std::string out;
  void Add(const std::string& drill, const std::string& text) {
    out += "--- " + drill + "\n" + text + "\n";
  }
  ~Report() {
    const std::string all = "=== real Flink " + version +
                            " on a 3-server ZooKeeper ensemble\n" + out;
    std::fputs(all.c_str(), stdout);
    if (const char* dir = std::getenv("FLINKHA_DRILL_REPORT_DIR")) {
      std::ofstream(std::string(dir) + "/ensemble-" + version + ".txt") << all;
    }
  }
};

TEST_CASE("Real Flink on a three-server ZooKeeper ensemble",
          "[flink][ensemble]") {
  FlinkClusterOptions fo;
  fo.version = FlinkVersionUnderTest();
  fo.zk_servers = 3;
  FlinkCluster flink(fo);
  Report report;
  report.version = fo.version;
  const bool started = flink.Start();
  INFO("flink-cluster.py: " + flink.error());
  REQUIRE(started);
  const std::vector<int> ports = flink.zk_ports();
  REQUIRE(ports.size() == 3);
  auto server_of = [](int port) { return "127.0.0.1:" + std::to_string(port); };
  auto name_of = [&](int port) {
    for (size_t i = 0; i < ports.size(); ++i) {
      if (ports[i] == port) return "zk-" + std::to_string(i + 1);
    }
    return std::string("?");
  };
  // The exporter with a 1 s health probe.
  std::string yaml = flink.ExporterConfigYaml(kCluster, "1s", "500ms");
  const std::string root = "      root: /flink\n";
  yaml.replace(yaml.find(root), root.size(),
               root + "      health_interval: 1s\n");
  TempDir dir;
  ExporterProcess exporter(dir.path(), yaml);
  REQUIRE(exporter.WaitReady(seconds(60)));
  pid_t exporter_pid = exporter.process().pid();
  const std::string jid = flink.job_id();
  auto view = [&] { return ReadExporter(exporter, ports, jid); };
  auto leader_port = [&]() -> int {
    for (int p : ports) {
      if (AskServer(p).mode == "leader") return p;
    }
    return 0;
  };
  auto epoch_now = [&]() -> int64_t {
    const int p = leader_port();
    return p ? AskServer(p).epoch : -1;
  };
  auto job_running = [&] {
    auto j = flink.RestJson(0, "/jobs/overview");
    if (!j) j = flink.RestJson(1, "/jobs/overview");
    for (const auto& x : j.value_or(json::object()).value("jobs", json())) {
      if (x.value("jid", "") == jid) return x.value("state", "") == "RUNNING";
    }
    return false;
  };
  // Flink and the exporter agree once the exporter names the leader session
  // Flink granted last and sees the job RUNNING as Flink does.
  auto settled = [&] {
    const FlinkTruth f = ReadFlink(flink);
    const ExporterView v = view();
    return job_running() && !f.session_id.empty() &&
           v.leader_session == f.session_id && v.job_running == 1 &&
           v.quorum == 1 && v.serving == 3;
  };
  // Flink granted leadership again to the JobManager that had it: the
  // exporter's failover event says so and the failover's cause is `revoked`
  // (true when Flink granted nothing anew or to another JobManager).
  auto regrant_said = [&](const FlinkTruth& fb, const FlinkTruth& fa,
                          size_t events_before) {
    if (fa.granted == fb.granted || fa.leader != fb.leader) return true;
    const std::string same = " leaders_replaced " + fa.leader + "->" +
                             fa.leader +
                             " (the same JobManager under a new leader session";
    return Poll(
        [&] {
          const ExporterView v = view();
          bool said = false;
          for (size_t i = events_before; i < v.events.size(); ++i) {
            said = said || v.events[i].find(same) != std::string::npos;
          }
          return said && MetricValue(v.metrics, "flinkha_last_failover_info",
                                     {{"lost_jobmanager", fa.leader},
                                      {"cause", "revoked"},
                                      {"new_jobmanager", fa.leader}}) == 1;
        },
        seconds(10));
  };
  REQUIRE(Poll(settled, seconds(60)));
  {
    const ExporterView v = view();
    const int lp = leader_port();
    CHECK(v.zk_leader == server_of(lp));
    CHECK(v.epoch == epoch_now());
    CHECK(v.elections == 0);
    CHECK(v.session_connected == 1);
    CHECK_FALSE(v.session_server.empty());
    report.Add("steady state (Flink started in " +
                   Fixed(flink.startup_seconds()) + " s)",
               "  ZooKeeper: leader " + name_of(lp) + " epoch " +
                   std::to_string(epoch_now()) +
                   "\n  exporter: " + Describe(v, v.events.size()));
  }

  // a) A follower that does not carry the exporter's session: killed, then
  // restarted. No election, the same Flink leader session.
  {
    const ExporterView before = view();
    const FlinkTruth fb = ReadFlink(flink);
    const int64_t epoch = epoch_now();
    const int lp = leader_port();
    int victim = 0;
    for (int p : ports) {
      if (p != lp && server_of(p) != before.session_server) victim = p;
    }
    REQUIRE(victim != 0);
    const std::string vs = server_of(victim);
    const double t0 = Now();
    REQUIRE(flink.Signal(name_of(victim), SIGKILL));
    double seen_down = 0;
    CHECK(Poll(
        [&] {
          ExporterView v = view();
          if (v.up[vs] == 0 && v.serving == 2 && v.quorum == 1) {
            seen_down = Now() - t0;
            return true;
          }
          return false;
        },
        seconds(15)));
    // The survivors keep the leader and the epoch (truth: their srvr).
    CHECK(leader_port() == lp);
    CHECK(epoch_now() == epoch);
    std::this_thread::sleep_for(seconds(3));  // time for any reaction
    const ExporterView down = view();
    const FlinkTruth fd = ReadFlink(flink);
    CHECK(down.quorum == 1);
    CHECK(down.elections == before.elections);
    CHECK(down.epoch == before.epoch);
    CHECK(down.zk_leader == before.zk_leader);
    CHECK(down.session_changes == before.session_changes);
    // Flink's leader session: unchanged unless Flink itself revoked (its
    // connection was on that follower); the exporter says the same.
    CHECK(down.leader_session == fd.session_id);
    CHECK((fd.granted == fb.granted) ==
          (down.rest_changes == before.rest_changes));
    REQUIRE(flink.Restart(name_of(victim)));
    double seen_up = 0;
    const double t1 = Now();
    CHECK(Poll(
        [&] {
          ExporterView v = view();
          if (v.up[vs] == 1 && v.serving == 3) {
            seen_up = Now() - t1;
            return true;
          }
          return false;
        },
        seconds(30)));
    const ExporterView after = view();
    const FlinkTruth fa = ReadFlink(flink);
    CHECK(after.elections == before.elections);
    CHECK(epoch_now() == epoch);
    CHECK(after.leader_session == fa.session_id);
    report.Add("a) follower " + name_of(victim) + " (" + vs + ") SIGKILL at " +
                   WallTime(t0) + ", restarted at " + WallTime(t1),
               "  ZooKeeper: leader " + name_of(lp) + " epoch " +
                   std::to_string(epoch) +
                   " before and after (srvr)\n  Flink:    " + Diff(fb, fa) +
                   "\n  exporter: server down after " + Fixed(seen_down) +
                   " s (quorum 1, serving 2), up again " + Fixed(seen_up) +
                   " s after the restart\n    now: " +
                   Describe(after, before.events.size()));
  }

  // b) The ZooKeeper leader killed: an election. The exporter counts it, its
  // session reconnects (elsewhere) without a restart, and it reports what
  // Flink did.
  {
    // The C client picks a server at random: restart the exporter (before
    // the drill) until its session is on the ZooKeeper leader, so that the
    // kill must move it.
    for (int i = 0; i < 20 && view().session_server != server_of(leader_port());
         ++i) {
      REQUIRE(exporter.Restart());
      Poll([&] { return view().session_connected == 1; }, seconds(15));
    }
    exporter_pid = exporter.process().pid();
    REQUIRE(Poll(settled, seconds(60)));
    const ExporterView before = view();
    const FlinkTruth fb = ReadFlink(flink);
    const int64_t epoch = epoch_now();
    const int lp = leader_port();
    REQUIRE(lp != 0);
    const double t0 = Now();
    REQUIRE(flink.Signal(name_of(lp), SIGKILL));
    int new_leader = 0;
    double elected_after = 0;
    REQUIRE(Poll(
        [&] {
          for (int p : ports) {
            if (p == lp) continue;
            const ServerTruth t = AskServer(p);
            if (t.mode == "leader") {
              new_leader = p;
              elected_after = Now() - t0;
              return true;
            }
          }
          return false;
        },
        seconds(30)));
    const int64_t new_epoch = AskServer(new_leader).epoch;
    CHECK(new_epoch > epoch);
    double reported_after = 0;
    CHECK(Poll(
        [&] {
          const ExporterView v = view();
          if (v.elections == before.elections + 1 && v.epoch == new_epoch &&
              v.zk_leader == server_of(new_leader) && v.quorum == 1) {
            reported_after = Now() - t0;
            return true;
          }
          return false;
        },
        seconds(15)));
    // Flink's reaction (its connections drop with the election) shows in its
    // logs within moments; once a revoked leadership is granted again, the
    // exporter must name the new leader session and see the job RUNNING.
    std::this_thread::sleep_for(seconds(3));
    CHECK(Poll(
        [&] {
          const FlinkTruth f = ReadFlink(flink);
          const ExporterView v = view();
          return (f.revoked == fb.revoked || f.granted > fb.granted) &&
                 job_running() && v.session_connected == 1 &&
                 v.leader_session == f.session_id && v.job_running == 1;
        },
        seconds(90)));
    const ExporterView after = view();
    const FlinkTruth fa = ReadFlink(flink);
    CHECK(exporter.process().pid() == exporter_pid);
    CHECK(after.session_connected == 1);
    CHECK(after.session_server != server_of(lp));
    CHECK(after.expirations == before.expirations);
    CHECK(before.session_server == server_of(lp));
    CHECK(after.session_changes > before.session_changes);
    CHECK(after.leader_session == fa.session_id);
    CHECK(after.leader_jm == fa.leader);
    // Every leadership Flink granted anew is a leader change to the exporter.
    CHECK((fa.granted > fb.granted) ==
          (after.rest_changes > before.rest_changes));
    CHECK(after.job_running == 1);
    CHECK(regrant_said(fb, fa, before.events.size()));
    REQUIRE(flink.Restart(name_of(lp)));
    CHECK(Poll([&] { return view().serving == 3; }, seconds(30)));
    report.Add(
        "b) ZooKeeper leader " + name_of(lp) + " (" + server_of(lp) +
            ") SIGKILL at " + WallTime(t0) + ", restarted",
        "  ZooKeeper: " + name_of(new_leader) + " leads epoch " +
            std::to_string(new_epoch) + " (was " + std::to_string(epoch) +
            ") " + Fixed(elected_after) + " s after the kill (srvr)\n" +
            "  Flink:    " + Diff(fb, fa) + "\n  exporter: election reported " +
            Fixed(reported_after) + " s after the kill; session was on " +
            before.session_server + ", now " + after.session_server +
            " (same exporter pid)\n    now: " +
            Describe(after, before.events.size()));
  }

  // c) Two servers killed: the quorum is lost. The exporter says so and
  // keeps serving /metrics fast; both restarted, the quorum returns.
  {
    REQUIRE(Poll(settled, seconds(90)));
    const ExporterView before = view();
    const FlinkTruth fb = ReadFlink(flink);
    const int64_t epoch = epoch_now();
    const int lp = leader_port();
    std::vector<int> victims = {lp};
    for (int p : ports) {
      if (p != lp && victims.size() < 2) victims.push_back(p);
    }
    const double t0 = Now();
    for (int p : victims) REQUIRE(flink.Signal(name_of(p), SIGKILL));
    double lost_after = 0;
    CHECK(Poll(
        [&] {
          const ExporterView v = view();
          if (v.quorum == 0) {
            lost_after = Now() - t0;
            return true;
          }
          return false;
        },
        seconds(15)));
    // Quorum lost for 12 s (twice Flink's 6 s ZooKeeper session timeout):
    // scrape every 200 ms meanwhile.
    double worst_ms = 0;
    int scrapes = 0, failed = 0;
    const auto until = Clock::now() + seconds(12);
    while (Clock::now() < until) {
      const auto s0 = Clock::now();
      const HttpResult r = exporter.Get("/metrics");
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - s0).count();
      worst_ms = std::max(worst_ms, ms);
      ++scrapes;
      failed += r.status != 200;
      std::this_thread::sleep_for(milliseconds(200));
    }
    const ExporterView lost = view();
    const FlinkTruth fl = ReadFlink(flink);
    CHECK(lost.quorum == 0);
    CHECK(lost.serving == 0);
    CHECK(failed == 0);
    CHECK(worst_ms < 1000);
    const double t1 = Now();
    for (int p : victims) REQUIRE(flink.Restart(name_of(p)));
    int64_t new_epoch = -1;
    double back_after = 0;
    CHECK(Poll(
        [&] {
          const ExporterView v = view();
          if (v.quorum == 1 && v.elections > before.elections) {
            back_after = Now() - t1;
            return true;
          }
          return false;
        },
        seconds(60)));
    new_epoch = epoch_now();
    CHECK(new_epoch > epoch);
    // Flink regains its footing; the exporter follows.
    const bool recovered = Poll(settled, seconds(120));
    const ExporterView after = view();
    const FlinkTruth fa = ReadFlink(flink);
    CHECK(recovered);
    CHECK(after.epoch == new_epoch);
    CHECK(after.elections == before.elections + (new_epoch - epoch));
    CHECK(after.leader_session == fa.session_id);
    CHECK(after.session_connected == 1);
    CHECK(regrant_said(fb, fa, before.events.size()));
    CHECK(exporter.process().pid() == exporter_pid);
    report.Add("c) " + name_of(victims[0]) + " (leader) and " +
                   name_of(victims[1]) + " SIGKILL at " + WallTime(t0) +
                   ": quorum lost, restarted at " + WallTime(t1),
               "  ZooKeeper: epoch " + std::to_string(epoch) + " -> " +
                   std::to_string(new_epoch) +
                   " (srvr)\n  Flink during the loss: " + Diff(fb, fl) +
                   "\n  Flink after:  " + Diff(fb, fa) +
                   "\n  exporter: quorum lost reported " + Fixed(lost_after) +
                   " s after the kill; " + std::to_string(scrapes) +
                   " scrapes during the loss, " + std::to_string(failed) +
                   " failed, slowest " + Fixed(worst_ms) + " ms; quorum back " +
                   Fixed(back_after) + " s after the restart\n    during: " +
                   Describe(lost, before.events.size()) +
                   "\n    now: " + Describe(after, before.events.size()));
  }
}

}  // namespace
}  // namespace flinkha::testing
