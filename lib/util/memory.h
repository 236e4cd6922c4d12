// Process-wide allocator settings, applied once at start-up.
#pragma once

namespace flinkha {

// Caps glibc's malloc arenas at two. glibc gives each thread that allocates
// under contention an arena of its own (up to 8 per core) and rarely returns
// their memory: the HTTP pool, the pollers and the ZooKeeper threads each
// kept megabytes of freed render and response buffers, most of the
// exporter's RSS. Two arenas keep contention low for a daemon that is mostly
// idle. Also fixes the mmap threshold at 256 KB (see the .cc). No effect
// with another allocator.
void LimitMallocArenas();

// Returns freed heap memory to the system (glibc's malloc_trim), for after a
// large transient allocation such as rendering a big collector: glibc keeps
// freed chunks below the top of the heap otherwise.
void ReleaseFreeMemory();

// Whether the two functions above reach glibc's allocator (false with another
// C library, where they do nothing).
bool MallocTuningAvailable();

}  // namespace flinkha
