// The exporter's configuration: plain structs with every default in one place.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/timezone.h"
#include "config/zookeeper_settings.h"
#include "util/log_level.h"
#include "util/result.h"

namespace flinkha {

using Duration = std::chrono::milliseconds;

// Client-side TLS for Flink REST (Flink supports REST mutual TLS) and
// ZooKeeper.
struct TlsClientConfig {
  std::string ca_file;    // empty: system trust store
  std::string cert_file;  // client certificate for mutual TLS
  std::string key_file;
  std::string server_name;            // overrides SNI / verification name
  bool insecure_skip_verify = false;  // explicit only; logged as a warning
};

// How the exporter authenticates to Flink REST (e.g. behind a reverse proxy).
struct HttpAuthConfig {
  std::string username;  // basic auth
  std::string password;
  std::string password_file;
  std::string bearer_token;
  std::string bearer_token_file;
};

struct JobManagerConfig {
  std::string name;  // label value `jobmanager`
  // How the exporter reaches it, e.g. http://localhost:8081 (may carry a path
  // prefix; never ends in "/": append "/overview").
  std::string url;
  std::string advertised;  // host:port as it appears in ZooKeeper leader data
};

struct ZooKeeperConfig {
  std::string quorum;                   // host:port[,host:port...]
  std::string root = "/flink";          // high-availability.zookeeper.path.root
  std::string cluster_id = "/default";  // high-availability.cluster-id
  std::optional<ZkLayout> layout;       // nullopt: auto (detected)
  Duration session_timeout{10000};
  std::string chroot;       // appended to the quorum string, optional
  std::string auth_digest;  // "user:password" for digest auth, optional
  FourLetterWords four_letter_words = FourLetterWords::kAuto;
  Duration health_interval{10000};
};

// Flink's Kubernetes HA (high-availability.type: kubernetes): the leader
// ConfigMaps of one Flink cluster, read through the Kubernetes API.
struct KubernetesConfig {
  std::string namespace_name;  // kubernetes.namespace; empty: the kubeconfig
                               // context's, else the service account's
  std::string cluster_id;      // kubernetes.cluster-id
  // Where the API server is and how to authenticate, first match wins:
  // api_server (with token_file / ca_file), kubeconfig (its current
  // context), else in-cluster (KUBERNETES_SERVICE_HOST and the service
  // account's token and CA).
  std::string api_server;  // e.g. https://kubernetes.default.svc
  std::string kubeconfig;
  std::string token_file;  // re-read when it changes (projected tokens rotate)
  std::string ca_file;
  bool insecure_skip_verify = false;
  bool watch = true;  // watch between lists; false: list every poll_interval
};

struct OutputConfig {
  std::string path;
  std::string pattern = "*";        // glob on the name past FileSink prefix
  bool count_rows = false;          // count lines of new finished files, once
  Duration rescan_interval{60000};  // full rescan behind inotify
};

struct ClusterConfig {
  std::string name;  // label value `flink_cluster`
  std::vector<JobManagerConfig> jobmanagers;
  std::optional<ZooKeeperConfig> zookeeper;
  std::optional<KubernetesConfig> kubernetes;  // instead of zookeeper
  std::vector<OutputConfig> output;
  Duration poll_interval{5000};
  // Unset in the file: min(3s, poll_interval) (the loader). Set: less than
  // poll_interval.
  Duration request_timeout{3000};
  // The connection watch pings each JobManager this often between polls (a
  // hung process is told within liveness_interval + request_timeout); 0 keeps
  // only the watch of the connection itself (a dead process is told at once).
  Duration liveness_interval{1000};
  int64_t max_response_bytes = 16 * 1024 * 1024;
  HttpAuthConfig auth;
  TlsClientConfig tls;
  bool checkpoints = true;  // poll per-job checkpoint statistics
  // Budget of checkpoint-related requests (statistics, config, numRestarts) to
  // the JobManager asked; they are spaced evenly, 1/rate apart.
  int checkpoint_requests_per_second = 60;
  int expected_taskmanagers = 0;  // 0: unknown; exported for alerting
  // A TaskManager the preferred JobManager stops listing is counted lost after
  // this long of uninterrupted answers without it (see taskmanager_tracker.h).
  Duration taskmanager_lost_after{60000};
};

struct Config {
  std::string source_file;  // where it was loaded from, for messages
  std::string listen = ":9879";
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kLogfmt;
  std::vector<ClusterConfig> clusters;
  // Where failover reports, HA events and the history are kept across
  // restarts ("" keeps nothing; the package and the image use
  // /var/lib/flink-ha-exporter).
  std::string state_dir;
  DisplayZone display_timezone;  // of the status page and `status`
};

using ConfigPtr = std::shared_ptr<const Config>;

}  // namespace flinkha
