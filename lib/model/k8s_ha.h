// Pure parsers of what Flink's Kubernetes HA services keep in ConfigMaps (see
// docs/flink-facts.md "Kubernetes HA"), and the ZkObservation built from them:
// the HA analysis (model/ha_analysis.h) does not care which store it came from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ha_types.h"
#include "model/rest_types.h"
#include "util/result.h"

namespace flinkha {

// The parts of a ConfigMap the exporter reads.
struct K8sConfigMap {
  std::string name;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::map<std::string, std::string> data;
  bool operator==(const K8sConfigMap&) const = default;
};

struct K8sConfigMapList {
  std::string resource_version;  // of the list: where a watch starts
  std::vector<K8sConfigMap> items;
};

// GET /api/v1/namespaces/<ns>/configmaps[?labelSelector=...] (kind
// ConfigMapList). Errors name the field, e.g. "items[1].metadata: expected an
// object, found string".
Result<K8sConfigMapList> ParseConfigMapList(std::string_view body);

// One line of a watch stream: {"type": "ADDED"|"MODIFIED"|"DELETED"|
// "BOOKMARK"|"ERROR", "object": ...}. For ERROR the object is a Status
// (status_code 410 when the resource version is too old).
struct K8sWatchEvent {
  std::string type;
  K8sConfigMap object;  // ADDED, MODIFIED, DELETED; BOOKMARK: only the version
  int status_code = 0;  // ERROR
  std::string message;  // ERROR
};
Result<K8sWatchEvent> ParseWatchEvent(std::string_view line);

// A Status body of a failed request (401, 403, 404, 410...): its message, or
// the body's start when it is not a Status.
std::string StatusMessage(std::string_view body);

// The annotation control-plane.alpha.kubernetes.io/leader: fabric8's
// LeaderElectionRecord as Flink's leader elector writes it.
inline constexpr std::string_view kLeaderAnnotation =
    "control-plane.alpha.kubernetes.io/leader";
struct LeaderElectionRecord {
  std::string holder_identity;  // empty: released (graceful stop)
  double lease_duration_seconds = 0;
  std::optional<TimePoint> acquire_time;
  std::optional<TimePoint> renew_time;
  int64_t leader_transitions = 0;
  bool operator==(const LeaderElectionRecord&) const = default;
};
// leaseDuration is an ISO-8601 duration ("PT15S", fabric8 6+) or a number of
// seconds (older writers); times are RFC 3339 with optional fraction.
Result<LeaderElectionRecord> ParseLeaderElectionRecord(std::string_view json);

// "PT15S", "PT0.5S", "PT1M30S", "PT1H" -> seconds; nullopt otherwise.
std::optional<double> ParseIsoDuration(std::string_view text);
// "2026-12-07T02:20:56.319349Z" (also without fraction, or +hh:mm) -> time;
// nullopt outside 1970..2262 (what the clock holds).
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// A leader data value "<session id>,<address>" as Flink's
// KubernetesUtils.encodeLeaderInformation writes it; empty means no leader.
Result<std::optional<LeaderInfo>> ParseK8sLeaderValue(std::string_view value);

// Names of the cluster's ConfigMaps.
std::string ClusterConfigMapName(std::string_view cluster_id);
// The label selector that lists them all: "app=<cluster id>,type=flink-native-
// kubernetes", URL-encoded for a query string.
std::string ClusterLabelSelectorQuery(std::string_view cluster_id);

// One leader lock (a ConfigMap with the leader annotation).
struct K8sLock {
  std::string configmap;
  LeaderElectionRecord record;
  bool operator==(const K8sLock&) const = default;
};

// What the Kubernetes source read for one cluster, beside the ZkObservation.
struct K8sObservation {
  std::string api_server;
  std::string namespace_name;
  std::string cluster_id;
  bool reachable = false;             // the last list (or the watch) succeeded
  std::string mode;                   // "watch" or "list"
  std::vector<K8sLock> locks;         // by ConfigMap name order
  int configmaps = 0;                 // ConfigMaps with the cluster's labels
  uint64_t watch_restarts_total = 0;  // watches that ended and were re-made
  uint64_t watch_expired_total = 0;   // 410 Gone: listed again
  std::string error;                  // the source's error ("" while it works)
  std::string watch_error;  // why the watch failed, while listing instead
};

// Fills components, job_leaders and latest_checkpoint_ids of out (and the
// locks) from the cluster's ConfigMaps. Leader keys
// org.apache.flink.k8s.leader.<component> name the dispatcher,
// resourcemanager and restserver (-> dispatcher, resource_manager,
// rest_server); org.apache.flink.k8s.leader.<jid> and ...leader.job-<jid> the
// JobMaster. Per job ConfigMap <cluster id>-<jid>-config-map: the newest
// checkpointID-<%019d> key, else its `counter` minus one. A value that does
// not parse leaves that leader unknown and is reported in out->error.
// out->layout stays unset; contenders are not stored by Kubernetes HA.
void FillK8sObservation(const std::vector<K8sConfigMap>& maps,
                        std::string_view cluster_id, ZkObservation* out,
                        std::vector<K8sLock>* locks);

}  // namespace flinkha
