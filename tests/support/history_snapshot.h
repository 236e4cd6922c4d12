// Snapshots for history tests: one cluster whose jobs, checkpoints, output and
// leadership move with a step counter, so a fake clock can run for hours.
#pragma once

#include <optional>
#include <string>

#include "model/state.h"

namespace flinkha::testing {

struct HistoryScenario {
  std::string cluster = "prod";
  int jobs = 10;
  int first_job = 0;  // job ids are "job<first_job + i>"
  std::string job_name_prefix = "job ";
  std::string leader = "jm-1";  // "" while no leader is known
  // A failover report lost at this time (open while leader_at is unset).
  std::optional<TimePoint> failover_lost_at;
  std::optional<TimePoint> failover_leader_at;
  bool flap = false;  // job states alternate every step
};

// The snapshot at `step` (checkpoint counts and committed files grow with it)
// observed at `now`.
Snapshot HistorySnapshot(const HistoryScenario& scenario, int step,
                         TimePoint now);

}  // namespace flinkha::testing
