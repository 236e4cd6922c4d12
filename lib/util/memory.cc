// LimitMallocArenas: glibc's mallopt, a no-op elsewhere.
#include "util/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace flinkha {

void LimitMallocArenas() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 2);
#endif
}

void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace flinkha
