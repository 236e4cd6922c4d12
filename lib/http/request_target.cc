// Request-target path decoding for the HTTP server.
#include "http/request_target.h"

namespace flinkha {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string RequestPath(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::string path;
  path.reserve(target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size() &&
        HexDigit(target[i + 1]) >= 0 && HexDigit(target[i + 2]) >= 0) {
      path += static_cast<char>(HexDigit(target[i + 1]) * 16 +
                                HexDigit(target[i + 2]));
      i += 2;
    } else {
      path += target[i];
    }
  }
  return path;
}

}  // namespace flinkha
