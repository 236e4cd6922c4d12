// The HA analysis: a pure fold of ZooKeeper observations over time into an
// HaState (leaders, contenders, failovers with durations, leaderless time,
// split brain, flapping).
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "config/config.h"
#include "model/ha_types.h"

namespace flinkha {

struct HaOptions {
  // Components led by different JobManagers for this long are a split brain;
  // shorter splits happen while a new leader writes its components one by one.
  std::chrono::milliseconds split_brain_grace{10000};
  // This many failovers within the window raise one "flapping" event.
  std::chrono::milliseconds flapping_window{600000};
  int flapping_failovers = 3;
  size_t max_events = 100;
};

// Applies one observation made at `now` (observations must come in time order).
//
// Semantics:
// - A component's leader is identified by (address, session id). The leaders
//   present at the first observation are not changes; any later new leader is
//   (changes_total, last_change).
// - A failover begins when a leader that was seen is lost or replaced, and
//   ends when every component that had a leader has one again; if any of them
//   is a different leader it counts (failovers_total,
//   last_failover_duration_seconds = leaderless time, "leaders_replaced"
//   event), otherwise the same leaders came back ("leader_recovered", not a
//   failover). A cluster's first election is not a failover.
// - leaderless_seconds_total grows while any component has no leader and our
//   session is up.
// - When our own ZooKeeper session is down, leaders are unknown (known=false),
//   no leaderless time is counted and nothing is inferred; on reconnect,
//   changes made meanwhile are counted but the duration of a failover that
//   overlapped the outage is unknown (not exported).
// - Split brain: known leaders of different components map to different
//   JobManagers (or, with the shared latch of 1.15+, different leader
//   sessions) for at least split_brain_grace.
// - Events are appended to state.events (bounded) and, when given, to
//   new_events.
HaState ApplyObservation(HaState state, const ZkObservation& observation,
                         const ClusterConfig& config, TimePoint now,
                         std::vector<HaEvent>* new_events = nullptr,
                         const HaOptions& options = HaOptions());

}  // namespace flinkha
