// libFuzzer target: the output watcher's pure name logic on names read from
// disk and glob patterns from the config. The input is "<pattern>\0<name>";
// nothing crashes and matching stays linear (a hang shows as -timeout).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/filesink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view name =
      nul == std::string_view::npos ? input : input.substr(nul + 1);
  const auto part = flinkha::ClassifyPartFile(name);
  if (part.cls == flinkha::PartFileClass::kIgnored &&
      !part.match_name.empty()) {
    std::abort();
  }
  (void)flinkha::IsHiddenName(name);
  if (flinkha::ValidateGlob(pattern).empty()) {
    (void)flinkha::GlobMatch(pattern, name);
    (void)flinkha::GlobMatch(pattern, part.match_name);
  }
  return 0;
}
