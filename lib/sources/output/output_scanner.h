// OutputScanner: an in-memory index of one output directory tree that lists and
// stats only what changed (directory mtime, inotify events), and keeps the
// FileSink totals up to date.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "config/config.h"
#include "sources/output/inotify_watch.h"

namespace flinkha {

// Operation counters (cumulative): tests and benchmarks assert the cost of a
// cycle by counting system calls, not by timing them.
struct OutputScanStats {
  uint64_t cycles = 0;
  uint64_t full_rescans = 0;        // cycles checking every dir's mtime
  uint64_t deep_rescans = 0;        // after an overflow: all re-listed
  uint64_t dirs_stated = 0;         // stat/fstat of directories
  uint64_t dirs_listed = 0;         // directories read with readdir
  uint64_t entries_listed = 0;      // names returned by readdir
  uint64_t entries_stated = 0;      // files: new, changed, or by inotify
  uint64_t in_progress_stated = 0;  // stat of in-progress files for last write
  uint64_t files_read = 0;          // opens for row counting
  uint64_t bytes_read = 0;
  uint64_t inotify_events = 0;
  uint64_t inotify_overflows = 0;
  uint64_t watches = 0;  // directories watched right now (not cumulative)
};

// What the index says about the directory right now.
struct OutputTotals {
  bool readable = false;  // the configured directory exists and was listed
  int64_t finished_files = 0;
  int64_t in_progress_files = 0;
  int64_t bytes = 0;  // of finished files
  std::optional<double> last_file_timestamp_seconds;
  // Newest modification of an in-progress file (as of the last rescan or
  // RefreshInProgress): tells a sink that is writing from files a dead attempt
  // left behind.
  std::optional<double> in_progress_last_write_timestamp_seconds;
  uint64_t files_created_total = 0;  // finished, after the first listing
  // ctime (commit by rename) of the newest of those, oldest first.
  std::vector<double> recent_commit_timestamps_seconds;
  std::optional<uint64_t> rows_total;  // with count_rows
  int64_t directories = 0;             // in the index, the configured one too
  std::string error;                   // empty when everything could be read
};

enum class ScanKind {
  kIncremental,  // only directories and names that inotify reported
  kRescan,  // also stat every known directory and re-list those whose mtime
            // changed
};

// Not thread-safe: owned and driven by one thread (the OutputWatcher's worker,
// or a test).
class OutputScanner {
 public:
  // use_inotify: watch every directory of the tree (falls back to rescans alone
  // when inotify is unavailable or out of watches).
  OutputScanner(OutputConfig config, bool use_inotify);
  ~OutputScanner();
  OutputScanner(const OutputScanner&) = delete;
  OutputScanner& operator=(const OutputScanner&) = delete;

  // The inotify descriptor to poll for POLLIN, or -1.
  int inotify_fd() const { return watch_.fd(); }

  // Drains the queued inotify events into the index's dirty marks
  // (non-blocking). True when a cycle has something to do.
  bool ReadEvents();

  // Brings the index up to date. An inotify queue overflow, or a root that
  // moved, upgrades an incremental cycle to a rescan (re-listing everything
  // after an overflow).
  void Cycle(ScanKind kind);

  // States every in-progress file for its last write (a rescan does too); true
  // when the newest write changed.
  bool RefreshInProgress();

  OutputTotals Totals() const;
  const OutputScanStats& stats() const { return stats_; }
  // Why some directories are not watched (inotify missing, watch limit);
  // rescans cover them.
  const std::string& watch_error() const { return watch_.error(); }

 private:
  enum class FileType : uint8_t { kUnknown, kDir, kRegular, kOther };
  enum class Kind : uint8_t { kDir, kFinished, kInProgress, kIgnored };
  struct Entry {
    Kind kind = Kind::kIgnored;
    FileType type = FileType::kUnknown;
    uint32_t seen = 0;  // listing generation, to sweep names that are gone
    ino_t ino = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t rows_offset = 0;  // bytes already counted for rows
  };
  struct Dir {
    std::string rel;  // "" for the configured directory, else "a" or "a/b"
    std::string abs;  // as configured + "/" + rel, used in messages
    dev_t dev = 0;
    ino_t ino = 0;
    int64_t mtime_ns = 0;
    bool listed = false;
    bool relist = false;  // list fully at the next visit
    bool racy = false;    // changed within the last listing's tick
    uint32_t gen = 0;
    std::unordered_map<std::string, Entry> entries;
    std::unordered_set<std::string> dirty;  // names reported by inotify
  };

  bool CheckRoot(struct stat* st);
  void VisitDir(Dir& d, bool deep, bool check_mtime, const struct stat* known);
  void ListDir(Dir& d, bool deep);
  void ProcessDirty(Dir& d, bool refresh_mtime);
  void RefreshName(Dir& d, const std::string& name, int dirfd);
  void AddEntry(Dir& d, const std::string& name, FileType type,
                const struct stat* known, int dirfd);
  void UpdateFinished(Dir& d, const std::string& name, Entry& e,
                      const struct stat& st);
  void RemoveEntry(Dir& d, const std::string& name);
  void ClearEntries(Dir& d);
  void RemoveDirTree(const std::string& rel);
  void DirVanished(Dir& d);
  void CountRows(Dir& d, const std::string& name, Entry& e);
  bool StatInProgress(bool all);
  void Account(const Entry& e, int sign);
  bool OnEvent(const InotifyEvent& ev);  // true when a cycle has work
  void SyncWatchStats();
  void SetError(const std::string& key, std::string message);
  void ClearError(const std::string& key);
  std::string Join(const std::string& rel) const;
  bool Counts(const std::string& name, bool* in_progress) const;

  OutputConfig config_;
  InotifyWatch watch_;
  OutputScanStats stats_;
  std::map<std::string, std::unique_ptr<Dir>> dirs_;  // by rel; parents first
  std::set<std::string> dirty_dirs_;                  // rels with inotify marks
  // (rel, name) whose rows failed to read.
  std::set<std::pair<std::string, std::string>> rows_retry_;
  std::map<std::string, std::string> errors_;  // path -> message
  std::string root_error_;
  bool overflow_ = false;
  bool root_check_ = false;
  bool baseline_done_ = false;

  int64_t finished_ = 0;
  // (rel, name) of in-progress files; few (about one per writing subtask
  // plus leftovers), so each rescan and refresh stats them all.
  std::set<std::pair<std::string, std::string>> in_progress_;
  int64_t newest_in_progress_mtime_ns_ = 0;  // 0: none or not stated yet
  int64_t bytes_ = 0;
  int64_t newest_mtime_ns_ = 0;  // 0: none
  bool newest_stale_ = false;
  uint64_t created_ = 0;
  std::deque<double> recent_commits_;  // ctime of created files, bounded
  uint64_t rows_ = 0;
};

}  // namespace flinkha
