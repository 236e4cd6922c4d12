// The allocator settings reach glibc: memory.cc once tested __GLIBC__ before
// any libc header defined it, and every setting was silently skipped.
#include "util/memory.h"

#include <catch2/catch.hpp>
#include <cstdlib>

namespace flinkha {
namespace {

TEST_CASE("the malloc settings are compiled in on glibc", "[util]") {
#if defined(__GLIBC__)
  CHECK(MallocTuningAvailable());
#else
  CHECK_FALSE(MallocTuningAvailable());
#endif
  ReleaseFreeMemory();  // callable at any time
}

}  // namespace
}  // namespace flinkha
