// SavedState: what the exporter keeps across its own restarts (failover
// reports, HA events, the history), and its file format: pure encode/decode.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "model/failover.h"
#include "model/history.h"
#include "util/result.h"

namespace flinkha {

// The format's version: a file of another version is read as foreign.
inline constexpr int kSavedStateVersion = 1;
// A file larger than this is not read (the bounded history and events encode
// to far less; see docs/configuration.md).
inline constexpr size_t kSavedStateMaxBytes = 32 * 1024 * 1024;

struct SavedCluster {
  FailoverState failover;         // reports, failover events, totals
  std::deque<HaEvent> ha_events;  // ZooKeeper's events (HaState::events)
};

struct SavedState {
  TimePoint saved_at{};
  std::map<std::string, SavedCluster> clusters;  // by cluster name
  HistoryData history;
};

// JSON text, one object: {"format": "flink-ha-exporter-state", "version": 1,
// ...}. Deterministic for equal input.
std::string EncodeSavedState(const SavedState& state);

// The inverse; an error names what is wrong (not JSON, a foreign or newer
// file, a field of the wrong type). Never throws.
Result<SavedState> DecodeSavedState(std::string_view text);

// The failover state a restarted exporter continues from: the saved reports,
// events and totals, with the bookkeeping that belonged to the old process's
// ZooKeeper session reset, ZooKeeper's saved events merged in (newest kept),
// and an "exporter_restarted" event at `now`.
FailoverState ResumeFailoverState(const SavedCluster& saved, TimePoint saved_at,
                                  TimePoint now);

}  // namespace flinkha
