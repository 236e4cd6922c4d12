// ZkHealthProbe against real ZooKeeper servers with the stock and a wide 4lw
// whitelist.
#include "sources/zookeeper/zk_health_probe.h"

#include "zk/zk_test_util.h"

namespace flinkha::testing {
namespace {

using std::chrono::seconds;

std::shared_ptr<const ZkServerHealth> Server(const StateStore& store,
                                             const std::string& s) {
  ClusterState c = Cluster(store);
  auto it = c.zookeeper_servers.find(s);
  return it == c.zookeeper_servers.end() ? nullptr : it->second;
}

// A started probe of zk's one server (stopped by its destructor).
struct Probe {
  explicit Probe(const ZkServer& server)
      : zk(server),
        probe(std::make_shared<const ClusterConfig>(ZkCluster(zk, "/h")),
              &store) {
    probe.Start();
  }
  // The server's first report, waited for up to 5 s.
  std::shared_ptr<const ZkServerHealth> First() const {
    REQUIRE(Eventually(
        [&] { return Server(store, zk.connect_string()) != nullptr; },
        seconds(5)));
    return Server(store, zk.connect_string());
  }
  const ZkServer& zk;
  StateStore store{std::chrono::system_clock::now()};
  ZkHealthProbe probe;
};

TEST_CASE(
    "ZkHealthProbe uses srvr on a stock whitelist and says mntr is refused",
    "[zk][zk_health]") {
  ZkServer zk("srvr");
  REQUIRE(zk.Start());
  Probe p(zk);
  auto h = p.First();
  CHECK(h->up);
  CHECK(h->mode == "standalone");
  CHECK(h->command_used == "srvr");
  CHECK(h->commands_allowed.at("mntr") == false);
  CHECK(h->commands_allowed.at("srvr") == true);
  CHECK(h->commands_allowed.at("ruok") == false);
  CHECK(h->znode_count.has_value());
  CHECK(h->latency_max_seconds.has_value());
  CHECK(h->error.empty());
  CHECK(h->zxid.has_value());
  CHECK(Cluster(p.store).sources.at("zookeeper_health").up);
  // A standalone server is its own quorum and leader.
  {
    auto e = Cluster(p.store).zookeeper_ensemble;
    REQUIRE(e);
    CHECK(e->view.servers == 1);
    CHECK(e->view.serving == 1);
    CHECK(e->view.quorum);
    CHECK(e->view.leader == zk.connect_string());
    CHECK(e->view.epoch == *h->zxid >> 32);
    CHECK(e->elections.elections_total == 0);
  }

  // Stopped server: down, and the source reports it; no quorum.
  zk.Stop();
  REQUIRE(Eventually([&] { return !Server(p.store, zk.connect_string())->up; },
                     seconds(5)));
  CHECK_FALSE(Cluster(p.store).zookeeper_ensemble->view.quorum);
  // Once the port is closed, every later probe says so.
  CHECK(Eventually(
      [&] {
        return Cluster(p.store)
                   .sources.at("zookeeper_health")
                   .last_error.find("Connection refused") != std::string::npos;
      },
      seconds(5)));
}

TEST_CASE("ZkHealthProbe prefers mntr where it is whitelisted",
          "[zk][zk_health]") {
  ZkServer zk("srvr,mntr,ruok");
  REQUIRE(zk.Start());
  Probe p(zk);
  auto h = p.First();
  CHECK(h->up);
  CHECK(h->command_used == "mntr");
  CHECK(h->mode == "standalone");
  CHECK(h->commands_allowed.at("mntr"));
  CHECK(h->commands_allowed.at("ruok"));
  CHECK(h->connections.has_value());
  // mntr has no Zxid: srvr is asked too, for the election epoch.
  CHECK(h->zxid.has_value());
  CHECK(h->commands_allowed.at("srvr"));
}

}  // namespace
}  // namespace flinkha::testing
