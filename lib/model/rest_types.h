// Typed results of Flink's JobManager REST API (field meanings in
// docs/flink-facts.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flinkha {

using TimePoint = std::chrono::system_clock::time_point;

// Seconds since the Unix epoch (*_timestamp_seconds series, status JSON).
double ToUnixSeconds(TimePoint t);

// t in UTC, formatted by strftime (e.g. "%H:%M:%S"); at most 63 characters.
std::string FormatUtc(TimePoint t, const char* strftime_format);
// RFC 3339 at second precision in a fixed-offset zone: "2024-05-01T14:00:00Z"
// for UTC, "2024-05-01T22:00:00+08:00" for UTC+08:00.
std::string FormatInZone(TimePoint t, int offset_minutes);

// GET /config
struct FlinkConfigInfo {
  std::string flink_version;
  std::string flink_revision;
};

// GET /overview
struct ClusterOverview {
  int64_t taskmanagers = 0;
  int64_t slots_total = 0;
  int64_t slots_available = 0;
  // The job counts and flink-version are not read: the job list and /config
  // say them.
};

// One entry of GET /jobs/overview.
struct JobSummary {
  std::string id;
  std::string name;
  std::string state;  // one of kJobStates
  int64_t start_time_ms = 0;
  int64_t last_modification_ms = 0;
};

// One entry of GET /taskmanagers.
struct TaskManagerSummary {
  std::string id;  // Flink's ResourceID, stable across re-registrations
  std::string path;
  // host:port of `path` (the RPC address "pekko.tcp://flink@host:port/user/
  // rpc/taskmanager_0"); empty when the path names no host (a local actor).
  std::string address;
  int64_t slots_number = 0;
  int64_t free_slots = 0;
  int64_t last_heartbeat_ms = 0;  // `timeSinceLastHeartbeat`: epoch ms

  bool operator==(const TaskManagerSummary&) const = default;
};

inline constexpr const char* kJobStates[] = {
    "INITIALIZING", "CREATED",    "RUNNING",    "FAILING",
    "FAILED",       "CANCELLING", "CANCELED",   "FINISHED",
    "RESTARTING",   "SUSPENDED",  "RECONCILING"};

// Terminal job states: no checkpoints are polled for these.
bool IsTerminalJobState(const std::string& state);

// Why a poll of one JobManager did not fully succeed.
enum class RestFault {
  kNone,
  kConnect,         // connection refused / DNS / TLS handshake
  kTimeout,         // no complete answer within request_timeout
  kHttpStatus,      // unexpected HTTP status
  kLeaderElection,  // 503 "ongoing leader election": endpoint alive, no leader
                    // known
  kParse,           // body is not the JSON we expect
  kTooLarge,        // body exceeds max_response_bytes
};
const char* RestFaultName(RestFault fault);

// The outcome of one poll of one JobManager's REST endpoint.
struct JobManagerObservation {
  TimePoint at{};
  bool up = false;  // answered as Flink REST (200, or 503 in election)
  RestFault fault = RestFault::kNone;
  std::string error;            // empty when the poll fully succeeded
  double duration_seconds = 0;  // wall time of the whole poll
  std::optional<FlinkConfigInfo> config;
  std::optional<ClusterOverview> overview;
  std::optional<std::vector<JobSummary>> jobs;
  std::optional<std::vector<TaskManagerSummary>> taskmanagers;
};

// What the connection watch (sources/rest/liveness_watch.h) knows of one
// JobManager's REST endpoint between polls: a kept-open connection whose close
// the kernel reports the moment the process dies, and light pings on it that
// tell a hung process. Published only when it changes.
struct JobManagerLiveness {
  bool reachable = false;  // connected, and answering its pings in time
  // kConnect: the connection closed and a new one was refused; kTimeout: a
  // ping went unanswered for request_timeout. kNone while reachable.
  RestFault fault = RestFault::kNone;
  std::optional<TimePoint> down_since;  // the first evidence of this loss
  std::optional<TimePoint> last_alive;  // its last answer or connect
  std::string error;
};

}  // namespace flinkha
