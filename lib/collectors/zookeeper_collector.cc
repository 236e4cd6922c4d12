// ZooKeeper metrics: the exporter's session and each quorum member's health
// (4lw).
#include "collectors/zookeeper_collector.h"

#include "collectors/family.h"

namespace flinkha {
namespace {

constexpr std::string_view kFourLw =
    " From four-letter words (srvr, mntr) sent every health interval.";

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kZookeeperSessionConnected{
    "flinkha_zookeeper_session_connected", prometheus::MetricType::Gauge,
    "Whether the exporter's ZooKeeper session (which watches the HA znodes) is "
    "connected; updated on ZooKeeper session events.",
    "", "flink_cluster"};

constexpr MetricDesc kZookeeperSessionExpirationsTotal{
    "flinkha_zookeeper_session_expirations_total",
    prometheus::MetricType::Counter,
    "ZooKeeper sessions of the exporter that expired (each followed by a new "
    "session and re-armed watches).",
    "", "flink_cluster"};

constexpr MetricDesc kZookeeperUp{
    "flinkha_zookeeper_up", prometheus::MetricType::Gauge,
    "Whether the ZooKeeper server answered a four-letter word (srvr, mntr or "
    "ruok) at the last health probe.",
    "", "flink_cluster,server"};

constexpr MetricDesc kZookeeperServerMode{
    "flinkha_zookeeper_server_mode", prometheus::MetricType::Gauge,
    "Role of the ZooKeeper server, one series per mode, 1 for the current one.",
    kFourLw, "flink_cluster,server,mode"};

constexpr MetricDesc kZookeeperFourLetterWordAllowed{
    "flinkha_zookeeper_four_letter_word_allowed", prometheus::MetricType::Gauge,
    "Whether the server answers this four-letter word (1) or refuses it as not "
    "in 4lw.commands.whitelist (0); only commands tried are listed.",
    "", "flink_cluster,server,command"};

constexpr MetricDesc kZookeeperOutstandingRequests{
    "flinkha_zookeeper_outstanding_requests", prometheus::MetricType::Gauge,
    "Requests queued in the ZooKeeper server.", kFourLw,
    "flink_cluster,server"};

constexpr MetricDesc kZookeeperLatencySeconds{
    "flinkha_zookeeper_latency_seconds", prometheus::MetricType::Gauge,
    "Request latency of the ZooKeeper server since its stats were reset (min, "
    "avg, max).",
    kFourLw, "flink_cluster,server,stat"};

constexpr MetricDesc kZookeeperZnodes{
    "flinkha_zookeeper_znodes", prometheus::MetricType::Gauge,
    "Znodes in the ZooKeeper server.", kFourLw, "flink_cluster,server"};

constexpr MetricDesc kZookeeperConnections{
    "flinkha_zookeeper_connections", prometheus::MetricType::Gauge,
    "Client connections to the ZooKeeper server.", kFourLw,
    "flink_cluster,server"};

constexpr MetricDesc kZookeeperSessionServer{
    "flinkha_zookeeper_session_server", prometheus::MetricType::Gauge,
    "The ZooKeeper server the exporter's session is connected to (1); absent "
    "while disconnected.",
    "", "flink_cluster,server"};

constexpr MetricDesc kZookeeperSessionServerChangesTotal{
    "flinkha_zookeeper_session_server_changes_total",
    prometheus::MetricType::Counter,
    "Times the exporter's ZooKeeper session reconnected to a different server "
    "(e.g. its server died) without an exporter restart.",
    "", "flink_cluster"};

constexpr MetricDesc kZookeeperEnsembleServers{
    "flinkha_zookeeper_ensemble_servers", prometheus::MetricType::Gauge,
    "Members of the ZooKeeper ensemble, as configured in zookeeper.quorum.", "",
    "flink_cluster"};

constexpr MetricDesc kZookeeperEnsembleServingServers{
    "flinkha_zookeeper_ensemble_serving_servers", prometheus::MetricType::Gauge,
    "Ensemble members serving as leader, follower or standalone (a member "
    "without a quorum answers that it is not serving and does not count).",
    kFourLw, "flink_cluster"};

constexpr MetricDesc kZookeeperQuorum{
    "flinkha_zookeeper_quorum", prometheus::MetricType::Gauge,
    "Whether the ZooKeeper ensemble has a quorum (1): a member leads and more "
    "than half of the members serve. 0: lost, no HA write can succeed.",
    kFourLw, "flink_cluster"};

constexpr MetricDesc kZookeeperLeaderEpoch{
    "flinkha_zookeeper_leader_epoch", prometheus::MetricType::Gauge,
    "Epoch of the ZooKeeper leader (high 32 bits of its srvr Zxid); every "
    "established leader election increments it. Absent without a leader.",
    kFourLw, "flink_cluster"};

constexpr MetricDesc kZookeeperLeaderElectionsTotal{
    "flinkha_zookeeper_leader_elections_total", prometheus::MetricType::Counter,
    "ZooKeeper leader elections seen by the exporter: epochs the ensemble's "
    "leader gained since the exporter first saw one.",
    kFourLw, "flink_cluster"};

constexpr const MetricDesc* kZooKeeperCollectorMetrics[] = {
    &kZookeeperSessionServer,
    &kZookeeperSessionServerChangesTotal,
    &kZookeeperEnsembleServers,
    &kZookeeperEnsembleServingServers,
    &kZookeeperQuorum,
    &kZookeeperLeaderEpoch,
    &kZookeeperLeaderElectionsTotal,
    &kZookeeperSessionConnected,
    &kZookeeperSessionExpirationsTotal,
    &kZookeeperUp,
    &kZookeeperServerMode,
    &kZookeeperFourLetterWordAllowed,
    &kZookeeperOutstandingRequests,
    &kZookeeperLatencySeconds,
    &kZookeeperZnodes,
    &kZookeeperConnections};

}  // namespace

void ZooKeeperCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto connected = Family(kZookeeperSessionConnected);
  auto expirations = Family(kZookeeperSessionExpirationsTotal);
  auto up = Family(kZookeeperUp);
  auto mode = Family(kZookeeperServerMode);
  auto allowed = Family(kZookeeperFourLetterWordAllowed);
  auto outstanding = Family(kZookeeperOutstandingRequests);
  auto latency = Family(kZookeeperLatencySeconds);
  auto znodes = Family(kZookeeperZnodes);
  auto connections = Family(kZookeeperConnections);
  auto session_server = Family(kZookeeperSessionServer);
  auto server_changes = Family(kZookeeperSessionServerChangesTotal);
  auto ensemble_servers = Family(kZookeeperEnsembleServers);
  auto serving = Family(kZookeeperEnsembleServingServers);
  auto quorum = Family(kZookeeperQuorum);
  auto epoch = Family(kZookeeperLeaderEpoch);
  auto elections = Family(kZookeeperLeaderElectionsTotal);
  for (const auto& [name, cluster] : snapshot.clusters) {
    // With kubernetes: the observation comes from ConfigMaps, not a session.
    if (cluster.zookeeper && !(cluster.config && cluster.config->kubernetes)) {
      const Labels c{{"flink_cluster", name}};
      connected.Add(c, cluster.zookeeper->connected ? 1 : 0);
      expirations.Add(
          c, static_cast<double>(cluster.zookeeper->session_expirations_total));
      if (!cluster.zookeeper->session_server.empty()) {
        session_server.Add({{"flink_cluster", name},
                            {"server", cluster.zookeeper->session_server}},
                           1);
      }
      server_changes.Add(
          c,
          static_cast<double>(cluster.zookeeper->session_server_changes_total));
    }
    if (const auto& e = cluster.zookeeper_ensemble) {
      const Labels c{{"flink_cluster", name}};
      ensemble_servers.Add(c, e->view.servers);
      serving.Add(c, e->view.serving);
      quorum.Add(c, e->view.quorum ? 1 : 0);
      if (e->view.epoch) epoch.Add(c, static_cast<double>(*e->view.epoch));
      elections.Add(c, static_cast<double>(e->elections.elections_total));
    }
    for (const auto& [server, h] : cluster.zookeeper_servers) {
      if (!h) continue;
      const Labels l{{"flink_cluster", name}, {"server", server}};
      up.Add(l, h->up ? 1 : 0);
      if (h->up && !h->mode.empty()) {
        for (const char* m : {"leader", "follower", "standalone", "observer"}) {
          mode.Add({{"flink_cluster", name}, {"server", server}, {"mode", m}},
                   h->mode == m ? 1 : 0);
        }
      }
      for (const auto& [command, ok] : h->commands_allowed) {
        allowed.Add(
            {{"flink_cluster", name}, {"server", server}, {"command", command}},
            ok ? 1 : 0);
      }
      if (!h->up) continue;
      if (h->outstanding_requests) {
        outstanding.Add(l, static_cast<double>(*h->outstanding_requests));
      }
      // l, not the structured bindings: clang before 16 cannot capture those
      // in a lambda.
      auto stat = [&](const char* s, const std::optional<double>& v) {
        if (!v) return;
        Labels with_stat = l;
        with_stat.emplace_back("stat", s);
        latency.Add(with_stat, *v);
      };
      stat("min", h->latency_min_seconds);
      stat("avg", h->latency_avg_seconds);
      stat("max", h->latency_max_seconds);
      if (h->znode_count) znodes.Add(l, static_cast<double>(*h->znode_count));
      if (h->connections)
        connections.Add(l, static_cast<double>(*h->connections));
    }
  }
  connected.AppendTo(out);
  expirations.AppendTo(out);
  up.AppendTo(out);
  mode.AppendTo(out);
  allowed.AppendTo(out);
  outstanding.AppendTo(out);
  latency.AppendTo(out);
  znodes.AppendTo(out);
  connections.AppendTo(out);
  session_server.AppendTo(out);
  server_changes.AppendTo(out);
  ensemble_servers.AppendTo(out);
  serving.AppendTo(out);
  quorum.AppendTo(out);
  epoch.AppendTo(out);
  elections.AppendTo(out);
}

bool ZooKeeperCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [name, cluster] : snapshot.clusters) {
    key->Add(name);
    key->Add(cluster.zookeeper.get());
    key->Add(cluster.zookeeper_ensemble.get());
    key->Add(cluster.kubernetes.get());
    for (const auto& [server, h] : cluster.zookeeper_servers) {
      key->Add(server);
      key->Add(h.get());
    }
  }
  return true;
}

std::span<const MetricDesc* const> ZooKeeperCollector::Descriptors() const {
  return kZooKeeperCollectorMetrics;
}

}  // namespace flinkha
