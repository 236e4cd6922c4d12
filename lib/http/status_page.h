// The small HTML status page served at /.
#pragma once

#include <string>

#include "model/state.h"

namespace flinkha {

std::string StatusPage(const Snapshot& snapshot,
                       const std::string& telemetry_path);

}  // namespace flinkha
