// The list of collectors, their render keys and the /metrics rendering.
#include <prometheus/text_serializer.h>

#include <cstdint>

#include "collectors/checkpoint_collector.h"
#include "collectors/cluster_collector.h"
#include "collectors/collector.h"
#include "collectors/diagnosis_collector.h"
#include "collectors/exporter_collector.h"
#include "collectors/ha_collector.h"
#include "collectors/job_collector.h"
#include "collectors/jobmanager_collector.h"
#include "collectors/kubernetes_collector.h"
#include "collectors/output_collector.h"
#include "collectors/process_collector.h"
#include "collectors/recovery_collector.h"
#include "collectors/taskmanager_collector.h"
#include "collectors/zookeeper_collector.h"

namespace flinkha {
namespace {

void AppendRaw(std::string* bytes, const void* p, size_t n) {
  bytes->append(static_cast<const char*>(p), n);
}

}  // namespace

void RenderKey::Add(const void* part) {
  bytes_.push_back('p');
  AppendRaw(&bytes_, &part, sizeof part);
}

void RenderKey::Add(std::string_view value) {
  bytes_.push_back('s');
  const uint64_t n = value.size();
  AppendRaw(&bytes_, &n, sizeof n);
  bytes_.append(value);
}

void RenderKey::Add(int64_t value) {
  bytes_.push_back('i');
  AppendRaw(&bytes_, &value, sizeof value);
}

bool Collector::Key(const Snapshot&, RenderKey*) const { return false; }

std::vector<std::unique_ptr<Collector>> AllCollectors() {
  std::vector<std::unique_ptr<Collector>> c;
  c.push_back(std::make_unique<ExporterCollector>());
  c.push_back(std::make_unique<JobManagerCollector>());
  c.push_back(std::make_unique<ClusterCollector>());
  c.push_back(std::make_unique<TaskManagerCollector>());
  c.push_back(std::make_unique<JobCollector>());
  c.push_back(std::make_unique<CheckpointCollector>());
  c.push_back(std::make_unique<DiagnosisCollector>());
  c.push_back(std::make_unique<HaCollector>());
  c.push_back(std::make_unique<HaJobCollector>());
  c.push_back(std::make_unique<ZooKeeperCollector>());
  c.push_back(std::make_unique<KubernetesCollector>());
  c.push_back(std::make_unique<OutputCollector>());
  c.push_back(std::make_unique<RecoveryCollector>());
  c.push_back(std::make_unique<ProcessCollector>());
  return c;
}

std::vector<const MetricDesc*> AllDescriptors(
    const std::vector<std::unique_ptr<Collector>>& collectors) {
  std::vector<const MetricDesc*> out;
  for (const auto& c : collectors) {
    for (const MetricDesc* d : c->Descriptors()) out.push_back(d);
  }
  return out;
}

Status CheckCollectors(
    const std::vector<std::unique_ptr<Collector>>& collectors) {
  return CheckMetricDescs(AllDescriptors(collectors));
}

std::string RenderMetrics(
    const std::vector<std::unique_ptr<Collector>>& collectors,
    const Snapshot& snapshot) {
  std::vector<prometheus::MetricFamily> families;
  families.reserve(64);
  for (const auto& c : collectors) c->Collect(snapshot, &families);
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace flinkha
