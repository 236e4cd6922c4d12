// LimitMallocArenas: glibc's mallopt, a no-op elsewhere.
#include "util/memory.h"

// Any libc header defines __GLIBC__; without one first, the test below was
// always false and these functions did nothing.
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace flinkha {

void LimitMallocArenas() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 2);
  // A fixed mmap threshold: glibc raises it to the size of each large block
  // freed (up to 32 MB), after which the /metrics bodies (megabytes, one per
  // change) come from the heap and fragment it; RSS crept up by ~1 MB a
  // minute in the soak (bench/soak.cc). Blocks from 256 KB on are mapped and
  // go back to the system when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

bool MallocTuningAvailable() {
#if defined(__GLIBC__)
  return true;
#else
  return false;
#endif
}

}  // namespace flinkha
