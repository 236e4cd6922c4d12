// Typed answers of the REST endpoints that say why a job failed and whether
// all of it runs and keeps up: its exception history (GET
// /jobs/<jid>/exceptions) and its details (GET /jobs/<jid>: state timestamps,
// vertex backpressure times). Field meanings in docs/flink-facts.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkha {

// One entry of exceptionHistory.entries (Flink 1.13+): a failure that made
// the job (or one of its pipelined regions) restart.
struct JobException {
  int64_t timestamp_ms = 0;
  std::string exception_class;  // exceptionName, e.g. java.io.IOException
  std::string message;          // first line of the stack trace, class cut off
  std::string task;             // taskName; empty for a global failure
  std::string endpoint;         // TaskManager host:port (endpoint, or location
                                // before 1.19); empty for a global failure
  std::string taskmanager_id;   // taskManagerId; empty when unknown
  std::map<std::string, std::string> labels;  // failureLabels (1.18+)
  int concurrent = 0;  // concurrentExceptions: failures folded into this one

  bool operator==(const JobException&) const = default;
};

// GET /jobs/<jid>/exceptions: the newest failures first, as Flink keeps them
// (web.exception-history-size, 16 by default; only since the JobMaster
// started, so a JobManager failover empties it).
struct ExceptionHistory {
  std::vector<JobException> entries;  // newest first, at most kMaxExceptions
  bool truncated = false;             // Flink or the parser left some out
};

// One vertex of GET /jobs/<jid>, with the accumulated times of its subtasks
// (milliseconds, summed over subtasks, 1.16+). nullopt: Flink has no value
// (its metric store has not fetched the task metrics yet, or busy time is not
// measured: "NaN").
struct VertexTimes {
  std::string id;
  std::string name;
  int64_t parallelism = 0;
  std::optional<double> backpressured_ms;
  std::optional<double> idle_ms;
  std::optional<double> busy_ms;

  bool operator==(const VertexTimes&) const = default;
};

// GET /jobs/<jid>
struct JobDetails {
  std::string state;
  int64_t now_ms = 0;  // the JobManager's clock when it answered
  // Job status name -> epoch ms the job last entered it ("RUNNING" -> ...);
  // 0 for a state never entered is left out.
  std::map<std::string, int64_t> timestamps;
  std::vector<VertexTimes> vertices;
};

// The busiest vertex's backpressured share of time between two JobDetails
// (model/job_diagnosis.h).
struct Backpressure {
  double ratio = 0;     // in [0, 1]
  std::string vertex;   // the vertex's name
  double window_s = 0;  // the time between the two answers
};

}  // namespace flinkha
