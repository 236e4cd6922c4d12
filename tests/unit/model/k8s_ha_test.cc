// The Kubernetes HA parsers against ConfigMaps recorded from real JobManagers
// (tests/fixtures/flink-real/<version>/k8s, scripts/flink-cluster.py up --ha
// kubernetes): steady state, after the leader's SIGKILL and SIGTERM; and their
// errors on what an API server or a broken proxy may send instead.
#include "model/k8s_ha.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/ha_analysis.h"

namespace flinkha {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot =
    fs::path(FLINKHA_SOURCE_DIR) / "tests/fixtures/flink-real";

std::string Read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

K8sConfigMapList Fixture(const std::string& version, const std::string& name) {
  auto list = ParseConfigMapList(Read(kRoot / version / "k8s" / name));
  INFO((list.ok() ? std::string() : list.error().message));
  REQUIRE(list.ok());
  return list.value();
}

ZkObservation Observe(const K8sConfigMapList& list,
                      std::vector<K8sLock>* locks) {
  ZkObservation obs;
  obs.connected = true;
  FillK8sObservation(list.items, "realtime-pipeline", &obs, locks);
  return obs;
}

const std::string kJob120 = "0f629377f30b692f63ef4f2d3c153bc7";
const std::string kJob23 = "77b131441caaa51ddc01a72323ac8497";

}  // namespace

TEST_CASE("real 1.20.5 ConfigMaps: leaders, lock and checkpoint",
          "[k8s][real]") {
  auto list = Fixture("1.20.5", "configmaps_steady.json");
  REQUIRE(list.items.size() == 2);
  CHECK(list.resource_version == "66");
  std::vector<K8sLock> locks;
  auto obs = Observe(list, &locks);
  CHECK(obs.error.empty());
  REQUIRE(obs.components.at("rest_server"));
  CHECK(obs.components.at("rest_server")->address == "http://127.0.0.1:18091");
  CHECK(obs.components.at("rest_server")->session_id ==
        "53e5156f-bd6c-48f5-ba0c-3f262b834ce5");
  REQUIRE(obs.components.at("dispatcher"));
  CHECK(obs.components.at("dispatcher")
            ->address.rfind(
                "pekko.tcp://flink@127.0.0.1:39441/user/rpc/dispatcher", 0) ==
        0);
  REQUIRE(obs.components.at("resource_manager"));
  REQUIRE(obs.job_leaders.count(kJob120));
  CHECK(obs.job_leaders.at(kJob120)->session_id ==
        "53e5156f-bd6c-48f5-ba0c-3f262b834ce5");
  CHECK(obs.latest_checkpoint_ids.at(kJob120) == 12);  // counter is 13
  REQUIRE(locks.size() == 1);
  CHECK(locks[0].configmap == "realtime-pipeline-cluster-config-map");
  CHECK(locks[0].record.holder_identity ==
        "33f837f4-9b98-4ae1-bf67-f5d70b6ea1c8");
  CHECK(locks[0].record.lease_duration_seconds == 15.0);  // 15.000000000
  CHECK(locks[0].record.leader_transitions == 0);
  REQUIRE(locks[0].record.renew_time);
  CHECK(locks[0].record.renew_time > locks[0].record.acquire_time);
  CHECK(list.items[0].labels.at("configmap-type") == "high-availability");
}

TEST_CASE("real 2.3.0 ConfigMaps: ISO lease, no configmap-type label",
          "[k8s][real]") {
  auto list = Fixture("2.3.0", "configmaps_steady.json");
  std::vector<K8sLock> locks;
  auto obs = Observe(list, &locks);
  CHECK(obs.error.empty());
  CHECK(obs.components.at("rest_server")->address == "http://127.0.0.1:18081");
  CHECK(obs.job_leaders.at(kJob23)->address ==
        "pekko.tcp://flink@127.0.0.1:42035/user/rpc/jobmanager_2");
  CHECK(obs.latest_checkpoint_ids.at(kJob23) == 10);
  REQUIRE(locks.size() == 1);
  CHECK(locks[0].record.lease_duration_seconds == 15.0);  // "PT15S"
  for (const auto& cm : list.items)
    CHECK(cm.labels.count("configmap-type") == 0);
}

TEST_CASE("real ConfigMaps: the leader's SIGKILL and SIGTERM", "[k8s][real]") {
  for (const std::string v : {"1.20.5", "2.3.0"}) {
    INFO(v);
    std::vector<K8sLock> before_locks, kill_locks, term_locks;
    auto before = Observe(Fixture(v, "configmaps_steady.json"), &before_locks);
    auto killed =
        Observe(Fixture(v, "configmaps_after_leader_kill.json"), &kill_locks);
    auto termed =
        Observe(Fixture(v, "configmaps_after_leader_term.json"), &term_locks);
    // SIGKILL: the standby rewrote every key with its own session.
    REQUIRE(killed.components.at("rest_server"));
    CHECK(killed.components.at("rest_server")->address !=
          before.components.at("rest_server")->address);
    CHECK(killed.components.at("dispatcher")->session_id ==
          killed.components.at("rest_server")->session_id);
    CHECK(kill_locks[0].record.holder_identity !=
          before_locks[0].record.holder_identity);
    CHECK(kill_locks[0].record.leader_transitions ==
          before_locks[0].record.leader_transitions + 1);
    // SIGTERM (recorded after the standby took over): a leader again.
    REQUIRE(termed.components.at("rest_server"));
    CHECK(term_locks[0].record.leader_transitions >
          kill_locks[0].record.leader_transitions);
  }
}

TEST_CASE("the HA analysis counts the recorded SIGKILL as a failover",
          "[k8s][real]") {
  ClusterConfig cluster;
  cluster.name = "c";
  cluster.jobmanagers = {{"jm-1", "http://127.0.0.1:18081", "127.0.0.1:18081"},
                         {"jm-2", "http://127.0.0.1:18082", "127.0.0.1:18082"}};
  const TimePoint t0 = std::chrono::system_clock::now();
  auto before = Observe(Fixture("2.3.0", "configmaps_steady.json"), nullptr);
  auto after =
      Observe(Fixture("2.3.0", "configmaps_after_leader_kill.json"), nullptr);
  HaState ha = ApplyObservation(HaState{}, before, cluster, t0);
  CHECK(ha.components.at("rest_server").jobmanager == "jm-1");
  CHECK(ha.failovers_total == 0);
  ha = ApplyObservation(std::move(ha), after, cluster,
                        t0 + std::chrono::seconds(12));
  CHECK(ha.components.at("rest_server").jobmanager == "jm-2");
  CHECK(ha.failovers_total == 1);
}

TEST_CASE("ConfigMap list errors name what is wrong", "[k8s]") {
  CHECK(ParseConfigMapList("").error().message == "invalid JSON: empty body");
  CHECK(ParseConfigMapList("<html>bad gateway</html>")
            .error()
            .message.rfind("invalid JSON", 0) == 0);
  CHECK(ParseConfigMapList("[]").error().message ==
        "expected a ConfigMapList object, found array");
  CHECK(ParseConfigMapList(R"({"kind":"Status","message":"x"})")
            .error()
            .message == "kind: expected ConfigMapList, found Status");
  CHECK(ParseConfigMapList(R"({"items":[{"metadata":"x"}]})").error().message ==
        "items[0].metadata: expected an object, found string");
  CHECK(ParseConfigMapList(
            R"({"items":[{"metadata":{"name":"a"},"data":{"k":1}}]})")
            .error()
            .message == "items[0].data.k: expected string, found an integer");
  auto empty = ParseConfigMapList(R"({"kind":"ConfigMapList","items":[]})");
  REQUIRE(empty.ok());
  CHECK(empty->items.empty());
}

TEST_CASE("leader values and election records", "[k8s]") {
  auto v = ParseK8sLeaderValue(
      "70644d00-1729-4140-b326-ab59c0b71447,http://127.0.0.1:18081");
  REQUIRE(v.ok());
  CHECK(v.value()->address == "http://127.0.0.1:18081");
  CHECK(ParseK8sLeaderValue("").value() == std::nullopt);
  CHECK(!ParseK8sLeaderValue("http://127.0.0.1:18081").ok());
  CHECK(!ParseK8sLeaderValue("not-a-uuid,http://x").ok());
  CHECK(!ParseK8sLeaderValue("70644d00-1729-4140-b326-ab59c0b71447,").ok());

  CHECK(ParseIsoDuration("PT15S") == 15.0);
  CHECK(ParseIsoDuration("PT0.5S") == 0.5);
  CHECK(ParseIsoDuration("PT1M30S") == 90.0);
  CHECK(ParseIsoDuration("PT1H") == 3600.0);
  CHECK(!ParseIsoDuration("15"));
  CHECK(!ParseIsoDuration("PT"));
  CHECK(!ParseIsoDuration("PT15X"));

  auto t = ParseRfc3339("2026-12-07T02:20:56.319349Z");
  REQUIRE(t);
  CHECK(std::chrono::duration_cast<std::chrono::microseconds>(
            t->time_since_epoch())
            .count() == 1796610056319349LL);
  CHECK(ParseRfc3339("2026-12-07T03:20:56.319349+01:00") == t);
  CHECK(!ParseRfc3339("2026-12-07 02:20:56Z"));
  CHECK(!ParseRfc3339("2026-12-07T02:20:56"));
  // Beyond the clock (k8s_ha_fuzz: year 4052 overflowed into nanoseconds).
  CHECK(!ParseRfc3339("4052-12-07T02:31:44.346113Z"));
  CHECK(!ParseRfc3339("1969-12-31T23:59:59Z"));
  CHECK(ParseRfc3339("2262-01-01T00:00:00Z"));
  CHECK(!ParseRfc3339("2263-01-01T00:00:00Z"));
  const auto bad = ParseLeaderElectionRecord(
      R"({"holderIdentity":"x","acquireTime":"4052-12-07T02:31:44Z"})");
  CHECK(!bad.ok());

  auto rec = ParseLeaderElectionRecord(
      R"({"holderIdentity":"","leaseDuration":"PT15S"})");
  REQUIRE(rec.ok());
  CHECK(rec->holder_identity.empty());
  CHECK(!rec->renew_time);
  CHECK(
      ParseLeaderElectionRecord(R"({"leaseDuration":"15s"})").error().message ==
      "leaseDuration: expected an ISO-8601 duration such as PT15S, found "
      "\"15s\"");
  CHECK(ParseLeaderElectionRecord(R"({"renewTime":"yesterday"})")
            .error()
            .message ==
        "renewTime: expected an RFC 3339 time, found \"yesterday\"");
}

TEST_CASE("a garbled lock or leader value is reported, the rest is read",
          "[k8s]") {
  K8sConfigMap cm;
  cm.name = "realtime-pipeline-cluster-config-map";
  cm.annotations[std::string(kLeaderAnnotation)] = "{not json";
  cm.data["org.apache.flink.k8s.leader.restserver"] = "garbage";
  cm.data["org.apache.flink.k8s.leader.dispatcher"] =
      "70644d00-1729-4140-b326-ab59c0b71447,pekko.tcp://flink@h:1/user/rpc/d";
  ZkObservation obs;
  std::vector<K8sLock> locks;
  FillK8sObservation({cm}, "realtime-pipeline", &obs, &locks);
  CHECK(locks.empty());
  CHECK(!obs.components.at("rest_server"));
  CHECK(obs.components.at("dispatcher"));
  CHECK(obs.error.find("control-plane.alpha.kubernetes.io/leader: invalid "
                       "JSON") != std::string::npos);
  CHECK(obs.error.find("org.apache.flink.k8s.leader.restserver: expected") !=
        std::string::npos);
}

TEST_CASE("watch events", "[k8s]") {
  auto e = ParseWatchEvent(
      R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"7"},"data":{"k":"v"}}})");
  REQUIRE(e.ok());
  CHECK(e->type == "MODIFIED");
  CHECK(e->object.name == "a");
  CHECK(e->object.data.at("k") == "v");
  auto gone = ParseWatchEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old resource version: 1 (5)"}})j");
  REQUIRE(gone.ok());
  CHECK(gone->status_code == 410);
  auto bm = ParseWatchEvent(
      R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})");
  REQUIRE(bm.ok());
  CHECK(bm->object.resource_version == "9");
  CHECK(!ParseWatchEvent(R"({"type":"SOMETHING","object":{}})").ok());
  CHECK(!ParseWatchEvent("not json").ok());
  CHECK(StatusMessage(
            R"({"kind":"Status","message":"configmaps is forbidden"})") ==
        "configmaps is forbidden");
  CHECK(StatusMessage("plain text") == "plain text");
  CHECK(ClusterLabelSelectorQuery("realtime-pipeline") ==
        "labelSelector=app%3Drealtime-pipeline%2Ctype%3Dflink-native-"
        "kubernetes");
}

}  // namespace flinkha
