// The display time zone of the status page and `status`: UTC or a fixed
// offset (operators read incidents in their local time; no DST rules).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace flinkha {

struct DisplayZone {
  int offset_minutes = 0;    // east of UTC
  std::string name = "UTC";  // as it prints: "UTC" or "UTC+08:00"
};

// "UTC", "Z", "+08:00", "-05:30", "UTC+8", "UTC+08:00" (at most 14 hours).
Result<DisplayZone> ParseDisplayZone(std::string_view text);

}  // namespace flinkha
