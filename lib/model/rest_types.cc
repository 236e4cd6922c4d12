// Small helpers over the REST types.
#include "model/rest_types.h"

#include <cstdio>
#include <ctime>

namespace flinkha {

double ToUnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string FormatUtc(TimePoint t, const char* strftime_format) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, strftime_format, &tm);
  return std::string(buf, n);
}

std::string FormatInZone(TimePoint t, int offset_minutes) {
  if (offset_minutes == 0) return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ");
  const int m = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%c%02d:%02d",
                offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
  return FormatUtc(t + std::chrono::minutes(offset_minutes),
                   "%Y-%m-%dT%H:%M:%S") +
         suffix;
}

bool IsTerminalJobState(const std::string& state) {
  return state == "FAILED" || state == "CANCELED" || state == "FINISHED" ||
         state == "SUSPENDED";
}

const char* RestFaultName(RestFault fault) {
  switch (fault) {
    case RestFault::kNone:
      return "none";
    case RestFault::kConnect:
      return "connect";
    case RestFault::kTimeout:
      return "timeout";
    case RestFault::kHttpStatus:
      return "http_status";
    case RestFault::kLeaderElection:
      return "leader_election";
    case RestFault::kParse:
      return "parse";
    case RestFault::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

}  // namespace flinkha
