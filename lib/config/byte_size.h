// Byte sizes in configuration ("16MiB", "512KB", "1048576").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace flinkha {

// Parses a non-negative integer amount with an optional unit right after it,
// read as Prometheus reads a <size> (units.Base2Bytes): B, then KB, MB, GB, TB,
// PB, EB or KiB, MiB, GiB, TiB, PiB, EiB, both spellings powers of 1024 (16MB
// is 16 MiB). Unlike Prometheus, no unit means bytes and the amount is whole.
// Error: `expected a size in bytes such as 16MiB, found "<text>"`.
Result<int64_t> ParseByteSize(std::string_view text);

}  // namespace flinkha
