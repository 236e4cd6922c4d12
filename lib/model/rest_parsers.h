// Pure parsers for the JobManager REST answers the exporter polls: bytes in,
// typed result out. Unknown fields are ignored; a missing or ill-typed required
// field is an error naming its path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/rest_types.h"
#include "util/result.h"

namespace flinkha {

// GET /config
Result<FlinkConfigInfo> ParseFlinkConfig(std::string_view body);

// GET /overview (Flink 1.13 has no flink-version: left empty).
Result<ClusterOverview> ParseOverview(std::string_view body);

// GET /jobs/overview
Result<std::vector<JobSummary>> ParseJobsOverview(std::string_view body);

// GET /taskmanagers. `address` is the host:port of `path`.
Result<std::vector<TaskManagerSummary>> ParseTaskManagers(
    std::string_view body);

// GET /jobs/<jid>/metrics?get=numRestarts,fullRestarts: a bare array of
// {"id","value":"<n>"}. Returns the value of the first of `ids` present (so
// numRestarts wins over the older fullRestarts), or nullopt when none is (Flink
// answers [] for unknown metrics).
Result<std::optional<int64_t>> ParseJobMetricValue(
    std::string_view body, const std::vector<std::string>& ids);

// host:port of an RPC address ("pekko.tcp://flink@host:6122/user/rpc/x",
// "akka.tcp://..."), lower-cased, IPv6 in brackets; empty when the address
// names no host and valid port (e.g. a local "pekko://flink/user/rpc/x").
std::string RpcHostPort(std::string_view rpc_address);

// True for Flink's 503 "Service temporarily unavailable due to an ongoing
// leader election".
bool IsLeaderElectionAnswer(int status, std::string_view body);

// The first message of Flink's error body {"errors":["..."]}, shortened to one
// line of at most 200 characters; empty when the body has no such message.
std::string FlinkErrorMessage(std::string_view body);

}  // namespace flinkha
