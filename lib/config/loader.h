// Strict YAML configuration loading: every problem reported at once with
// file:line:col.
#pragma once

#include <string>

#include "config/config.h"
#include "util/result.h"

namespace flinkha {

// Parses YAML text; file_name is used in messages. On failure the Error's
// message holds one line per problem: "<file>:<line>:<col>: error: <message>",
// in document order.
Result<Config> ParseConfig(const std::string& yaml_text,
                           const std::string& file_name);

// Reads and parses a file; an unreadable file is "<file>: error: cannot read:
// <reason>".
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace flinkha
