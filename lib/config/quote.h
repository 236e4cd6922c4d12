// Values as configuration messages show them: quoted, escaped, one line.
#pragma once

#include <string>
#include <string_view>

namespace flinkha {

// "value" with ", \ and control characters escaped (\n, \t, \xNN), cut after 80
// characters with "...", so that each reported problem stays on one line of
// output.
std::string QuoteValue(std::string_view value);

}  // namespace flinkha
