// The truth of a failover: when the serving leader was lost (earliest
// evidence: its REST endpoint refusing or timing out, or ZooKeeper dropping its
// leader data), when a new leader served, and how the job recovered. A pure
// fold over the cluster state (ZooKeeper HA analysis, REST polls, checkpoints,
// output), so every reader tells the same story.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/checkpoint_types.h"
#include "model/ha_types.h"
#include "model/job_diagnosis_types.h"
#include "model/rest_types.h"

namespace flinkha {

struct ClusterState;

// How the serving leader was lost, from the first evidence the exporter had.
enum class LossCause {
  kUnknown,         // not told yet (ZooKeeper saw it first, no REST poll since)
  kRefused,         // its REST endpoint refused connections (process gone)
  kTimedOut,        // its REST endpoint stopped answering (hung, partitioned)
  kSessionExpired,  // ZooKeeper dropped its leadership while it still answered
  kLeft,     // ZooKeeper dropped its leadership, then it stopped answering
             // (a graceful stop)
  kRevoked,  // ZooKeeper dropped its leadership while it kept running, and
             // the same JobManager was granted it again (Flink revokes on a
             // suspended connection: a ZooKeeper leader election, a blip)
};
const char* LossCauseName(LossCause cause);
std::optional<LossCause> ParseLossCause(std::string_view name);

// One failover, as an operator writes it down after a drill. Times are the
// exporter's clock; durations are measured from lost_at.
struct FailoverReport {
  std::string seen_by;          // "rest" or "zookeeper": the first evidence
  std::string lost_jobmanager;  // configured name, or the leader's address
  LossCause cause = LossCause::kUnknown;
  TimePoint lost_at{};  // the first observation of the loss
  // The last observation of the lost leader serving: the loss happened in
  // (last_good, lost_at]. Unset when nothing bounds it.
  std::optional<TimePoint> last_good;
  std::optional<TimePoint> zookeeper_lost_at;  // its leader data went away
  std::optional<TimePoint> leader_at;          // a new leader served: the end
  std::string new_jobmanager;
  std::optional<TimePoint> job_running_at;  // a job RUNNING again
  std::optional<int64_t> restored_checkpoint_id;
  // lost_at minus the completion time of the restored checkpoint: the
  // processing the job replays (the recovery point).
  std::optional<double> restored_checkpoint_age_seconds;
  std::optional<TimePoint> checkpoint_at;  // first new completed checkpoint
  std::optional<int64_t> checkpoint_id;
  std::optional<TimePoint> output_at;  // first new committed output file
  // The failure Flink recorded with this failover, if any: the earliest entry
  // of a job's exception history dated from last_good (else lost_at) until
  // the first new checkpoint, the end of the recovery. A leader loss alone
  // brings none (the new JobMaster's history starts empty); a task or
  // TaskManager that fails with it or while the job recovers does.
  std::optional<JobException> failure;
  std::string failure_job_id;  // the job whose history holds it
  // The newest completed checkpoint of each job when the loss was seen.
  std::map<std::string, CompletedCheckpoint> checkpoints_before;

  bool open() const { return !leader_at.has_value(); }
  // lost_at -> leader_at (nullopt while open).
  std::optional<double> leaderless_seconds() const;
  // last_good -> leader_at: the longest the failover can have taken.
  std::optional<double> leaderless_upper_bound_seconds() const;
  std::optional<double> SecondsTo(const std::optional<TimePoint>& t) const;
};

inline constexpr size_t kMaxFailoverReports = 20;
inline constexpr size_t kMaxFailoverEvents = 100;

struct FailoverState {
  std::deque<FailoverReport> reports;   // newest last; the last may be open
  uint64_t failovers_total = 0;         // closed reports with a new leader
  double leaderless_seconds_total = 0;  // time without a serving leader
  std::deque<HaEvent> events;           // newest last, bounded

  bool in_progress() const { return !reports.empty() && reports.back().open(); }
  const FailoverReport* last_closed() const;

  // Bookkeeping carried from one update to the next.
  double leaderless_closed_seconds = 0;  // of closed failovers
  uint64_t ha_failovers_seen = 0;  // HaState::failovers_total already handled
  bool rest_had_leader = false;    // REST-only: a leader answered before
  std::optional<TimePoint> rest_outage_since;  // REST-only
  // lost_at of the newest report opened: older evidence opens none.
  std::optional<TimePoint> last_loss_at;
};

// Advances the failover state after the cluster changed at `now`. With
// ZooKeeper configured, a loss opens a report at the first evidence (the named
// REST leader's poll refused or timed out, or ZooKeeper losing or replacing the
// leader) and it closes when ZooKeeper names a different leader for every
// component (a failover), or the same leader serves again (not a failover).
// Without ZooKeeper, every JobManager failing after one served opens it and one
// serving again closes it (failovers_total stays 0: leadership is not seen).
// Recovery phases of the newest report fill in as the job runs, checkpoints
// and commits output again. New events are also appended to new_events.
FailoverState AdvanceFailover(FailoverState state, const ClusterState& cluster,
                              TimePoint now,
                              std::vector<HaEvent>* new_events = nullptr);

}  // namespace flinkha
