// Prometheus-style duration parsing and formatting (same grammar as
// prometheus/common/model).
#include "config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

#include "config/quote.h"

namespace flinkha {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t millis;
};

// Largest first: the order a duration must be written in, and the order it is
// formatted in.
constexpr std::array<Unit, 7> kUnits{{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

Error Bad(std::string_view text) {
  return Error{"expected a duration such as 5s, found " + QuoteValue(text)};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration{0};
  if (text.empty()) return Bad(text);
  int64_t total = 0;
  size_t next_unit = 0;  // units before this index are no longer allowed
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) return Bad(text);
    int64_t amount = 0;
    while (i < text.size() && IsDigit(text[i])) {
      if (amount > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return Bad(text);
      amount = amount * 10 + (text[i] - '0');
      ++i;
    }
    size_t end = i;
    while (end < text.size() && !IsDigit(text[end])) ++end;
    const std::string_view suffix = text.substr(i, end - i);
    size_t u = next_unit;
    while (u < kUnits.size() && kUnits[u].suffix != suffix) ++u;
    if (u == kUnits.size())
      return Bad(text);  // unknown, repeated or out-of-order unit
    if (amount > std::numeric_limits<int64_t>::max() / kUnits[u].millis)
      return Bad(text);
    const int64_t part = amount * kUnits[u].millis;
    if (total > std::numeric_limits<int64_t>::max() - part) return Bad(text);
    total += part;
    next_unit = u + 1;
    i = end;
  }
  return Duration{total};
}

std::string FormatDuration(Duration d) {
  if (d.count() == 0) return "0s";
  std::string out = d.count() < 0 ? "-" : "";
  // Unsigned so that the most negative value has a magnitude too.
  uint64_t ms = d.count() < 0 ? 0 - static_cast<uint64_t>(d.count())
                              : static_cast<uint64_t>(d.count());
  for (const Unit& unit : kUnits) {
    const uint64_t amount = ms / static_cast<uint64_t>(unit.millis);
    if (amount == 0) continue;
    out += std::to_string(amount);
    out += unit.suffix;
    ms -= amount * static_cast<uint64_t>(unit.millis);
  }
  return out;
}

}  // namespace flinkha
