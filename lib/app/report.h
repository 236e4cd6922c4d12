// The `status` command's human report, like the shell monitor it replaces.
#pragma once

#include <string>

#include "model/state.h"

namespace flinkha {

// Plain text, one section per cluster; returns true in *healthy when nothing
// needs attention.
std::string HumanReport(const Snapshot& snapshot, bool* healthy);

}  // namespace flinkha
