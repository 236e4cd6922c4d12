// Output directory metrics: finished and in-progress part files, bytes,
// freshness, rows.
#include "collectors/output_collector.h"

#include "collectors/family.h"

namespace flinkha {
namespace {

constexpr std::string_view kFrom =
    " From the output directory watcher (inotify, with a full rescan as the "
    "safety net).";

// The families of this file, declared once (collectors/metric_desc.h).
constexpr MetricDesc kOutputDirectoryReadable{
    "flinkha_output_directory_readable", prometheus::MetricType::Gauge,
    "Whether the configured output directory exists and could be listed (1) or "
    "not (0).",
    kFrom, "flink_cluster,directory"};

constexpr MetricDesc kOutputFiles{
    "flinkha_output_files", prometheus::MetricType::Gauge,
    "Part files in the output directory and its bucket subdirectories matching "
    "the pattern: state=finished for committed files, state=in_progress for "
    "hidden in-progress and pending files.",
    kFrom, "flink_cluster,directory,state"};

constexpr MetricDesc kOutputBytes{
    "flinkha_output_bytes", prometheus::MetricType::Gauge,
    "Total size of the finished part files in bytes.", kFrom,
    "flink_cluster,directory"};

constexpr MetricDesc kOutputLastFileTimestampSeconds{
    "flinkha_output_last_file_timestamp_seconds", prometheus::MetricType::Gauge,
    "Modification time of the newest finished part file, seconds since epoch.",
    kFrom, "flink_cluster,directory"};

constexpr MetricDesc kOutputInProgressLastWriteTimestampSeconds{
    "flinkha_output_in_progress_last_write_timestamp_seconds",
    prometheus::MetricType::Gauge,
    "Modification time of the newest in-progress part file, seconds since "
    "epoch, checked every 10 s; absent without in-progress files. An old value "
    "means nothing writes them: they were left by an attempt that is gone.",
    kFrom, "flink_cluster,directory"};

constexpr MetricDesc kOutputFilesCreatedTotal{
    "flinkha_output_files_created_total", prometheus::MetricType::Counter,
    "Finished part files that appeared since the exporter started (files "
    "present at start are not counted).",
    kFrom, "flink_cluster,directory"};

constexpr MetricDesc kOutputRowsTotal{
    "flinkha_output_rows_total", prometheus::MetricType::Counter,
    "Newline-terminated lines in finished part files that appeared since the "
    "exporter started, each file read once (count_rows).",
    kFrom, "flink_cluster,directory"};

constexpr const MetricDesc* kOutputCollectorMetrics[] = {
    &kOutputDirectoryReadable,
    &kOutputFiles,
    &kOutputBytes,
    &kOutputLastFileTimestampSeconds,
    &kOutputInProgressLastWriteTimestampSeconds,
    &kOutputFilesCreatedTotal,
    &kOutputRowsTotal};

}  // namespace

void OutputCollector::Collect(
    const Snapshot& snapshot,
    std::vector<prometheus::MetricFamily>* out) const {
  auto readable = Family(kOutputDirectoryReadable);
  auto files = Family(kOutputFiles);
  auto bytes = Family(kOutputBytes);
  auto last = Family(kOutputLastFileTimestampSeconds);
  auto in_progress_write = Family(kOutputInProgressLastWriteTimestampSeconds);
  auto created = Family(kOutputFilesCreatedTotal);
  auto rows = Family(kOutputRowsTotal);
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    for (const auto& [path, o] : cluster.outputs) {
      if (!o) continue;
      const Labels l{{"flink_cluster", cluster_name}, {"directory", path}};
      readable.Add(l, o->readable ? 1 : 0);
      files.Add({{"flink_cluster", cluster_name},
                 {"directory", path},
                 {"state", "finished"}},
                static_cast<double>(o->finished_files));
      files.Add({{"flink_cluster", cluster_name},
                 {"directory", path},
                 {"state", "in_progress"}},
                static_cast<double>(o->in_progress_files));
      bytes.Add(l, static_cast<double>(o->bytes));
      if (o->last_file_timestamp_seconds)
        last.Add(l, *o->last_file_timestamp_seconds);
      if (o->in_progress_last_write_timestamp_seconds)
        in_progress_write.Add(l, *o->in_progress_last_write_timestamp_seconds);
      created.Add(l, static_cast<double>(o->files_created_total));
      if (o->rows_total) rows.Add(l, static_cast<double>(*o->rows_total));
    }
  }
  readable.AppendTo(out);
  files.AppendTo(out);
  bytes.AppendTo(out);
  last.AppendTo(out);
  in_progress_write.AppendTo(out);
  created.AppendTo(out);
  rows.AppendTo(out);
}

bool OutputCollector::Key(const Snapshot& snapshot, RenderKey* key) const {
  for (const auto& [cluster_name, cluster] : snapshot.clusters) {
    key->Add(cluster_name);
    for (const auto& [path, o] : cluster.outputs) {
      key->Add(path);
      key->Add(o.get());
    }
  }
  return true;
}

std::span<const MetricDesc* const> OutputCollector::Descriptors() const {
  return kOutputCollectorMetrics;
}

}  // namespace flinkha
