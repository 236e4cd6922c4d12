// Test support: a real ZooKeeper server (Debian's zookeeper jars) on a free
// loopback port.
#pragma once

#include <memory>
#include <string>

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

// The Java classpath for the simulated Flink JobManager (tests/sim), built by
// CMake into FLINKHA_BINARY_DIR/sim; empty when missing.
std::string SimClasspath();

// Sends a four-letter word to 127.0.0.1:port and returns the answer ("" on
// failure).
std::string FourLetterWord(int port, const std::string& cmd);

}  // namespace flinkha::testing
