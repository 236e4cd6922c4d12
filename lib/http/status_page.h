// The HTML status page served at /: the history of the last hours and the
// checks of now.
#pragma once

#include <chrono>
#include <string>

#include "model/history.h"
#include "model/state.h"

namespace flinkha {

// The Content-Security-Policy sent with the page: it needs nothing but its own
// inline CSS and SVG.
inline constexpr char kStatusPageCsp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

// Pure: snapshot + history + now -> HTML. Without a history (null) the page
// has the checks only.
std::string StatusPage(const Snapshot& snapshot,
                       const std::string& telemetry_path,
                       const HistoryData* history = nullptr,
                       TimePoint now = std::chrono::system_clock::now());

}  // namespace flinkha
