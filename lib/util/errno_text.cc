// ErrnoText: one lower-case strerror for every message.
#include "util/errno_text.h"

#include <cctype>
#include <cstring>

namespace flinkha {

std::string ErrnoText(int e) {
  // strerror texts start with a capital ("Permission denied"); messages are
  // lower case.
  std::string s = std::strerror(e);
  if (!s.empty())
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace flinkha
