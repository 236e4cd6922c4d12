// libFuzzer target: ParseLeaderInfo must never crash or read out of bounds, and
// whatever it accepts must round-trip through EncodeLeaderInfo.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/leader_info.h"
#include "support/leader_info_encode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = flinkha::ParseLeaderInfo(bytes);
  if (r.ok() && r.value()) {
    auto encoded = flinkha::testing::EncodeLeaderInfo(r.value()->address,
                                                      r.value()->session_id);
    if (!encoded.ok()) std::abort();
    auto again = flinkha::ParseLeaderInfo(encoded.value());
    if (!again.ok() || !(again.value() == r.value())) std::abort();
  }
  return 0;
}
