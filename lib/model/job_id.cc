// The JobID check.
#include "model/job_id.h"

#include <algorithm>

namespace flinkha {

bool IsJobId(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace flinkha
