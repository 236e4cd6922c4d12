// Per-job diagnosis metrics: last failure time, backpressure; per-cluster
// failures by exception class.
#include "collectors/diagnosis_collector.h"

#include <cmath>

#include "collectors/family.h"

namespace flinkha {
namespace {

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kLastFailure{
    "flinkha_job_last_failure_timestamp_seconds", prometheus::MetricType::Gauge,
    "Time of the newest failure in the job's exception history, seconds since "
    "epoch; absent while the history is empty (GET /jobs/<jid>/exceptions of "
    "the leading JobManager, read when the job changes). Flink keeps the "
    "history per JobMaster: a JobManager failover empties it.",
    "", "flink_cluster,job_id,job_name"};

constexpr MetricDesc kFailures{
    "flinkha_job_failures_total", prometheus::MetricType::Counter,
    "Failures of the cluster's jobs seen in their exception histories since "
    "the exporter started, by exception class (the first 20 classes, later "
    "ones count as \"other\") (GET /jobs/<jid>/exceptions).",
    "", "flink_cluster,exception_class"};

constexpr MetricDesc kBackpressured{
    "flinkha_job_backpressured_ratio", prometheus::MetricType::Gauge,
    "Share of time, 0 to 1, the job's most backpressured vertex spent "
    "backpressured between the last two reads of its accumulated "
    "backpressured, idle and busy times (GET /jobs/<jid>, read about every "
    "two minutes while the job is RUNNING; Flink refreshes the values every "
    "10 s).",
    "", "flink_cluster,job_id,job_name"};

constexpr const MetricDesc* kDiagnosisMetrics[] = {&kLastFailure, &kFailures,
                                                   &kBackpressured};

// The newest entry of a job's exception history, null without one.
const JobException* Newest(const JobCheckpointObservation& o) {
  if (!o.exceptions || o.exceptions->entries.empty()) return nullptr;
  const JobException* newest = &o.exceptions->entries.front();
  for (const auto& e : o.exceptions->entries) {
    if (e.timestamp_ms > newest->timestamp_ms) newest = &e;
  }
  return newest;
}

bool Running(const JobCheckpointObservation& o) {
  return o.details && o.details->state == "RUNNING";
}

}  // namespace

void DiagnosisCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto last_failure = Family(kLastFailure);
  auto failures = Family(kFailures);
  auto backpressure = Family(kBackpressured);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    for (const auto& [job_id, ptr] : cluster.checkpoints) {
      if (!ptr) continue;
      const JobCheckpointObservation& o = *ptr;
      const Labels l{{"flink_cluster", cluster_name},
                     {"job_id", o.job_id},
                     {"job_name", o.job_name}};
      if (const JobException* e = Newest(o)) {
        last_failure.Add(l, MillisToSeconds(e->timestamp_ms));
      }
      if (o.backpressure && Running(o)) {
        backpressure.Add(l, o.backpressure->ratio);
      }
    }
    if (cluster.checkpoint_poll && cluster.checkpoint_poll->failures) {
      for (const auto& [cls, n] : cluster.checkpoint_poll->failures->by_class) {
        failures.Add(
            {{"flink_cluster", cluster_name}, {"exception_class", cls}},
            static_cast<double>(n));
      }
    }
  }
  last_failure.AppendTo(out);
  failures.AppendTo(out);
  backpressure.AppendTo(out);
}

bool DiagnosisCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    for (const auto& [job_id, ptr] : cluster.checkpoints) {
      if (!ptr) continue;
      key->Add(job_id);
      const JobException* e = Newest(*ptr);
      key->Add(e ? e->timestamp_ms : int64_t{-1});
      key->Add(ptr->backpressure && Running(*ptr)
                   ? static_cast<int64_t>(
                         std::llround(ptr->backpressure->ratio * 1e9))
                   : int64_t{-1});
    }
    key->Add(cluster.checkpoint_poll ? cluster.checkpoint_poll->failures.get()
                                     : nullptr);
  }
  return true;
}

std::span<const MetricDesc* const> DiagnosisCollector::Descriptors() const {
  return kDiagnosisMetrics;
}

}  // namespace flinkha
