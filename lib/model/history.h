// History: the last hours of every cluster (leadership, failovers, jobs,
// checkpoints, TaskManagers, output, ZooKeeper, sources) sampled from
// snapshots into bounded series, so the status page tells a story.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "model/state.h"

namespace flinkha {

// How far back the history reaches; older data is dropped.
inline constexpr std::chrono::hours kHistoryWindow{6};
// Numeric series keep at most one point per interval (states are coalesced
// into spans and recorded on every sample).
inline constexpr std::chrono::seconds kHistoryPointInterval{30};
// Fixed bounds, whatever the uptime and however much Flink flaps.
inline constexpr size_t kHistoryMaxPoints = 6 * 3600 / 30 + 16;
inline constexpr size_t kHistoryMaxSpans = 512;
inline constexpr size_t kHistoryMaxMarks = 64;
inline constexpr size_t kHistoryMaxClusters = 8;
inline constexpr size_t kHistoryMaxJobs = 50;  // per cluster
inline constexpr size_t kHistoryMaxOutputs = 16;
inline constexpr size_t kHistoryMaxZkServers = 16;
inline constexpr size_t kHistoryMaxSources = 32;
inline constexpr size_t kHistoryMaxLabel = 200;  // bytes of a name or state

// A run of one state: [from, to], to being the last sample that saw it.
struct HistorySpan {
  TimePoint from{};
  TimePoint to{};
  std::string value;  // "" means none (no leader, unknown)
};

struct HistoryPoint {
  TimePoint at{};
  double value = 0;
};

// A coalesced state series: equal consecutive samples extend one span.
class StateSeries {
 public:
  void Record(const std::string& value, TimePoint now);
  const std::deque<HistorySpan>& spans() const { return spans_; }
  // Replaces the spans (a restored state file; already bounded).
  void Assign(std::deque<HistorySpan> spans) { spans_ = std::move(spans); }
  // Drops spans that ended before `horizon` and everything after `now` (clock
  // stepped back).
  void Trim(TimePoint horizon);
  void TruncateAfter(TimePoint now);
  size_t ApproxBytes() const;

 private:
  std::deque<HistorySpan> spans_;
};

// A numeric series with at most one point per kHistoryPointInterval.
class PointSeries {
 public:
  void Record(double value, TimePoint now);
  const std::deque<HistoryPoint>& points() const { return points_; }
  void Assign(std::deque<HistoryPoint> points) { points_ = std::move(points); }
  void Trim(TimePoint horizon);
  void TruncateAfter(TimePoint now);
  size_t ApproxBytes() const;

 private:
  std::deque<HistoryPoint> points_;
};

// One failover as the history keeps it (a copy of the snapshot's report, which
// only keeps the newest few).
struct FailoverMark {
  TimePoint lost_at{};
  std::optional<TimePoint> leader_at;
  std::optional<TimePoint> job_running_at;
  std::optional<TimePoint> checkpoint_at;
  std::optional<TimePoint> output_at;
  std::string lost_jobmanager;
  std::string new_jobmanager;
  std::string cause;
};

struct LostTaskManagerMark {
  TimePoint at{};  // gone_at: the first list without it
  std::string address;
};

struct JobHistory {
  std::string name;
  StateSeries state;
  PointSeries checkpoints_completed;
  PointSeries checkpoints_failed;
  PointSeries restarts;
  TimePoint last_seen{};
};

struct OutputHistory {
  PointSeries files_committed;  // finished files created since the start
  PointSeries in_progress;
  TimePoint last_seen{};
};

struct ClusterHistory {
  // The JobManager serving as REST leader ("" while none serves).
  StateSeries leader;
  StateSeries standby;                 // "yes" | "no"
  std::deque<FailoverMark> failovers;  // oldest first
  PointSeries taskmanagers;
  PointSeries slots_total;
  PointSeries slots_available;
  std::deque<LostTaskManagerMark> lost_taskmanagers;  // oldest first
  std::map<std::string, JobHistory> jobs;             // by job id
  uint64_t jobs_not_tracked = 0;  // at the last sample: over kHistoryMaxJobs
  std::map<std::string, OutputHistory> outputs;  // by path
  StateSeries zookeeper_session;
  std::map<std::string, StateSeries> zookeeper_servers;  // mode or "down"
  std::map<std::string, StateSeries> sources;            // "up" | "down"
  TimePoint last_seen{};
};

struct HistoryData {
  std::optional<TimePoint> first_sample;
  std::optional<TimePoint> last_sample;
  uint64_t samples_total = 0;
  uint64_t clock_steps_total = 0;  // samples older than the previous one
  std::map<std::string, ClusterHistory> clusters;  // by name
  uint64_t clusters_not_tracked = 0;               // at the last sample
};

// Pure fold of snapshots over time into HistoryData. Thread-safe: Sample() is
// called by one sampler thread, Read() by HTTP handlers.
class History {
 public:
  // Records the snapshot as seen at `now`. A `now` earlier than the previous
  // sample (a clock step) first drops what lies after it, so every series
  // stays in time order.
  void Sample(const Snapshot& snapshot, TimePoint now);

  // Calls fn with the data under the lock (no copy).
  void Read(const std::function<void(const HistoryData&)>& fn) const;
  HistoryData Copy() const;
  // Continues from a saved history (the exporter restarted at `now`): every
  // state series gets an empty span at `now`, so no span bridges the time the
  // exporter was not running.
  void Restore(HistoryData data, TimePoint now);

  // Memory held by the series (an estimate counting elements and strings).
  size_t ApproxBytes() const;

 private:
  mutable std::mutex mu_;
  HistoryData data_;
};

// The JobManager the history shows as serving leader of a cluster now: the
// ZooKeeper REST leader (configured name, else its address), "" while a
// failover is open or none is known; without ZooKeeper the preferred
// JobManager.
std::string ServingLeader(const ClusterState& cluster);

}  // namespace flinkha
