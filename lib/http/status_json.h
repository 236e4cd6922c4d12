// The /api/v1/status document: the snapshot with recent HA events, as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "model/state.h"

namespace flinkha {

nlohmann::json StatusJson(const Snapshot& snapshot);

}  // namespace flinkha
