// Test support: a genuine Apache Flink HA cluster (ZooKeeper, two
// JobManagers, TaskManagers and the project's CSV job) run by
// scripts/flink-cluster.py on free loopback ports, with the ground truth read
// from Flink itself: its REST API, its logs and its znodes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"

namespace flinkha::testing {

struct FlinkClusterOptions {
  std::string version;  // a pinned version (flink/versions), e.g. 2.3.0
  int taskmanagers = 3;
  int slots = 4;
  int parallelism = 3;  // one task per TaskManager (evenly spread)
  std::string checkpoint_interval = "3s";
  int session_timeout_ms = 6000;
  int rows_per_second = 50;
  std::string cluster_id = "/realtime-pipeline";
  // The job's drill control (flink/job DrillControl): marker files in
  // marker_dir() make it fail or slow down on demand.
  bool drill_markers = false;
  // ZooKeeper servers: 1 (process `zookeeper`) or an ensemble of 3 on loopback
  // (processes zk-1..zk-3, flink-cluster.py --zk-servers).
  int zk_servers = 1;
};

// The pinned versions (FLINKHA_FLINK_VERSIONS and FLINKHA_FLINK_MATRIX_VERSIONS
// in tests/flink/tests.cmake).
// FLINKHA_FLINK_VERSION in the environment selects the one a test runs.
std::string FlinkVersionUnderTest();

// Owns the `flink-cluster.py up` process and its run directory; the
// destructor stops every Flink process (closing its stdin, then killing it;
// its children die with it). Not thread safe.
class FlinkCluster {
 public:
  explicit FlinkCluster(FlinkClusterOptions options);
  ~FlinkCluster();
  FlinkCluster(const FlinkCluster&) = delete;
  FlinkCluster& operator=(const FlinkCluster&) = delete;

  // Starts everything and waits for a RUNNING job with a committed file.
  // On failure, error() holds the script's output.
  bool Start(std::chrono::seconds timeout = std::chrono::seconds(300));
  const std::string& error() const { return error_; }
  double startup_seconds() const { return startup_seconds_; }
  // A start-up step's time in seconds after `up` started, as the script
  // measured it: "running_s" (the job RUNNING), "first_commit_s"; -1 if none.
  double Timing(const std::string& step) const;

  const std::string& dir() const { return dir_.path(); }
  int zk_port() const { return zk_port_; }
  // Every member's client port ("host:port,..." in zk_quorum); zk-1's is
  // zk_port(). The others are known once Start() returned.
  std::vector<int> zk_ports() const;
  std::string zk_quorum() const;
  std::string ha_base() const;  // /flink/realtime-pipeline
  int rest_port(size_t jm) const { return rest_ports_.at(jm); }
  int prom_port(const std::string& name) const;
  std::string output_dir() const;
  // Where the drill markers go (drill_markers): "fail", "fail-checkpoint",
  // "slow".
  std::string marker_dir() const { return dir_.path() + "/markers"; }
  std::string job_id() const;
  const FlinkClusterOptions& options() const { return options_; }

  // Processes by name: zookeeper (or zk-1..zk-N), jm-1, jm-2, tm-1...
  pid_t Pid(const std::string& name) const;
  bool Signal(const std::string& name, int sig) const;
  // Starts a stopped or killed process again (same command line).
  bool Restart(const std::string& name);
  std::string LogPath(const std::string& name) const;
  std::string Log(const std::string& name) const;
  // Lines of the process's log containing text.
  int CountLog(const std::string& name, const std::string& text) const;
  // Epoch seconds of the last log line of `name` containing `text`, as Flink's
  // log4j wrote it (local time, millisecond precision); nullopt when none.
  std::optional<double> LastLogTime(const std::string& name,
                                    const std::string& text) const;

  // Flink's REST API on JobManager jm (0 or 1), independent of the exporter.
  HttpResult Rest(size_t jm, const std::string& path,
                  std::chrono::milliseconds timeout =
                      std::chrono::milliseconds(2000)) const;
  std::optional<nlohmann::json> RestJson(size_t jm,
                                         const std::string& path) const;

  // The exporter's configuration for this cluster.
  std::string ExporterConfigYaml(const std::string& cluster_name,
                                 const std::string& poll_interval,
                                 const std::string& request_timeout) const;

 private:
  nlohmann::json State() const;

  FlinkClusterOptions options_;
  TempDir dir_;
  int zk_port_ = 0;
  std::vector<int> rest_ports_;
  int prom_base_ = 0;
  std::unique_ptr<Subprocess> up_;
  std::string error_;
  double startup_seconds_ = 0;
};

// Lines of the committed part files under dir and their count (the ground
// truth of what the job wrote, read from the files themselves).
struct CommittedOutput {
  int64_t files = 0;
  int64_t rows = 0;
  int64_t in_progress = 0;
};
CommittedOutput ReadCommittedOutput(const std::string& dir);

}  // namespace flinkha::testing
