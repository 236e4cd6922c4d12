// Kubernetes HA metrics from the ConfigMap source (sources/kubernetes).
#include "collectors/kubernetes_collector.h"

#include <chrono>

#include "collectors/family.h"

namespace flinkha {
namespace {

constexpr std::string_view kLock =
    " From the annotation control-plane.alpha.kubernetes.io/leader of the "
    "ConfigMap.";

constexpr MetricDesc kKubernetesApiReachable{
    "flinkha_kubernetes_api_reachable", prometheus::MetricType::Gauge,
    "Whether the last list (or the running watch) of the cluster's HA "
    "ConfigMaps in the Kubernetes API succeeded.",
    "", "flink_cluster"};

constexpr MetricDesc kKubernetesWatching{
    "flinkha_kubernetes_watching", prometheus::MetricType::Gauge,
    "1 while the exporter watches the HA ConfigMaps, 0 while it lists them "
    "every poll interval (watch disabled, failed or refused).",
    "", "flink_cluster"};

constexpr MetricDesc kKubernetesConfigmaps{
    "flinkha_kubernetes_configmaps", prometheus::MetricType::Gauge,
    "ConfigMaps labelled app=<cluster id>,type=flink-native-kubernetes.", "",
    "flink_cluster"};

constexpr MetricDesc kKubernetesWatchRestartsTotal{
    "flinkha_kubernetes_watch_restarts_total", prometheus::MetricType::Counter,
    "Watches of the HA ConfigMaps that ended (server timeout, error, "
    "connection lost) and were made again after a list.",
    "", "flink_cluster"};

constexpr MetricDesc kKubernetesWatchExpiredTotal{
    "flinkha_kubernetes_watch_expired_total", prometheus::MetricType::Counter,
    "Watches that ended with 410 Gone (resource version too old): the "
    "ConfigMaps were listed again at once.",
    "", "flink_cluster"};

constexpr MetricDesc kKubernetesLockHeld{
    "flinkha_kubernetes_lock_held", prometheus::MetricType::Gauge,
    "1 while the lock names a holder, 0 when it was released (a JobManager "
    "stopped gracefully) or never taken.",
    kLock, "flink_cluster,configmap"};

constexpr MetricDesc kKubernetesLockRenewTimestampSeconds{
    "flinkha_kubernetes_lock_renew_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "When the holder last renewed the lock (Unix time); older than now minus "
    "the lease duration means the lease expired and a standby may take over.",
    kLock, "flink_cluster,configmap"};

constexpr MetricDesc kKubernetesLockLeaseDurationSeconds{
    "flinkha_kubernetes_lock_lease_duration_seconds",
    prometheus::MetricType::Gauge,
    "The lease duration the holder wrote "
    "(high-availability.kubernetes.leader-election.lease-duration).",
    kLock, "flink_cluster,configmap"};

constexpr MetricDesc kKubernetesLockLeaderTransitions{
    "flinkha_kubernetes_lock_leader_transitions", prometheus::MetricType::Gauge,
    "leaderTransitions of the lock: how often its holder changed, as the "
    "leader elector counts (it survives exporter restarts; resets when the "
    "ConfigMap is recreated).",
    kLock, "flink_cluster,configmap"};

constexpr const MetricDesc* kKubernetesCollectorMetrics[] = {
    &kKubernetesApiReachable,
    &kKubernetesWatching,
    &kKubernetesConfigmaps,
    &kKubernetesWatchRestartsTotal,
    &kKubernetesWatchExpiredTotal,
    &kKubernetesLockHeld,
    &kKubernetesLockRenewTimestampSeconds,
    &kKubernetesLockLeaseDurationSeconds,
    &kKubernetesLockLeaderTransitions};

double UnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

void KubernetesCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto reachable = Family(kKubernetesApiReachable);
  auto watching = Family(kKubernetesWatching);
  auto configmaps = Family(kKubernetesConfigmaps);
  auto restarts = Family(kKubernetesWatchRestartsTotal);
  auto expired = Family(kKubernetesWatchExpiredTotal);
  auto held = Family(kKubernetesLockHeld);
  auto renew = Family(kKubernetesLockRenewTimestampSeconds);
  auto lease = Family(kKubernetesLockLeaseDurationSeconds);
  auto transitions = Family(kKubernetesLockLeaderTransitions);
  for (const auto& [name, cluster] : snapshot.clusters) {
    const K8sObservation* k = cluster.kubernetes.get();
    if (k == nullptr) continue;
    const Labels c{{"flink_cluster", name}};
    reachable.Add(c, k->reachable ? 1 : 0);
    watching.Add(c, k->mode == "watch" ? 1 : 0);
    configmaps.Add(c, k->configmaps);
    restarts.Add(c, static_cast<double>(k->watch_restarts_total));
    expired.Add(c, static_cast<double>(k->watch_expired_total));
    for (const auto& lock : k->locks) {
      const Labels l{{"flink_cluster", name}, {"configmap", lock.configmap}};
      held.Add(l, lock.record.holder_identity.empty() ? 0 : 1);
      if (lock.record.renew_time) {
        renew.Add(l, UnixSeconds(*lock.record.renew_time));
      }
      lease.Add(l, lock.record.lease_duration_seconds);
      transitions.Add(l, static_cast<double>(lock.record.leader_transitions));
    }
  }
  reachable.AppendTo(out);
  watching.AppendTo(out);
  configmaps.AppendTo(out);
  restarts.AppendTo(out);
  expired.AppendTo(out);
  held.AppendTo(out);
  renew.AppendTo(out);
  lease.AppendTo(out);
  transitions.AppendTo(out);
}

bool KubernetesCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [name, cluster] : snapshot.clusters) {
    key->Add(name);
    key->Add(cluster.kubernetes.get());
  }
  return true;
}

std::span<const MetricDesc* const> KubernetesCollector::Descriptors() const {
  return kKubernetesCollectorMetrics;
}

}  // namespace flinkha
