// What was built: version, git revision and compiler. Defined in a file CMake
// generates (lib/util/build_info.cc.in), so a new revision recompiles one file.
#pragma once

#include <string_view>

namespace flinkha {

std::string_view BuildVersion();   // project version, e.g. "0.9.0"
std::string_view BuildRevision();  // short git revision, or "unknown"
std::string_view BuildCompiler();  // e.g. "GNU 12.2.0", from CMake's probe

}  // namespace flinkha
