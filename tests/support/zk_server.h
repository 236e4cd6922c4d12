// Test support: a real ZooKeeper server (Debian's zookeeper jars) on a free
// loopback port.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "support/process.h"

namespace flinkha::testing {

// Owns the JVM process and its data directory; the destructor stops both.
class ZkServer {
 public:
  // whitelist: zookeeper 4lw.commands.whitelist ("srvr" is the stock default).
  explicit ZkServer(std::string whitelist = "srvr");
  ~ZkServer();

  // Starts and waits until it answers srvr; false (with the log in error()) on
  // failure.
  bool Start();
  void Stop();     // SIGTERM; keeps the data directory
  void Kill();     // SIGKILL
  bool Restart();  // same port and data: sessions may survive if within their
                   // timeout
  int port() const { return port_; }
  std::string connect_string() const {
    return "127.0.0.1:" + std::to_string(port_);
  }
  std::string error() const { return error_; }

 private:
  std::string whitelist_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> proc_;
  std::string error_;
};

// A cluster `name` of JobManagers jm-1 and jm-2 (advertised as jm1:8081 and
// jm2:8081; their URLs lead nowhere) whose HA data lives in zk under
// /flink<cluster_id>; layout nullopt: detected.
ClusterConfig TwoJobManagerCluster(const ZkServer& zk, const std::string& name,
                                   const std::string& cluster_id,
                                   std::optional<ZkLayout> layout);

// The Java classpath for the simulated Flink JobManager (tests/sim), built by
// CMake into FLINKHA_BINARY_DIR/sim; empty when missing.
std::string SimClasspath();

// Sends a four-letter word to 127.0.0.1:port and returns the answer ("" on
// failure).
std::string FourLetterWord(int port, const std::string& cmd);

}  // namespace flinkha::testing
