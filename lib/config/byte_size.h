// Byte sizes in configuration ("16MiB", "512KB", "1048576").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace flinkha {

// Parses a non-negative integer amount with an optional unit right after it: B,
// KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024). No unit means
// bytes. Error: `expected a size in bytes such as 16MiB, found "<text>"`.
Result<int64_t> ParseByteSize(std::string_view text);

}  // namespace flinkha
