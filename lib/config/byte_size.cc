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

constexpr std::array<Unit, 7> kUnits{{
    {"B", 1},
    {"KB", 1000},
    {"MB", 1000 * 1000},
    {"GB", 1000 * 1000 * 1000},
    {"KiB", 1024},
    {"MiB", 1024 * 1024},
    {"GiB", 1024 * 1024 * 1024},
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
