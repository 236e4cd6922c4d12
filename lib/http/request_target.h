// The one piece of a request the server parses itself (Boost.Beast parses the
// rest): the path of the request target. Pure; fuzzed in fuzz/.
#pragma once

#include <string>
#include <string_view>

namespace flinkha {

// The path of a request target: before any query, %XX sequences decoded (an
// incomplete or non-hex escape is kept as it is).
std::string RequestPath(std::string_view target);

}  // namespace flinkha
