// FileSink part-file names: which are finished, which in progress, and glob
// matching on them. Pure functions; the output directory watcher applies them
// to what it lists.
#pragma once

#include <string>
#include <string_view>

namespace flinkha {

enum class PartFileClass {
  kFinished,    // a committed file: any name that is not hidden
  kInProgress,  // FileSink in-progress, or legacy
                // StreamingFileSink/BucketingSink pending
  kIgnored,     // other hidden files (checksums, _SUCCESS markers, valid-length
                // files)
};

struct PartFileName {
  PartFileClass cls = PartFileClass::kIgnored;
  // The name the configured pattern applies to: the committed name a part file
  // has or will have (`.part-a-0.csv.inprogress.u` -> `part-a-0.csv`). Empty
  // for ignored files.
  std::string match_name;
};

// Classifies a file name (no directory part):
//   `.part-<uuid>-<n>[suffix].inprogress.<uuid>`  FileSink / StreamingFileSink
//   in progress
//   `_part-0-0.in-progress`, `_part-0-0.pending`   BucketingSink (prefix `_` or
//   `.`)
//   `.part-0-0.pending`                            legacy pending
//   any other name starting with `.` or `_`        ignored (Hadoop and Flink
//   hide them too) anything else                                  finished
PartFileName ClassifyPartFile(std::string_view name);

// Whether a directory name is hidden (`.` or `_` prefix); the watcher does not
// descend into those (e.g. Hadoop's `_temporary` holds uncommitted data).
bool IsHiddenName(std::string_view name);

// Shell-style glob as fnmatch(3) without flags: `*`, `?`, `[abc]`, `[a-z]`,
// `[!x]`/`[^x]`, and
// `\` to quote the next character. Matches the whole name. Linear in practice
// (one backtrack point per `*`).
bool GlobMatch(std::string_view pattern, std::string_view name);

// The glob must be a pattern on a file name: not empty and without `/`. Empty
// when valid, otherwise the reason.
std::string ValidateGlob(std::string_view pattern);

}  // namespace flinkha
