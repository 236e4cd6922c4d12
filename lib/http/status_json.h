// The /api/v1/status document: the snapshot with recent HA events, as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "model/state.h"

namespace flinkha {

nlohmann::json StatusJson(const Snapshot& snapshot);

// UTC, second precision: 2024-05-01T14:00:00Z.
std::string Rfc3339(TimePoint t);

}  // namespace flinkha
