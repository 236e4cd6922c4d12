// libFuzzer target: what the Kubernetes API server sends for Flink's HA
// ConfigMaps (model/k8s_ha.h) must never crash, hang or read out of bounds.
// The first byte picks the parser, so one execution parses one input:
//   0 a ConfigMap list, then the observation built from it; 1 a watch line;
//   2 the leader annotation; 3 an error body; 4 a leader data value;
//   5 a lease duration and a time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "model/k8s_ha.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto list = flinkha::ParseConfigMapList(in);
      if (!list.ok()) break;
      flinkha::ZkObservation obs;
      std::vector<flinkha::K8sLock> locks;
      flinkha::FillK8sObservation(list.value().items, "realtime-pipeline", &obs,
                                  &locks);
      break;
    }
    case 1:
      (void)flinkha::ParseWatchEvent(in);
      break;
    case 2:
      (void)flinkha::ParseLeaderElectionRecord(in);
      break;
    case 3:
      (void)flinkha::StatusMessage(in);
      break;
    case 4: {
      auto v = flinkha::ParseK8sLeaderValue(in);
      // Whatever it accepts has both halves of "<session id>,<address>".
      if (v.ok() && v.value() &&
          (v.value()->session_id.size() != 36 || v.value()->address.empty()))
        std::abort();
      break;
    }
    case 5:
      (void)flinkha::ParseIsoDuration(in);
      (void)flinkha::ParseRfc3339(in);
      break;
  }
  return 0;
}
