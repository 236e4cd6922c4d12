// The exporter's history (model/history.h) as JSON, for /api/v1/history.
#pragma once

#include <nlohmann/json.hpp>

#include "model/history.h"

namespace flinkha {

// Times are epoch seconds; a span is [from, to, value], a point [at, value].
nlohmann::json HistoryJson(const HistoryData& history);

}  // namespace flinkha
