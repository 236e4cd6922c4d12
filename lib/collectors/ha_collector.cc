// HA metrics from ZooKeeper: leaders per component, contenders, failovers,
// split brain.
#include "collectors/ha_collector.h"

#include "collectors/family.h"

namespace flinkha {
namespace {

// Where the HA series come from, for their HELP.
constexpr std::string_view kZkSource =
    " From ZooKeeper (<root>/<cluster_id>/leader/..., latches and "
    "connection_info znodes), updated on ZooKeeper watch events.";
constexpr std::string_view kTruth =
    " The loss starts at the first evidence: the named leader's REST "
    "endpoint refusing or timing out, or ZooKeeper dropping its leader data; "
    "it ends when ZooKeeper names a new leader for every component.";

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kLeaderKnown{
    "flinkha_leader_known", prometheus::MetricType::Gauge,
    "Whether ZooKeeper names a leader for the component (0 also while the "
    "exporter's ZooKeeper session is down: unknown).",
    kZkSource, "flink_cluster,component"};

constexpr MetricDesc kLeaderInfo{
    "flinkha_leader_info", prometheus::MetricType::Gauge,
    "Leader of the component: address from its connection_info znode and the "
    "configured JobManager it matches; constant 1.",
    kZkSource, "flink_cluster,component,address,jobmanager"};

constexpr MetricDesc kLeaderChangesTotal{
    "flinkha_leader_changes_total", prometheus::MetricType::Counter,
    "Times a new leader took over the component since the exporter started "
    "(leaders present at start do not count).",
    kZkSource, "flink_cluster,component"};

constexpr MetricDesc kLeaderLastChangeTimestampSeconds{
    "flinkha_leader_last_change_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Time the exporter saw the component's leader change, seconds since epoch.",
    kZkSource, "flink_cluster,component"};

constexpr MetricDesc kLeaderSinceTimestampSeconds{
    "flinkha_leader_since_timestamp_seconds", prometheus::MetricType::Gauge,
    "Time the current leader published its address, seconds since epoch: the "
    "leader znode's mtime on the ZooKeeper server's clock, so also known for "
    "a leader elected before the exporter started.",
    kZkSource, "flink_cluster,component"};

constexpr MetricDesc kContenders{
    "flinkha_contenders", prometheus::MetricType::Gauge,
    "JobManager processes contending in the leader latch (children of the "
    "latch znode; latch=shared for Flink >= 1.15).",
    kZkSource, "flink_cluster,latch"};

constexpr MetricDesc kStandbyAvailable{
    "flinkha_standby_available", prometheus::MetricType::Gauge,
    "1 when every leader latch has at least 2 contenders, so a standby can "
    "take over.",
    kZkSource, "flink_cluster"};

constexpr MetricDesc kFailoversTotal{
    "flinkha_failovers_total", prometheus::MetricType::Counter,
    "Failovers: the serving leader was lost and a different leader took over "
    "every component.",
    kTruth, "flink_cluster"};

constexpr MetricDesc kLastFailoverDurationSeconds{
    "flinkha_last_failover_duration_seconds", prometheus::MetricType::Gauge,
    "Time without a serving leader in the last failover (leader lost -> new "
    "leader).",
    kTruth, "flink_cluster"};

constexpr MetricDesc kLastFailoverDurationUpperBoundSeconds{
    "flinkha_last_failover_duration_upper_bound_seconds",
    prometheus::MetricType::Gauge,
    "Longest the last failover can have lasted: from the last observation of "
    "the lost leader serving to the new leader. The loss happened between that "
    "observation and the first evidence, so the true duration lies between "
    "flinkha_last_failover_duration_seconds and this.",
    "", "flink_cluster"};

constexpr MetricDesc kFailoverInProgress{
    "flinkha_failover_in_progress", prometheus::MetricType::Gauge,
    "1 from the first evidence that the serving leader was lost until a leader "
    "serves again (ZooKeeper may still name the lost one until its session "
    "expires).",
    kTruth, "flink_cluster"};

constexpr MetricDesc kLeaderlessSecondsTotal{
    "flinkha_leaderless_seconds_total", prometheus::MetricType::Counter,
    "Time without a serving leader across failovers, counted from the first "
    "evidence of each loss.",
    kTruth, "flink_cluster"};

constexpr MetricDesc kSplitBrain{
    "flinkha_split_brain", prometheus::MetricType::Gauge,
    "1 while components are led by different JobManagers (or, from Flink 1.15, "
    "different leader sessions) for longer than 10 s.",
    kZkSource, "flink_cluster"};

constexpr MetricDesc kJobLeaderKnown{
    "flinkha_job_leader_known", prometheus::MetricType::Gauge,
    "Whether ZooKeeper names a JobMaster leader for the job (its "
    "connection_info znode holds leader data).",
    kZkSource, "flink_cluster,job_id"};

constexpr MetricDesc kZookeeperLatestCheckpointId{
    "flinkha_zookeeper_latest_checkpoint_id", prometheus::MetricType::Gauge,
    "Newest checkpoint id among the job's HA checkpoint pointers "
    "(<root>/<cluster_id>/jobs/<job_id>/checkpoints/<id> from Flink 1.14, "
    "<root>/<cluster_id>/checkpoints/<job_id>/<id> up to 1.13); survives a "
    "JobManager failover. Updated on ZooKeeper watch events.",
    "", "flink_cluster,job_id"};

constexpr const MetricDesc* kHaCollectorMetrics[] = {
    &kLeaderKnown,
    &kLeaderInfo,
    &kLeaderChangesTotal,
    &kLeaderLastChangeTimestampSeconds,
    &kLeaderSinceTimestampSeconds,
    &kContenders,
    &kStandbyAvailable,
    &kFailoversTotal,
    &kLastFailoverDurationSeconds,
    &kLastFailoverDurationUpperBoundSeconds,
    &kFailoverInProgress,
    &kLeaderlessSecondsTotal,
    &kSplitBrain};
constexpr const MetricDesc* kHaJobCollectorMetrics[] = {
    &kJobLeaderKnown, &kZookeeperLatestCheckpointId};

}  // namespace

void HaCollector::Collect(const Snapshot& snapshot,
                          std::vector<prometheus::MetricFamily>* out) const {
  auto known = Family(kLeaderKnown);
  auto info = Family(kLeaderInfo);
  auto changes = Family(kLeaderChangesTotal);
  auto last_change = Family(kLeaderLastChangeTimestampSeconds);
  auto since = Family(kLeaderSinceTimestampSeconds);
  auto contenders = Family(kContenders);
  auto standby = Family(kStandbyAvailable);
  auto failovers = Family(kFailoversTotal);
  auto last_failover = Family(kLastFailoverDurationSeconds);
  auto last_failover_max = Family(kLastFailoverDurationUpperBoundSeconds);
  auto in_progress = Family(kFailoverInProgress);
  auto leaderless = Family(kLeaderlessSecondsTotal);
  auto split = Family(kSplitBrain);
  for (const auto& [name, cluster] : snapshot.clusters) {
    if (cluster.ha) {
      const HaState& ha = *cluster.ha;
      for (const auto& [component, lead] : ha.components) {
        const Labels l{{"flink_cluster", name}, {"component", component}};
        known.Add(l, lead.known ? 1 : 0);
        if (lead.known) {
          info.Add({{"flink_cluster", name},
                    {"component", component},
                    {"address", lead.leader.address},
                    {"jobmanager", lead.jobmanager}},
                   1);
        }
        changes.Add(l, static_cast<double>(lead.changes_total));
        if (lead.last_change)
          last_change.Add(l, ToUnixSeconds(*lead.last_change));
        if (lead.since) since.Add(l, ToUnixSeconds(*lead.since));
      }
      bool all_standby = !ha.contenders.empty();
      for (const auto& [latch, n] : ha.contenders) {
        contenders.Add({{"flink_cluster", name}, {"latch", latch}}, n);
        all_standby &= n >= 2;
      }
      const Labels c{{"flink_cluster", name}};
      if (!ha.contenders.empty()) standby.Add(c, all_standby ? 1 : 0);
      const FailoverState none;
      const FailoverState& f = cluster.failover ? *cluster.failover : none;
      failovers.Add(c, static_cast<double>(f.failovers_total));
      if (const FailoverReport* r = f.last_closed()) {
        last_failover.Add(c, *r->leaderless_seconds());
        last_failover_max.Add(c, *r->leaderless_upper_bound_seconds());
      }
      in_progress.Add(c, f.in_progress() ? 1 : 0);
      leaderless.Add(c, f.leaderless_seconds_total);
      split.Add(c, ha.split_brain ? 1 : 0);
    }
  }
  known.AppendTo(out);
  info.AppendTo(out);
  changes.AppendTo(out);
  last_change.AppendTo(out);
  since.AppendTo(out);
  contenders.AppendTo(out);
  standby.AppendTo(out);
  failovers.AppendTo(out);
  last_failover.AppendTo(out);
  last_failover_max.AppendTo(out);
  in_progress.AppendTo(out);
  leaderless.AppendTo(out);
  split.AppendTo(out);
}

void HaJobCollector::Collect(const Snapshot& snapshot,
                             std::vector<prometheus::MetricFamily>* out) const {
  auto job_known = Family(kJobLeaderKnown);
  auto checkpoint = Family(kZookeeperLatestCheckpointId);
  for (const auto& [name, cluster] : snapshot.clusters) {
    if (cluster.zookeeper) {
      for (const auto& [job, leader] : cluster.zookeeper->job_leaders) {
        job_known.Add({{"flink_cluster", name}, {"job_id", job}},
                      leader ? 1 : 0);
      }
      for (const auto& [job, id] : cluster.zookeeper->latest_checkpoint_ids) {
        checkpoint.Add({{"flink_cluster", name}, {"job_id", job}},
                       static_cast<double>(id));
      }
    }
  }
  job_known.AppendTo(out);
  checkpoint.AppendTo(out);
}

bool HaJobCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  // By value: every ZooKeeper event brings a new observation, but these
  // values rarely change.
  for (const auto& [name, cluster] : snapshot.clusters) {
    key->Add(name);
    if (!cluster.zookeeper) {
      key->Add(int64_t{-1});
      continue;
    }
    for (const auto& [job, leader] : cluster.zookeeper->job_leaders) {
      key->Add(job);
      key->Add(int64_t{leader ? 1 : 0});
    }
    key->Add(int64_t{-2});
    for (const auto& [job, id] : cluster.zookeeper->latest_checkpoint_ids) {
      key->Add(job);
      key->Add(id);
    }
  }
  return true;
}

bool HaCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [name, cluster] : snapshot.clusters) {
    key->Add(name);
    key->Add(cluster.ha.get());
    key->Add(cluster.failover.get());
    key->Add(cluster.zookeeper.get());
  }
  return true;
}

std::span<const MetricDesc* const> HaCollector::Descriptors() const {
  return kHaCollectorMetrics;
}

std::span<const MetricDesc* const> HaJobCollector::Descriptors() const {
  return kHaJobCollectorMetrics;
}

}  // namespace flinkha
