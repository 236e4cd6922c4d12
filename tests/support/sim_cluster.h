// Test support: a simulated Flink HA cluster (a real ZooKeeper + N simulated
// JobManagers from tests/sim) on free loopback ports, with controls for
// failover drills and an exporter config.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/zk_server.h"

typedef struct _zhandle zhandle_t;

namespace flinkha::testing {

struct SimClusterOptions {
  int jobmanagers = 2;
  int taskmanagers = 2;  // per JobManager when it leads; 4 slots each
  int parallelism = 2;
  std::string cluster_name = "sim";  // the exporter's flink_cluster label
  std::string root = "/flink";       // high-availability.zookeeper.path.root
  std::string cluster_id = "/sim";   // high-availability.cluster-id
  std::string layout = "1.19";       // 1.13 | 1.14 | 1.15 | 1.19
  std::string job_name = "sim-job";
  int checkpoint_interval_ms = 500;
  int session_timeout_ms = 1500;
  int restore_delay_ms = 300;
  int rows_per_second = 50;
  std::string zk_whitelist = "srvr";
  std::vector<std::string> extra_args;  // passed to every JobManager
};

// What WriteExporterConfig puts into the exporter's YAML besides the cluster
// itself.
struct ExporterConfigOptions {
  std::string listen;  // empty: not written (the exporter's default)
  std::string poll_interval = "1s";       // the loader's minimum
  std::string request_timeout = "500ms";  // must stay below poll_interval
  std::string layout;                     // empty: not written (auto-detect)
  bool count_rows = false;
};

// Reads (and for tests deletes) znodes with the ZooKeeper C client: a test's
// view of ZooKeeper that does not depend on the exporter's own ZooKeeper code.
// Not thread safe.
class ZkPeek {
 public:
  struct Node {
    bool exists = false;
    std::string data;
    int64_t ephemeral_owner = 0;  // 0: persistent
    int64_t mtime_ms = 0;         // last write, on the server's clock
  };

  // Connects (waiting up to 10 s); connected() tells whether it worked.
  explicit ZkPeek(const std::string& connect_string);
  ~ZkPeek();
  ZkPeek(const ZkPeek&) = delete;
  ZkPeek& operator=(const ZkPeek&) = delete;

  bool connected() const;
  Node Get(const std::string& path);
  std::vector<std::string> Children(const std::string& path);  // none: {}
  bool Delete(const std::string& path);

 private:
  zhandle_t* zh_ = nullptr;
};

// Owns the ZooKeeper server, the JobManager processes and a temp dir (logs,
// output); the destructor kills everything. JobManager i is named "jm-<i+1>";
// jm-1 starts first, so it is the first leader. Not thread safe.
class SimCluster {
 public:
  explicit SimCluster(SimClusterOptions options = {});
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  // Starts ZooKeeper and every JobManager and waits until each has joined the
  // election.
  bool Start();
  const std::string& error() const { return error_; }

  const SimClusterOptions& options() const { return options_; }
  ZkServer& zookeeper() { return zk_; }
  size_t size() const { return jms_.size(); }
  std::string name(size_t i) const { return "jm-" + std::to_string(i + 1); }
  int rest_port(size_t i) const { return jms_.at(i).port; }
  std::string url(size_t i) const {
    return "http://127.0.0.1:" + std::to_string(rest_port(i));
  }
  std::string advertised(size_t i) const {
    return "127.0.0.1:" + std::to_string(rest_port(i));
  }
  // The REST leader address the JobManager writes to ZooKeeper when it leads.
  std::string rest_address(size_t i) const { return url(i); }
  // Its ZooKeeper session id, as ZooKeeper reports ephemeral owners.
  int64_t zk_session(size_t i) const { return jms_.at(i).session; }
  const std::string& job_id() const { return job_id_; }
  std::string dir() const { return dir_.path(); }
  std::string output_dir() const { return dir_.path() + "/output"; }
  // Base znode path: root + cluster id, e.g. /flink/sim.
  std::string zk_base() const;
  bool running(size_t i);
  Subprocess& process(size_t i) { return *jms_.at(i).proc; }

  // The JobManager that says it leads (GET /sim/status on each live one);
  // nullopt if none.
  std::optional<size_t> Leader();
  // Waits for a leader other than `other_than` (when given).
  std::optional<size_t> WaitForLeader(
      std::chrono::milliseconds timeout,
      std::optional<size_t> other_than = std::nullopt);
  // Waits until JobManager i reports the job RUNNING in /jobs/overview.
  bool WaitForJobRunning(size_t i, std::chrono::milliseconds timeout);
  bool WaitForLog(size_t i, const std::string& text,
                  std::chrono::milliseconds timeout, size_t from = 0);
  size_t LogSize(size_t i) const;

  HttpResult Get(size_t i, const std::string& path,
                 std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // POST /sim/<command> (e.g. "fail-checkpoints?on=1").
  HttpResult Control(size_t i, const std::string& command);

  void Kill(size_t i);  // SIGKILL: its ephemeral znodes stay until its session
                        // times out
  bool Hang(size_t i);
  bool Unhang(size_t i);
  bool Leave(size_t i);    // graceful: leaves the election, exits 0
  bool Restart(size_t i);  // same port, after Kill or Leave

  std::string ExporterConfigYaml(
      const ExporterConfigOptions& options = {}) const;
  // Writes ExporterConfigYaml to `path` and returns it.
  std::string WriteExporterConfig(
      const std::string& path, const ExporterConfigOptions& options = {}) const;

 private:
  struct JobManagerProc {
    int port = 0;
    int starts = 0;
    int64_t session = 0;
    std::unique_ptr<Subprocess> proc;
  };
  bool Launch(size_t i);
  bool AwaitStarted(size_t i);

  SimClusterOptions options_;
  TempDir dir_;
  ZkServer zk_;
  std::vector<JobManagerProc> jms_;
  std::string job_id_;
  std::string error_;
};

}  // namespace flinkha::testing
