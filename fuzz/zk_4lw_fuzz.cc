// libFuzzer target: the four-letter-word parsers take any bytes without
// crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/zk_4lw.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view answer(reinterpret_cast<const char*>(data), size);
  flinkha::ZkServerHealth h;
  (void)flinkha::ParseSrvr(answer, &h);
  (void)flinkha::ParseMntr(answer, &h);
  (void)flinkha::ParseRuok(answer);
  return 0;
}
