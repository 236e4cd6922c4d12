// When each job's checkpoint statistics are asked for next, and how fast
// requests may go to one JobManager. Pure: every call is given the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "model/rest_types.h"

namespace flinkha {

// Scheduling runs on the monotonic clock: a wall-clock step must neither stall
// polling nor burst it.
using MonoTime = std::chrono::steady_clock::time_point;

// What the cadence of one job depends on.
struct CadenceInput {
  std::optional<Duration> checkpoint_interval;  // from /checkpoints/config
  bool checkpointing_disabled = false;          // Flink answered 404
  bool running = false;                         // job state RUNNING
};

// The longest time between two polls of one job: min(60 s, 12 poll
// intervals), so a job that checkpoints rarely (or not at all) still shows a
// failed checkpoint, a restart or a vanished job within a minute.
Duration MaxCheckpointCadence(Duration poll_interval);

// How often one job's statistics are asked for: a quarter of its checkpoint
// interval, so a completed checkpoint is seen at most a quarter interval late
// (FlinkCheckpointsStale waits at least two intervals), clamped to
// [poll_interval, MaxCheckpointCadence]. poll_interval while the interval is
// unknown or the job is not RUNNING (its state moves fast); the maximum when
// checkpointing is disabled.
Duration CheckpointCadence(const CadenceInput& in, Duration poll_interval);

// Spaces requests evenly: consecutive requests start at least 1/rate apart,
// so any one-second window [t, t+1s) holds at most `rate` of them and there
// are no bursts, also after a pause.
class RequestPacer {
 public:
  explicit RequestPacer(int per_second);
  // The earliest start of the next request.
  MonoTime NextSlot(MonoTime now) const;
  // A request starts at `at` (not before NextSlot(at)).
  void Take(MonoTime at);
  std::chrono::nanoseconds spacing() const { return spacing_; }

 private:
  std::chrono::nanoseconds spacing_;
  std::optional<MonoTime> last_;
};

// The due time of every listed, non-terminal job. Jobs are visited earliest
// due first; the poller asks for the next due job, visits it (paced by a
// RequestPacer) and reports the visit.
class CheckpointSchedule {
 public:
  explicit CheckpointSchedule(Duration poll_interval);

  // Brings the schedule up to date with the job list read from `endpoint`.
  // jobs: the jobs to poll (non-terminal, valid ids). A new job is due now; so
  // is a job whose state, start-time or last-modification changed (a restart
  // or a new attempt moves the numbers), and every job when the endpoint
  // changed (a new JobMaster counts from zero). Jobs not listed are dropped.
  void Sync(const std::vector<const JobSummary*>& jobs,
            const std::string& endpoint, MonoTime now);

  // The job that has waited longest among those due at or before now.
  std::optional<std::string> NextDue(MonoTime now) const;
  // The earliest due time of any job; nullopt without jobs.
  std::optional<MonoTime> EarliestDue() const;

  // A visit of job id ended at now: it is next due about one cadence later,
  // at the job's own phase of the cadence (so jobs with the same cadence are
  // spread evenly over it, however they were first visited), or at
  // revisit_by when that is earlier (a numRestarts value to confirm once
  // Flink's metric store caught up). Unknown ids are ignored.
  void Visited(const std::string& id, const CadenceInput& in, MonoTime now,
               std::optional<MonoTime> revisit_by = std::nullopt);
  // A visit could not be made (the endpoint is down): the job keeps its place.
  // Nothing to call; it simply stays due.

  // Jobs due for longer than `late`: the poller is behind (the request budget
  // is too small for the jobs and their cadences).
  size_t Overdue(MonoTime now, Duration late) const;
  size_t size() const { return jobs_.size(); }
  // Jobs not visited since they were listed.
  size_t Unvisited() const { return unvisited_; }
  // When a job is due next.
  std::optional<MonoTime> DueOf(const std::string& id) const;
  // The current cadence of a job (poll_interval before its first visit).
  std::optional<Duration> CadenceOf(const std::string& id) const;

 private:
  struct Entry {
    MonoTime due;
    Duration cadence;
    std::string state;
    int64_t start_time_ms = 0;
    int64_t last_modification_ms = 0;
    bool visited = false;
    double phase = 0;  // in [0, 1): where in its cadence the job is asked
  };
  void SetDue(const std::string& id, Entry& e, MonoTime due);

  Duration poll_interval_;
  std::string endpoint_;
  std::map<std::string, Entry> jobs_;
  std::set<std::pair<MonoTime, std::string>> queue_;  // (due, id)
  size_t unvisited_ = 0;
  uint64_t listed_total_ = 0;      // jobs ever listed: the next phase
  std::optional<MonoTime> epoch_;  // phases count from the first Sync
};

}  // namespace flinkha
