// Quoting of configuration values in messages.
#include "config/quote.h"

#include <cstdio>

namespace flinkha {
namespace {

constexpr size_t kMaxQuotedValue = 80;  // longer values are cut

}  // namespace

std::string QuoteValue(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == kMaxQuotedValue) {
      out += "...";
      break;
    }
    const char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace flinkha
