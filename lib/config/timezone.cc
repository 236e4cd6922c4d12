// Display time zone parsing.
#include "config/timezone.h"

#include <charconv>
#include <cstdio>

namespace flinkha {

Result<DisplayZone> ParseDisplayZone(std::string_view text) {
  const Error bad{
      "expected UTC or a fixed offset such as +08:00 or UTC+8, "
      "found \"" +
      std::string(text) + "\""};
  std::string_view s = text;
  if (s == "UTC" || s == "Z" || s == "utc") return DisplayZone{};
  if (s.substr(0, 3) == "UTC") s.remove_prefix(3);
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return bad;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int hours = 0, minutes = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), hours);
  if (ec != std::errc() || p == s.data() || p - s.data() > 2) return bad;
  s.remove_prefix(static_cast<size_t>(p - s.data()));
  if (!s.empty()) {
    if (s[0] != ':' || s.size() != 3) return bad;
    auto [q, ec2] = std::from_chars(s.data() + 1, s.data() + 3, minutes);
    if (ec2 != std::errc() || q != s.data() + 3 || minutes >= 60) return bad;
  }
  if (hours > 14 || (hours == 14 && minutes > 0)) return bad;
  DisplayZone z;
  z.offset_minutes = sign * (hours * 60 + minutes);
  if (z.offset_minutes == 0) return DisplayZone{};
  char buf[32];
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", sign < 0 ? '-' : '+', hours,
                minutes);
  z.name = buf;
  return z;
}

}  // namespace flinkha
