// ZooKeeper metrics: the exporter's session and each quorum member's health
// (4lw).
#include "collectors/zookeeper_collector.h"

#include "collectors/family.h"

namespace flinkha {

void ZooKeeperCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  const std::string fourlw =
      " From four-letter words (srvr, mntr) sent every health interval.";
  auto connected =
      Gauge("flinkha_zookeeper_session_connected",
            "Whether the exporter's ZooKeeper session (which watches the HA "
            "znodes) is connected; updated on ZooKeeper session events.");
  auto expirations = Counter(
      "flinkha_zookeeper_session_expirations_total",
      "ZooKeeper sessions of the exporter that expired (each followed by "
      "a new session and re-armed watches).");
  auto up = Gauge(
      "flinkha_zookeeper_up",
      "Whether the ZooKeeper server answered a four-letter word (srvr, mntr or "
      "ruok) at the last health probe.");
  auto mode = Gauge(
      "flinkha_zookeeper_server_mode",
      "Role of the ZooKeeper server, one series per mode, 1 for the current "
      "one." +
          fourlw);
  auto allowed = Gauge(
      "flinkha_zookeeper_four_letter_word_allowed",
      "Whether the server answers this four-letter word (1) or refuses it as "
      "not in 4lw.commands.whitelist (0); only commands tried are listed.");
  auto outstanding = Gauge("flinkha_zookeeper_outstanding_requests",
                           "Requests queued in the ZooKeeper server." + fourlw);
  auto latency = Gauge(
      "flinkha_zookeeper_latency_seconds",
      "Request latency of the ZooKeeper server since its stats were reset "
      "(min, avg, max)." +
          fourlw);
  auto znodes = Gauge("flinkha_zookeeper_znodes",
                      "Znodes in the ZooKeeper server." + fourlw);
  auto connections =
      Gauge("flinkha_zookeeper_connections",
            "Client connections to the ZooKeeper server." + fourlw);
  for (const auto& [name, cluster] : snapshot.clusters) {
    if (cluster.zookeeper) {
      const Labels c{{"flink_cluster", name}};
      connected.Add(c, cluster.zookeeper->connected ? 1 : 0);
      expirations.Add(
          c, static_cast<double>(cluster.zookeeper->session_expirations_total));
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
      auto stat = [&](const char* s, const std::optional<double>& v) {
        if (v)
          latency.Add(
              {{"flink_cluster", name}, {"server", server}, {"stat", s}}, *v);
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
}

bool ZooKeeperCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [name, cluster] : snapshot.clusters) {
    key->Add(name);
    key->Add(cluster.zookeeper.get());
    for (const auto& [server, h] : cluster.zookeeper_servers) {
      key->Add(server);
      key->Add(h.get());
    }
  }
  return true;
}

}  // namespace flinkha
