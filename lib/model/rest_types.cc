// Small helpers over the REST types.
#include "model/rest_types.h"

namespace flinkha {

double ToUnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
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
