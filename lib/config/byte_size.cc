// Byte-size parsing for limits such as max_response_bytes.
#include "config/byte_size.h"

#include <array>
#include <limits>

#include "config/quote.h"

namespace flinkha {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t bytes;
};

// Both spellings are powers of 1024, as in Prometheus' flags and <size>
// settings (units.Base2Bytes), so a value copied from one reads the same here.
constexpr std::array<Unit, 13> kUnits{{
    {"B", 1},
    {"KB", int64_t{1} << 10},
    {"KiB", int64_t{1} << 10},
    {"MB", int64_t{1} << 20},
    {"MiB", int64_t{1} << 20},
    {"GB", int64_t{1} << 30},
    {"GiB", int64_t{1} << 30},
    {"TB", int64_t{1} << 40},
    {"TiB", int64_t{1} << 40},
    {"PB", int64_t{1} << 50},
    {"PiB", int64_t{1} << 50},
    {"EB", int64_t{1} << 60},
    {"EiB", int64_t{1} << 60},
}};

Error Bad(std::string_view text) {
  return Error{"expected a size in bytes such as 16MiB, found " +
               QuoteValue(text)};
}

}  // namespace

Result<int64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  int64_t amount = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (amount > (std::numeric_limits<int64_t>::max() - 9) / 10)
      return Bad(text);
    amount = amount * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0) return Bad(text);
  const std::string_view suffix = text.substr(i);
  if (suffix.empty()) return amount;
  for (const Unit& unit : kUnits) {
    if (unit.suffix != suffix) continue;
    if (amount > std::numeric_limits<int64_t>::max() / unit.bytes)
      return Bad(text);
    return amount * unit.bytes;
  }
  return Bad(text);
}

}  // namespace flinkha
