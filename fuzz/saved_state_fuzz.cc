// libFuzzer target: the state file a restarted exporter reads back (its own
// earlier output, but a file on disk that may be truncated or edited). Any
// bytes give a SavedState or an Error; what decodes re-encodes to a fixed
// point (encode . decode . encode == encode).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/saved_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = flinkha::DecodeSavedState(text);
  if (!r.ok()) return 0;
  const std::string once = flinkha::EncodeSavedState(r.value());
  auto again = flinkha::DecodeSavedState(once);
  if (!again.ok()) std::abort();
  if (flinkha::EncodeSavedState(again.value()) != once) std::abort();
  return 0;
}
