// ClusterState and Snapshot: the immutable picture every collector and endpoint
// reads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/checkpoint_types.h"
#include "model/failover.h"
#include "model/ha_types.h"
#include "model/job_diagnosis.h"
#include "model/k8s_ha.h"
#include "model/output_types.h"
#include "model/rest_types.h"
#include "model/taskmanager_types.h"
#include "model/zk_ensemble.h"
#include "model/zk_health_types.h"

namespace flinkha {

// Health of one source (a REST poller, the ZooKeeper watcher, ...).
struct SourceStatus {
  bool up = false;
  bool reported = false;  // has finished at least one attempt (for /ready)
  std::optional<TimePoint> last_success;
  uint64_t errors_total = 0;
  std::string last_error;
};

// How the checkpoint poller keeps up (sources/rest/checkpoint_poller.h).
struct CheckpointPollStatus {
  int requests_per_second_budget = 0;
  uint64_t requests_total = 0;  // checkpoint-related requests sent
  size_t jobs = 0;              // jobs scheduled
  size_t overdue_jobs = 0;      // due for more than one poll interval
  // Failures (new exception history entries) by exception class since the
  // exporter started; null before the first publication.
  std::shared_ptr<const FailureCounts> failures = nullptr;
};

// Facts derived from a cluster's observations once per update (DeriveCluster
// in model/derive.h), so every reader agrees and none derives them again.
struct ClusterFacts {
  // The configured JobManager ZooKeeper names REST leader; "" when ZooKeeper
  // names none (or is not configured) or the leader matches no JobManager.
  std::string rest_leader;
  // That leader's address as ZooKeeper publishes it; "" when it names none.
  std::string rest_leader_address;
  // The healthy JobManager whose cluster-level data (overview, jobs,
  // TaskManagers) is exported: the REST leader when it is up with data,
  // otherwise the first such one in config order; "" and null when none is.
  std::string preferred;
  std::shared_ptr<const JobManagerObservation> preferred_observation;
};

// Everything known about one Flink cluster. Shared pointers make copies cheap:
// a source swaps in a new observation, everything else is shared with the
// previous snapshot.
struct ClusterState {
  std::string name;
  std::shared_ptr<const ClusterConfig> config;
  // By JobManager name.
  std::map<std::string, std::shared_ptr<const JobManagerObservation>>
      jobmanagers;
  // By JobManager name: the connection watch, between polls.
  std::map<std::string, JobManagerLiveness> liveness;
  // By job id.
  std::map<std::string, std::shared_ptr<const JobCheckpointObservation>>
      checkpoints;
  std::optional<CheckpointPollStatus> checkpoint_poll;  // once it ran
  // The leader observation, from ZooKeeper or (with kubernetes:) from
  // Kubernetes ConfigMaps.
  std::shared_ptr<const ZkObservation> zookeeper;    // null: none or unread
  std::shared_ptr<const K8sObservation> kubernetes;  // null: none or unread
  std::shared_ptr<const HaState> ha;
  // By server.
  std::map<std::string, std::shared_ptr<const ZkServerHealth>>
      zookeeper_servers;
  // The members together (quorum, leader, elections); null until probed.
  std::shared_ptr<const ZkEnsembleState> zookeeper_ensemble;
  // By path.
  std::map<std::string, std::shared_ptr<const OutputObservation>> outputs;
  // Failovers as the exporter saw them (model/failover.h); null until the
  // first update.
  std::shared_ptr<const FailoverState> failover;
  std::map<std::string, SourceStatus> sources;  // by source id ("rest/jm-1")
  // TaskManagers of the preferred JobManager and the lost ones (built by
  // UpdateTaskManagers after every update; null before the first).
  std::shared_ptr<const TaskManagerView> taskmanagers;
  ClusterFacts facts;  // derived from the above after every update
};

// Counters of the HTTP listener, published by the server at most once a
// second (http/listener.h).
struct HttpStats {
  uint64_t connections_rejected_total = 0;
  uint64_t request_head_timeouts_total = 0;
};

struct Snapshot {
  TimePoint started_at{};
  std::map<std::string, ClusterState> clusters;  // by cluster name
  bool config_last_reload_successful = true;
  std::optional<TimePoint> config_last_reload_success;
  HttpStats http;
  DisplayZone display_zone;  // for people: the status page and `status`

  // True when every expected source of every cluster has reported once
  // (/ready, and the `status` command's wait).
  bool AllSourcesReported() const;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// The facts of `cluster` as its observations stand (ClusterFacts).
ClusterFacts DeriveFacts(const ClusterState& cluster);

// The preferred JobManager of the published facts (ClusterFacts::preferred):
// null when none; its name in *name when there is one.
inline const JobManagerObservation* PreferredJobManager(
    const ClusterState& cluster, std::string* name = nullptr) {
  if (name && cluster.facts.preferred_observation) {
    *name = cluster.facts.preferred;
  }
  return cluster.facts.preferred_observation.get();
}

// Name of the configured JobManager whose `advertised` host:port matches a
// leader address (http://host:port or pekko/akka.tcp://flink@host:port/...).
// Empty when none matches.
std::string MatchJobManager(const ClusterConfig& config,
                            const std::string& leader_address);

// ZooKeeper's leader events and the failover events (model/failover.h) of the
// cluster in time order, oldest first: one story for every reader.
std::vector<const HaEvent*> ClusterEvents(const ClusterState& cluster);

}  // namespace flinkha
