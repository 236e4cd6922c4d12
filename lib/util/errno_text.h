// An errno value as the text error messages carry: strerror, in lower case.
#pragma once

#include <string>

namespace flinkha {

// "No such file or directory" -> "no such file or directory".
std::string ErrnoText(int e);

}  // namespace flinkha
