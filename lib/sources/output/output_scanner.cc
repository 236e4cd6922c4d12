// OutputScanner: lists a directory only when its mtime changed or inotify named
// it, and stats only names that are new or reported; totals are kept
// incrementally so an unchanged tree costs one stat per directory and no
// per-file work.
#include "sources/output/output_scanner.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "model/filesink.h"
#include "model/output_types.h"
#include "util/errno_text.h"

namespace flinkha {
namespace {

// A directory modified this close to its listing may change again within the
// same timestamp tick (1 s on NFS, 2 s on FAT) without its mtime moving, so the
// next rescan lists it again.
constexpr int64_t kRacyWindowNs = 2'000'000'000;

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
         st.st_mtim.tv_nsec;
}

int64_t WallNowNs() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool Vanished(int e) { return e == ENOENT || e == ENOTDIR || e == ELOOP; }

}  // namespace

OutputScanner::OutputScanner(OutputConfig config, bool use_inotify)
    : config_(std::move(config)), watch_(use_inotify) {
  while (config_.path.size() > 1 && config_.path.back() == '/')
    config_.path.pop_back();
}

OutputScanner::~OutputScanner() = default;

std::string OutputScanner::Join(const std::string& rel) const {
  if (rel.empty()) return config_.path;
  if (config_.path == "/") return "/" + rel;
  return config_.path + "/" + rel;
}

bool OutputScanner::Counts(const std::string& name, bool* in_progress) const {
  const PartFileName p = ClassifyPartFile(name);
  if (p.cls == PartFileClass::kIgnored ||
      !GlobMatch(config_.pattern, p.match_name))
    return false;
  *in_progress = p.cls == PartFileClass::kInProgress;
  return true;
}

void OutputScanner::SetError(const std::string& key, std::string message) {
  errors_[key] = std::move(message);
}

void OutputScanner::ClearError(const std::string& key) { errors_.erase(key); }

void OutputScanner::Account(const Entry& e, int sign) {
  if (e.kind == Kind::kFinished) {
    finished_ += sign;
    bytes_ += sign * e.size;
    if (sign > 0) {
      newest_mtime_ns_ = std::max(newest_mtime_ns_, e.mtime_ns);
    } else if (e.mtime_ns >= newest_mtime_ns_) {
      newest_stale_ =
          true;  // the newest file left; find the next one after the cycle
    }
  }
}

// ---- inotify ----

void OutputScanner::SyncWatchStats() {
  stats_.inotify_events = watch_.events();
  stats_.inotify_overflows = watch_.overflows();
  stats_.watches = watch_.size();
}

bool OutputScanner::ReadEvents() {
  bool work = false;
  watch_.Drain([&](const InotifyEvent& ev) { work |= OnEvent(ev); });
  SyncWatchStats();
  return work;
}

bool OutputScanner::OnEvent(const InotifyEvent& ev) {
  using Type = InotifyEvent::Type;
  if (ev.type == Type::kOverflow) {
    overflow_ = true;
    return true;
  }
  const std::string& rel = ev.key;
  auto dit = dirs_.find(rel);
  if (ev.type == Type::kWatchGone) {
    if (dit != dirs_.end()) {
      dit->second->relist =
          true;  // re-watched and re-listed if it still exists
      dirty_dirs_.insert(rel);
    }
    if (rel.empty()) root_check_ = true;
    return true;
  }
  if (dit == dirs_.end()) return false;
  Dir& d = *dit->second;
  if (ev.type == Type::kSelfGone) {
    if (rel.empty()) root_check_ = true;  // subdirectories: the parent reports
    return true;
  }
  if (ev.type == Type::kSelfChanged) {
    d.relist = true;
    dirty_dirs_.insert(rel);
    return true;
  }
  const std::string name(ev.name);
  if (!ev.is_dir) {
    bool in_progress = false;
    if (!Counts(name, &in_progress)) {
      // Not a part file we count: forget it without a stat, keep the mtime
      // current.
      if (ev.gone) d.entries.erase(name);
      dirty_dirs_.insert(rel);
      return true;
    }
    if (in_progress && !ev.gone && !ev.appeared)
      return false;  // writes to in-progress files
  } else if (IsHiddenName(name)) {
    if (ev.gone) d.entries.erase(name);
    dirty_dirs_.insert(rel);
    return true;
  }
  d.dirty.insert(name);
  dirty_dirs_.insert(rel);
  return true;
}

// ---- index maintenance ----

void OutputScanner::RemoveDirTree(const std::string& rel) {
  auto drop = [this](Dir& d) {
    for (const auto& [name, e] : d.entries) {
      if (e.kind != Kind::kDir) Account(e, -1);
    }
    watch_.Remove(d.rel);
    dirty_dirs_.erase(d.rel);
    errors_.erase(d.abs);
    const std::string prefix = d.abs + "/";
    errors_.erase(errors_.lower_bound(prefix),
                  errors_.lower_bound(d.abs + "0"));
    rows_retry_.erase(rows_retry_.lower_bound({d.rel, ""}),
                      rows_retry_.lower_bound({d.rel + '\0', ""}));
    in_progress_.erase(in_progress_.lower_bound({d.rel, ""}),
                       in_progress_.lower_bound({d.rel + '\0', ""}));
  };
  if (rel.empty()) {
    for (auto& [r, d] : dirs_) drop(*d);
    dirs_.clear();
    return;
  }
  // Children sort in ["rel/", "rel0"): '0' follows '/' in ASCII; "rel-x" is not
  // a child.
  auto first = dirs_.lower_bound(rel + "/");
  auto last = dirs_.lower_bound(rel + "0");
  for (auto it = first; it != last; ++it) drop(*it->second);
  dirs_.erase(first, last);
  if (auto it = dirs_.find(rel); it != dirs_.end()) {
    drop(*it->second);
    dirs_.erase(it);
  }
}

void OutputScanner::RemoveEntry(Dir& d, const std::string& name) {
  auto it = d.entries.find(name);
  if (it == d.entries.end()) return;
  if (it->second.kind == Kind::kDir) {
    RemoveDirTree(d.rel.empty() ? name : d.rel + "/" + name);
  } else {
    Account(it->second, -1);
    const std::string path = d.abs + "/" + name;
    errors_.erase(path);
    rows_retry_.erase({d.rel, name});
    in_progress_.erase({d.rel, name});
  }
  d.entries.erase(it);
}

void OutputScanner::ClearEntries(Dir& d) {
  std::vector<std::string> names;
  names.reserve(d.entries.size());
  for (const auto& [name, e] : d.entries) names.push_back(name);
  for (const auto& name : names) RemoveEntry(d, name);
}

void OutputScanner::DirVanished(Dir& d) {
  if (d.rel.empty()) {  // the configured directory: CheckRoot reports it next
                        // cycle
    root_check_ = true;
    ClearEntries(d);
    d.listed = false;
    return;
  }
  const size_t slash = d.rel.rfind('/');
  const std::string parent_rel =
      slash == std::string::npos ? "" : d.rel.substr(0, slash);
  const std::string name =
      slash == std::string::npos ? d.rel : d.rel.substr(slash + 1);
  auto pit = dirs_.find(parent_rel);
  if (pit == dirs_.end()) {
    RemoveDirTree(d.rel);
    return;
  }
  Dir& parent = *pit->second;
  parent.relist =
      true;  // whatever replaced it is found by the parent's next listing
  dirty_dirs_.insert(parent_rel);
  RemoveEntry(parent, name);  // removes d: do not touch it after this
}

void OutputScanner::CountRows(Dir& d, const std::string& name, Entry& e) {
  const std::string path = d.abs + "/" + name;
  const int fd =
      open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (Vanished(err))
      return;  // gone already; its removal comes with the next event/listing
    SetError(path, "cannot read " + path + " to count rows: " + ErrnoText(err));
    rows_retry_.insert({d.rel, name});
    return;
  }
  ++stats_.files_read;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n =
        pread(fd, buf, sizeof(buf), static_cast<off_t>(e.rows_offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      SetError(path,
               "cannot read " + path + " to count rows: " + ErrnoText(errno));
      rows_retry_.insert({d.rel, name});
      close(fd);
      return;
    }
    if (n == 0) break;
    rows_ += static_cast<uint64_t>(std::count(buf, buf + n, '\n'));
    e.rows_offset += static_cast<uint64_t>(n);
    stats_.bytes_read += static_cast<uint64_t>(n);
  }
  close(fd);
  ClearError(path);
  rows_retry_.erase({d.rel, name});
}

void OutputScanner::UpdateFinished(Dir& d, const std::string& name, Entry& e,
                                   const struct stat& st) {
  const int64_t size = st.st_size;
  const int64_t mtime = MtimeNs(st);
  if (size == e.size && mtime == e.mtime_ns) return;
  Account(e, -1);
  e.size = size;
  e.mtime_ns = mtime;
  Account(e, +1);
  if (!config_.count_rows) return;
  if (static_cast<uint64_t>(size) < e.rows_offset)
    e.rows_offset = 0;  // truncated, rewritten
  if (static_cast<uint64_t>(size) > e.rows_offset) CountRows(d, name, e);
}

void OutputScanner::AddEntry(Dir& d, const std::string& name, FileType type,
                             const struct stat* known, int dirfd) {
  struct stat st {};
  bool have_stat = known != nullptr;
  if (have_stat) st = *known;
  auto stat_it = [&]() -> bool {
    if (have_stat) return true;
    ++stats_.entries_stated;
    const int rc = dirfd >= 0
                       ? fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW)
                       : lstat((d.abs + "/" + name).c_str(), &st);
    if (rc != 0) return false;  // vanished between readdir and stat: normal
    have_stat = true;
    return true;
  };
  if (type == FileType::kUnknown) {
    if (!stat_it()) return;
    type = S_ISDIR(st.st_mode)   ? FileType::kDir
           : S_ISREG(st.st_mode) ? FileType::kRegular
                                 : FileType::kOther;
  }
  Entry e;
  e.type = type;
  e.seen = d.gen;
  if (type == FileType::kDir && !IsHiddenName(name)) {
    e.kind = Kind::kDir;
    d.entries[name] = e;
    const std::string rel = d.rel.empty() ? name : d.rel + "/" + name;
    if (dirs_.count(rel) > 0)
      RemoveDirTree(rel);  // a stale node of an earlier directory
    auto child = std::make_unique<Dir>();
    child->rel = rel;
    child->abs = Join(rel);
    Dir& c = *child;
    dirs_[rel] = std::move(child);
    ListDir(c, /*deep=*/false);
    return;
  }
  bool in_progress = false;
  if (type != FileType::kRegular || !Counts(name, &in_progress)) {
    d.entries[name] =
        e;  // remembered so the next listing skips it without a stat
    return;
  }
  if (in_progress) {  // counted by name; its last write is stated later
    e.kind = Kind::kInProgress;
    d.entries[name] = e;
    in_progress_.insert({d.rel, name});
    return;
  }
  if (!stat_it()) return;
  if (!S_ISREG(st.st_mode)) {
    e.type = FileType::kOther;
    d.entries[name] = e;
    return;
  }
  e.kind = Kind::kFinished;
  e.ino = st.st_ino;
  e.size = st.st_size;
  e.mtime_ns = MtimeNs(st);
  Entry& stored = d.entries[name] = e;
  Account(stored, +1);
  if (!baseline_done_) {
    stored.rows_offset =
        static_cast<uint64_t>(e.size);  // existed before we started
    return;
  }
  ++created_;
  recent_commits_.push_back(static_cast<double>(st.st_ctim.tv_sec) +
                            static_cast<double>(st.st_ctim.tv_nsec) / 1e9);
  while (recent_commits_.size() > kRecentCommitsKept)
    recent_commits_.pop_front();
  if (config_.count_rows) CountRows(d, name, stored);
}

void OutputScanner::RefreshName(Dir& d, const std::string& name, int dirfd) {
  struct stat st {};
  ++stats_.entries_stated;
  const int rc = dirfd >= 0
                     ? fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW)
                     : lstat((d.abs + "/" + name).c_str(), &st);
  auto it = d.entries.find(name);
  if (rc != 0) {
    if (Vanished(errno)) {
      RemoveEntry(d, name);
    } else {
      d.relist = true;
    }
    return;
  }
  const FileType type = S_ISDIR(st.st_mode)   ? FileType::kDir
                        : S_ISREG(st.st_mode) ? FileType::kRegular
                                              : FileType::kOther;
  if (it != d.entries.end()) {
    Entry& e = it->second;
    const bool same =
        e.type == type && (e.kind != Kind::kFinished || e.ino == st.st_ino);
    if (same) {
      e.seen = d.gen;
      if (e.kind == Kind::kFinished) UpdateFinished(d, name, e, st);
      if (e.kind == Kind::kInProgress) e.mtime_ns = MtimeNs(st);
      if (e.kind == Kind::kDir) {
        const std::string rel = d.rel.empty() ? name : d.rel + "/" + name;
        if (auto cit = dirs_.find(rel);
            cit != dirs_.end() && !cit->second->listed) {
          cit->second->relist = true;  // e.g. chmod made it readable again
          dirty_dirs_.insert(rel);
        }
      }
      return;
    }
    RemoveEntry(d,
                name);  // replaced by another file or type under the same name
  }
  AddEntry(d, name, type, &st, dirfd);
}

void OutputScanner::ListDir(Dir& d, bool deep) {
  // Watched before reading, so nothing created during the listing is missed.
  watch_.Add(d.rel, d.abs, /*follow_symlink=*/d.rel.empty());
  const int flags =
      O_RDONLY | O_DIRECTORY | O_CLOEXEC | (d.rel.empty() ? 0 : O_NOFOLLOW);
  const int fd = open(d.abs.c_str(), flags);
  if (fd < 0) {
    const int e = errno;
    if (!d.rel.empty() && Vanished(e)) {
      DirVanished(d);
      return;
    }
    SetError(d.abs, "cannot list directory " + d.abs + ": " + ErrnoText(e));
    ClearEntries(d);
    d.listed = false;
    d.dirty.clear();
    return;
  }
  struct stat st {};
  ++stats_.dirs_stated;
  fstat(fd, &st);
  if (d.listed && (st.st_dev != d.dev || st.st_ino != d.ino))
    ClearEntries(d);  // replaced
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    SetError(d.abs, "cannot list directory " + d.abs + ": " + ErrnoText(errno));
    return;
  }
  ++stats_.dirs_listed;
  ClearError(d.abs);
  d.dev = st.st_dev;
  d.ino = st.st_ino;
  const uint32_t gen = ++d.gen;
  std::vector<std::pair<std::string, FileType>> added;
  std::vector<std::string> refresh;
  errno = 0;
  while (struct dirent* de = readdir(dir)) {
    ++stats_.entries_listed;
    const char* n = de->d_name;
    if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
      continue;
    const FileType type = de->d_type == DT_DIR       ? FileType::kDir
                          : de->d_type == DT_REG     ? FileType::kRegular
                          : de->d_type == DT_UNKNOWN ? FileType::kUnknown
                                                     : FileType::kOther;
    std::string name(n);
    auto it = d.entries.find(name);
    if (it != d.entries.end() &&
        (type == FileType::kUnknown || type == it->second.type)) {
      it->second.seen = gen;
      if (deep || d.dirty.count(name) > 0) refresh.push_back(std::move(name));
      continue;
    }
    added.emplace_back(std::move(name),
                       type);  // new, or another type under an old name
  }
  // Sweep names that are gone (or changed type) before adding, so a renamed
  // bucket's watch is released before its new path claims it.
  std::vector<std::string> gone;
  for (const auto& [name, e] : d.entries) {
    if (e.seen != gen) gone.push_back(name);
  }
  for (const auto& name : gone) RemoveEntry(d, name);
  // readdir may return a name twice while the directory changes under it
  // (POSIX leaves that unspecified): add each new name once.
  std::sort(added.begin(), added.end());
  added.erase(std::unique(added.begin(), added.end(),
                          [](const auto& a, const auto& b) {
                            return a.first == b.first;
                          }),
              added.end());
  const int dfd = dirfd(dir);
  for (const auto& name : refresh) RefreshName(d, name, dfd);
  for (const auto& [name, type] : added) AddEntry(d, name, type, nullptr, dfd);
  closedir(dir);
  d.mtime_ns = MtimeNs(st);
  d.listed = true;
  d.relist = false;
  d.dirty.clear();
  d.racy = WallNowNs() - d.mtime_ns < kRacyWindowNs;
}

void OutputScanner::ProcessDirty(Dir& d, bool refresh_mtime) {
  std::vector<std::string> names(d.dirty.begin(), d.dirty.end());
  d.dirty.clear();
  for (const auto& name : names) RefreshName(d, name, -1);
  // With a live watch every change of this directory reaches us as an event, so
  // its current mtime is accounted for and the next rescan need not list it
  // again.
  if (refresh_mtime && watch_.Watched(d.rel)) {
    struct stat st {};
    ++stats_.dirs_stated;
    if (stat(d.abs.c_str(), &st) == 0 && st.st_ino == d.ino &&
        st.st_dev == d.dev) {
      d.mtime_ns = MtimeNs(st);
    }
  }
}

void OutputScanner::VisitDir(Dir& d, bool deep, bool check_mtime,
                             const struct stat* known) {
  bool list = !d.listed || d.relist || deep;
  if (!list && check_mtime) {
    struct stat st {};
    if (known != nullptr) {
      st = *known;
    } else {
      ++stats_.dirs_stated;
      if (lstat(d.abs.c_str(), &st) != 0) {
        if (Vanished(errno)) {
          DirVanished(d);
        } else {
          d.relist = true;
        }
        return;
      }
    }
    if (!S_ISDIR(st.st_mode) || st.st_ino != d.ino || st.st_dev != d.dev) {
      if (d.rel.empty()) {
        list = true;  // CheckRoot already saw the new inode; list the new
                      // directory
      } else {
        DirVanished(d);
        return;
      }
    } else if (MtimeNs(st) != d.mtime_ns ||
               (d.racy && !watch_.Watched(d.rel))) {
      list = true;
    }
  }
  if (list) {
    ListDir(d, deep);
  } else {
    // A rescan saw the mtime it recorded: nothing to refresh. An incremental
    // cycle was sent here by events, which may have moved the mtime.
    ProcessDirty(d, /*refresh_mtime=*/!check_mtime);
  }
}

bool OutputScanner::CheckRoot(struct stat* st) {
  ++stats_.dirs_stated;
  std::string err;
  if (stat(config_.path.c_str(), st) != 0) {
    const int e = errno;
    err = e == ENOENT
              ? "directory " + config_.path + " does not exist"
              : "cannot access directory " + config_.path + ": " + ErrnoText(e);
  } else if (!S_ISDIR(st->st_mode)) {
    err = config_.path + " is not a directory";
  }
  auto it = dirs_.find("");
  if (!err.empty()) {
    RemoveDirTree("");
    root_error_ = err;
    return false;
  }
  root_error_.clear();
  if (it != dirs_.end() &&
      (it->second->dev != st->st_dev || it->second->ino != st->st_ino) &&
      it->second->listed) {
    RemoveDirTree(
        "");  // replaced by another directory: start over (its files are new)
    it = dirs_.end();
  }
  if (it == dirs_.end()) {
    auto root = std::make_unique<Dir>();
    root->abs = config_.path;
    root->dev = st->st_dev;
    root->ino = st->st_ino;
    dirs_[""] = std::move(root);
  }
  return true;
}

void OutputScanner::Cycle(ScanKind kind) {
  ++stats_.cycles;
  const bool deep = overflow_;
  const bool full =
      kind == ScanKind::kRescan || deep || root_check_ || dirs_.count("") == 0;
  overflow_ = false;
  root_check_ = false;
  if (full) {
    ++stats_.full_rescans;
    if (deep) ++stats_.deep_rescans;
    struct stat root_st {};
    if (!CheckRoot(&root_st)) {
      SyncWatchStats();
      return;
    }
    dirty_dirs_.clear();
    std::vector<std::string> rels;
    rels.reserve(dirs_.size());
    for (const auto& [rel, d] : dirs_) rels.push_back(rel);
    for (const auto& rel : rels) {
      auto it = dirs_.find(rel);
      if (it == dirs_.end()) continue;  // removed with a parent that vanished
      VisitDir(*it->second, deep, /*check_mtime=*/true,
               rel.empty() ? &root_st : nullptr);
    }
  } else {
    const std::set<std::string> dirty = std::move(dirty_dirs_);
    dirty_dirs_.clear();
    for (const auto& rel : dirty) {
      auto it = dirs_.find(rel);
      if (it == dirs_.end()) continue;
      VisitDir(*it->second, /*deep=*/false, /*check_mtime=*/false, nullptr);
    }
  }
  // Files whose rows could not be read yet (e.g. permissions) are retried every
  // cycle.
  const auto retry = rows_retry_;
  for (const auto& [rel, name] : retry) {
    auto dit = dirs_.find(rel);
    if (dit == dirs_.end()) continue;
    auto eit = dit->second->entries.find(name);
    if (eit == dit->second->entries.end() ||
        eit->second.kind != Kind::kFinished)
      continue;
    CountRows(*dit->second, name, eit->second);
  }
  if (newest_stale_) {
    newest_stale_ = false;
    newest_mtime_ns_ = 0;
    for (const auto& [rel, d] : dirs_) {
      for (const auto& [name, e] : d->entries) {
        if (e.kind == Kind::kFinished)
          newest_mtime_ns_ = std::max(newest_mtime_ns_, e.mtime_ns);
      }
    }
  }
  StatInProgress(/*all=*/full);
  auto root = dirs_.find("");
  if (root != dirs_.end() && root->second->listed) baseline_done_ = true;
  SyncWatchStats();
}

// Writers keep in-progress files open, so inotify (IN_CLOSE_WRITE) does not
// report their writes: new ones are stated once, all of them on each rescan
// and RefreshInProgress.
bool OutputScanner::RefreshInProgress() { return StatInProgress(/*all=*/true); }

bool OutputScanner::StatInProgress(bool all) {
  int64_t newest = 0;
  for (const auto& [rel, name] : in_progress_) {
    auto dit = dirs_.find(rel);
    if (dit == dirs_.end()) continue;
    auto eit = dit->second->entries.find(name);
    if (eit == dit->second->entries.end()) continue;
    Entry& e = eit->second;
    if (all || e.mtime_ns == 0) {
      struct stat st {};
      ++stats_.in_progress_stated;
      // A file that vanished meanwhile keeps its last value until the listing
      // that drops it.
      if (lstat((dit->second->abs + "/" + name).c_str(), &st) == 0)
        e.mtime_ns = MtimeNs(st);
    }
    newest = std::max(newest, e.mtime_ns);
  }
  const bool changed = newest != newest_in_progress_mtime_ns_;
  newest_in_progress_mtime_ns_ = newest;
  return changed;
}

OutputTotals OutputScanner::Totals() const {
  OutputTotals t;
  auto root = dirs_.find("");
  t.readable =
      root_error_.empty() && root != dirs_.end() && root->second->listed;
  t.finished_files = finished_;
  t.in_progress_files = static_cast<int64_t>(in_progress_.size());
  if (!in_progress_.empty() && newest_in_progress_mtime_ns_ > 0)
    t.in_progress_last_write_timestamp_seconds =
        static_cast<double>(newest_in_progress_mtime_ns_) / 1e9;
  t.bytes = bytes_;
  if (finished_ > 0)
    t.last_file_timestamp_seconds = static_cast<double>(newest_mtime_ns_) / 1e9;
  t.files_created_total = created_;
  t.recent_commit_timestamps_seconds.assign(recent_commits_.begin(),
                                            recent_commits_.end());
  if (config_.count_rows) t.rows_total = rows_;
  t.directories = static_cast<int64_t>(dirs_.size());
  if (!root_error_.empty()) {
    t.error = root_error_;
  } else if (!errors_.empty()) {
    t.error = errors_.begin()->second;
    if (errors_.size() > 1)
      t.error += " (and " + std::to_string(errors_.size() - 1) + " more)";
  }
  return t;
}

}  // namespace flinkha
