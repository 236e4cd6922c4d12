// libFuzzer target over every JobManager REST parser: any bytes give a value or
// an Error, never a crash, hang or sanitizer report. Build: cmake
// -DFLINKHA_FUZZ=ON with clang, or see fuzz/CMakeLists.txt; seed corpus:
// tests/fixtures/flink-rest and tests/fixtures/flink-real.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/checkpoint_parsers.h"
#include "model/job_diagnosis_parsers.h"
#include "model/rest_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flinkha;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)ParseFlinkConfig(body);
  (void)ParseOverview(body);
  (void)ParseJobsOverview(body);
  (void)ParseTaskManagers(body);
  (void)RpcHostPort(body);
  (void)ParseCheckpointStats(body);
  (void)ParseCheckpointConfig(body);
  (void)ParseJobMetricValue(body, {"numRestarts", "fullRestarts"});
  (void)IsLeaderElectionAnswer(503, body);
  (void)FlinkErrorMessage(body);
  (void)ParseExceptionHistory(body);
  (void)ParseJobDetails(body);
  (void)ExceptionMessage(body, "java.io.IOException");
  return 0;
}
