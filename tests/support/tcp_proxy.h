// Test support: a loopback TCP proxy that can cut the network between a client
// and a server, so a real server sees a real partition (and, for ZooKeeper,
// expires the sessions it cannot hear from).
#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace flinkha::testing {

class TcpProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:target_port.
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // While partitioned, open connections are dropped and new ones are closed
  // as soon as they are accepted; Heal forwards again.
  void Partition();
  void Heal();

 private:
  struct Pair {
    int client;
    int upstream;
  };
  void Loop();
  void CloseAll();

  const int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> partitioned_{false};
  std::vector<Pair> pairs_;  // loop thread only
  std::thread thread_;
};

}  // namespace flinkha::testing
