// libFuzzer target: the config file loader (strict YAML, every rule) turns any
// text into a Config or an Error listing problems, never a crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = flinkha::ParseConfig(text, "fuzz.yml");
  // Every problem is reported as "<file>:<line>:<col>: error: ..." (or a
  // file-level "<file>: error: ..."): an empty message would tell nothing.
  if (!r.ok() && r.error().message.rfind("fuzz.yml:", 0) != 0) std::abort();
  return 0;
}
