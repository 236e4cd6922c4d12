// HaCollector and ZooKeeperCollector over a hand-made snapshot: series, labels
// and values.
#include <catch2/catch.hpp>

#include "collectors/collector.h"
#include "collectors/ha_collector.h"
#include "collectors/zookeeper_collector.h"
#include "support/golden.h"

namespace flinkha {
namespace {

using testing::HasLine;

std::string Render(const Collector& c, const Snapshot& s) {
  std::vector<std::unique_ptr<Collector>> one;
  if (dynamic_cast<const HaCollector*>(&c)) {
    // With its per-job part, as AllCollectors() lists them.
    one.push_back(std::make_unique<HaCollector>());
    one.push_back(std::make_unique<HaJobCollector>());
  } else {
    one.push_back(std::make_unique<ZooKeeperCollector>());
  }
  return RenderMetrics(one, s);
}

Snapshot HaSnapshot() {
  Snapshot s;
  ClusterState& c = s.clusters["prod"];
  c.name = "prod";
  auto ha = std::make_shared<HaState>();
  ComponentLeadership rest;
  rest.known = true;
  rest.leader = {"http://jobmanager:8081",
                 "123e4567-e89b-12d3-a456-426614174000"};
  rest.jobmanager = "jm-1";
  rest.changes_total = 2;
  rest.last_change = TimePoint(std::chrono::seconds(1700000000));
  ha->components["rest_server"] = rest;
  ha->components["dispatcher"] = ComponentLeadership();
  ha->contenders = {{"shared", 1}};
  ha->failovers_total = 3;
  c.ha = ha;
  // Failovers as the failover state tells them (model/failover.h).
  auto f = std::make_shared<FailoverState>();
  f->failovers_total = 3;
  f->leaderless_seconds_total = 4.25;
  FailoverReport r;
  r.lost_at = TimePoint(std::chrono::seconds(1700000000));
  r.last_good = r.lost_at - std::chrono::milliseconds(800);
  r.leader_at = r.lost_at + std::chrono::milliseconds(1500);
  f->reports.push_back(r);
  c.failover = f;
  auto zk = std::make_shared<ZkObservation>();
  zk->connected = true;
  zk->session_expirations_total = 1;
  zk->job_leaders["a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1"] = std::nullopt;
  zk->latest_checkpoint_ids["a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1"] = 42;
  c.zookeeper = zk;
  return s;
}

TEST_CASE("HaCollector exports leaders, contenders and failovers",
          "[collectors][ha]") {
  const std::string t = Render(HaCollector(), HaSnapshot());
  CHECK(HasLine(
      t,
      R"(flinkha_leader_known{flink_cluster="prod",component="rest_server"} 1)"));
  CHECK(HasLine(
      t,
      R"(flinkha_leader_known{flink_cluster="prod",component="dispatcher"} 0)"));
  CHECK(HasLine(
      t,
      R"(flinkha_leader_info{flink_cluster="prod",component="rest_server",address="http://jobmanager:8081",jobmanager="jm-1"} 1)"));
  CHECK(
      t.find(
          R"(flinkha_leader_info{flink_cluster="prod",component="dispatcher")") ==
      std::string::npos);
  CHECK(HasLine(
      t,
      R"(flinkha_leader_changes_total{flink_cluster="prod",component="rest_server"} 2)"));
  CHECK(HasLine(
      t,
      R"(flinkha_leader_last_change_timestamp_seconds{flink_cluster="prod",component="rest_server"} 1700000000)"));
  CHECK(HasLine(
      t, R"(flinkha_contenders{flink_cluster="prod",latch="shared"} 1)"));
  CHECK(HasLine(t, R"(flinkha_standby_available{flink_cluster="prod"} 0)"));
  CHECK(HasLine(t, R"(flinkha_failovers_total{flink_cluster="prod"} 3)"));
  CHECK(HasLine(
      t,
      R"(flinkha_last_failover_duration_seconds{flink_cluster="prod"} 1.5)"));
  CHECK(HasLine(
      t, R"(flinkha_leaderless_seconds_total{flink_cluster="prod"} 4.25)"));
  CHECK(HasLine(
      t,
      R"(flinkha_last_failover_duration_upper_bound_seconds{flink_cluster="prod"} 2.3)"));
  CHECK(HasLine(t, R"(flinkha_failover_in_progress{flink_cluster="prod"} 0)"));
  CHECK(HasLine(t, R"(flinkha_split_brain{flink_cluster="prod"} 0)"));
  CHECK(HasLine(
      t,
      R"(flinkha_job_leader_known{flink_cluster="prod",job_id="a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1"} 0)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_latest_checkpoint_id{flink_cluster="prod",job_id="a8e7f5d3c2b1a0f9e8d7c6b5a4f3e2d1"} 42)"));
  CHECK(t.find("# TYPE flinkha_failovers_total counter") != std::string::npos);
  CHECK(t.find("updated on ZooKeeper watch events") != std::string::npos);
  // Not duplicated here: flinkha_jobmanager_leader comes from the JobManager
  // collector.
  CHECK(t.find("flinkha_jobmanager_leader") == std::string::npos);
}

TEST_CASE("HaCollector: two contenders on every latch means a standby",
          "[collectors][ha]") {
  Snapshot s = HaSnapshot();
  auto ha = std::make_shared<HaState>(*s.clusters["prod"].ha);
  ha->contenders = {
      {"rest_server", 2}, {"dispatcher", 2}, {"resource_manager", 3}};
  s.clusters["prod"].ha = ha;
  CHECK(HasLine(Render(HaCollector(), s),
                R"(flinkha_standby_available{flink_cluster="prod"} 1)"));
  ha->contenders["dispatcher"] = 1;
  CHECK(HasLine(Render(HaCollector(), s),
                R"(flinkha_standby_available{flink_cluster="prod"} 0)"));
}

TEST_CASE("ZooKeeperCollector exports the session and each server",
          "[collectors][zk]") {
  Snapshot s = HaSnapshot();
  auto h = std::make_shared<ZkServerHealth>();
  h->server = "zk1:2181";
  h->up = true;
  h->mode = "follower";
  h->commands_allowed = {{"mntr", false}, {"srvr", true}};
  h->latency_min_seconds = 0.001;
  h->latency_avg_seconds = 0.0025;
  h->latency_max_seconds = 0.037;
  h->outstanding_requests = 2;
  h->znode_count = 117;
  h->connections = 4;
  auto down = std::make_shared<ZkServerHealth>();
  down->server = "zk2:2181";
  down->error = "connect: connection refused";
  s.clusters["prod"].zookeeper_servers = {{"zk1:2181", h}, {"zk2:2181", down}};
  const std::string t = Render(ZooKeeperCollector(), s);
  CHECK(HasLine(
      t, R"(flinkha_zookeeper_session_connected{flink_cluster="prod"} 1)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_session_expirations_total{flink_cluster="prod"} 1)"));
  CHECK(HasLine(
      t, R"(flinkha_zookeeper_up{flink_cluster="prod",server="zk1:2181"} 1)"));
  CHECK(HasLine(
      t, R"(flinkha_zookeeper_up{flink_cluster="prod",server="zk2:2181"} 0)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_server_mode{flink_cluster="prod",server="zk1:2181",mode="follower"} 1)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_server_mode{flink_cluster="prod",server="zk1:2181",mode="leader"} 0)"));
  CHECK(t.find(R"(server_mode{flink_cluster="prod",server="zk2:2181")") ==
        std::string::npos);
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_four_letter_word_allowed{flink_cluster="prod",server="zk1:2181",command="mntr"} 0)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_four_letter_word_allowed{flink_cluster="prod",server="zk1:2181",command="srvr"} 1)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_latency_seconds{flink_cluster="prod",server="zk1:2181",stat="max"} 0.037)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_outstanding_requests{flink_cluster="prod",server="zk1:2181"} 2)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_znodes{flink_cluster="prod",server="zk1:2181"} 117)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_connections{flink_cluster="prod",server="zk1:2181"} 4)"));
}

TEST_CASE("ZooKeeperCollector exports the ensemble and the session's server",
          "[collectors][zk]") {
  Snapshot s = HaSnapshot();
  auto zk = std::make_shared<ZkObservation>(*s.clusters["prod"].zookeeper);
  zk->session_server = "zk2:2181";
  zk->session_server_changes_total = 2;
  s.clusters["prod"].zookeeper = zk;
  auto e = std::make_shared<ZkEnsembleState>();
  e->view.servers = 3;
  e->view.serving = 2;
  e->view.leader = "zk2:2181";
  e->view.epoch = 5;
  e->view.quorum = true;
  e->elections.elections_total = 4;
  s.clusters["prod"].zookeeper_ensemble = e;
  std::string t = Render(ZooKeeperCollector(), s);
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_session_server{flink_cluster="prod",server="zk2:2181"} 1)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_session_server_changes_total{flink_cluster="prod"} 2)"));
  CHECK(HasLine(
      t, R"(flinkha_zookeeper_ensemble_servers{flink_cluster="prod"} 3)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_ensemble_serving_servers{flink_cluster="prod"} 2)"));
  CHECK(HasLine(t, R"(flinkha_zookeeper_quorum{flink_cluster="prod"} 1)"));
  CHECK(
      HasLine(t, R"(flinkha_zookeeper_leader_epoch{flink_cluster="prod"} 5)"));
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_leader_elections_total{flink_cluster="prod"} 4)"));
  // Quorum lost: no leader, no epoch; disconnected: no session server.
  e->view = ZkEnsembleView{3, 1, "", std::nullopt, false};
  zk->session_server.clear();
  t = Render(ZooKeeperCollector(), s);
  CHECK(HasLine(t, R"(flinkha_zookeeper_quorum{flink_cluster="prod"} 0)"));
  CHECK(t.find("flinkha_zookeeper_leader_epoch{") == std::string::npos);
  CHECK(t.find("flinkha_zookeeper_session_server{") == std::string::npos);
  CHECK(HasLine(
      t,
      R"(flinkha_zookeeper_leader_elections_total{flink_cluster="prod"} 4)"));
}

}  // namespace
}  // namespace flinkha
