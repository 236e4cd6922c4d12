// libFuzzer target: the web config (--web.config.file: TLS, basic auth users,
// headers) turns any text into a WebConfig or an Error, never a crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = flinkha::ParseWebConfig(text, "/etc/flink-ha-exporter/web.yml");
  if (!r.ok() &&
      r.error().message.rfind("/etc/flink-ha-exporter/web.yml:", 0) != 0) {
    std::abort();
  }
  // Accepted users carry hashes crypt(3) understands (the server hashes a
  // dummy for unknown users; a bad hash would fail every login).
  if (r.ok()) {
    for (const auto& [user, hash] : r.value().basic_auth_users) {
      if (!flinkha::IsBcryptHash(hash)) std::abort();
    }
  }
  return 0;
}
