// libFuzzer target over every JobManager REST parser: any bytes give a value or
// an Error, never a crash, hang or sanitizer report. The first byte picks the
// endpoint (kEndpoints), the rest is the body, so one execution parses one
// body; fuzz/seed_corpus.py prefixes each recorded payload with its endpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/checkpoint_parsers.h"
#include "model/job_diagnosis_parsers.h"
#include "model/rest_parsers.h"

namespace {

// Keep in step with ENDPOINTS in fuzz/seed_corpus.py.
enum Endpoint : uint8_t {
  kConfig,            // GET /config
  kOverview,          // GET /overview
  kJobsOverview,      // GET /jobs/overview
  kTaskManagers,      // GET /taskmanagers
  kCheckpoints,       // GET /jobs/<jid>/checkpoints
  kCheckpointConfig,  // GET /jobs/<jid>/checkpoints/config
  kJobMetrics,        // GET /jobs/<jid>/metrics?get=numRestarts,fullRestarts
  kExceptions,        // GET /jobs/<jid>/exceptions
  kJobDetails,        // GET /jobs/<jid>
  kErrorBody,         // any non-2xx answer: {"errors": [...]}
  kRpcAddress,        // a TaskManager's or JobManager's RPC address
  kStackTrace,        // an exception's stack trace
  kEndpoints,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flinkha;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  switch (data[0] % kEndpoints) {
    case kConfig:
      (void)ParseFlinkConfig(body);
      break;
    case kOverview:
      (void)ParseOverview(body);
      break;
    case kJobsOverview:
      (void)ParseJobsOverview(body);
      break;
    case kTaskManagers:
      (void)ParseTaskManagers(body);
      break;
    case kCheckpoints:
      (void)ParseCheckpointStats(body);
      break;
    case kCheckpointConfig:
      (void)ParseCheckpointConfig(body);
      break;
    case kJobMetrics:
      (void)ParseJobMetricValue(body, {"numRestarts", "fullRestarts"});
      break;
    case kExceptions:
      (void)ParseExceptionHistory(body);
      break;
    case kJobDetails:
      (void)ParseJobDetails(body);
      break;
    case kErrorBody:
      (void)IsLeaderElectionAnswer(503, body);
      (void)FlinkErrorMessage(body);
      break;
    case kRpcAddress:
      (void)RpcHostPort(body);
      break;
    case kStackTrace:
      (void)ExceptionMessage(body, "java.io.IOException");
      break;
  }
  return 0;
}
