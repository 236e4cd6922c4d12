// A real temporary directory tree for output watcher tests (mkdtemp; removed
// afterwards).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace flinkha::testing {

// A base for trees of many files: tmpfs (/dev/shm) when there is one, since
// creating 100000 files on a loaded disk file system takes tens of seconds;
// /tmp otherwise.
inline std::string FastTmpBase() {
  return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

// Sets a directory's mtime an hour back, as if written long before the
// exporter started (outside the scanner's racy window: a directory changed
// within 2 s of its listing is listed again).
inline void Age(const std::string& path) {
  struct timespec times[2];
  clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= 3600;
  times[1] = times[0];
  utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// fs.inotify.max_queued_events (the kernel's default when unreadable).
inline int MaxQueuedInotifyEvents() {
  int max_events = 16384;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> max_events;
  return max_events;
}

// Why a queue of max_events cannot be overflowed in reasonable time, or "".
// Catch2 v2 cannot skip: overflow cases fail with this reason rather than pass
// silently.
inline std::string InotifyOverflowOutOfReach(int max_events) {
  if (max_events <= 200000) return "";
  return "fs.inotify.max_queued_events is " + std::to_string(max_events) +
         ": more than 200000 files would be needed to overflow the queue; run "
         "with sysctl fs.inotify.max_queued_events=16384";
}

class TempTree {
 public:
  explicit TempTree(const std::string& base = "/tmp") {
    std::string tmpl = base + "/flinkha-output-XXXXXX";
    const char* p = mkdtemp(tmpl.data());
    root_ = p != nullptr ? p : "";
  }
  ~TempTree() {
    std::error_code ec;
    // Make everything removable again (tests chmod 000 some directories).
    for (auto it = std::filesystem::recursive_directory_iterator(
             root_, std::filesystem::directory_options::skip_permission_denied,
             ec);
         !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec))
        chmod(it->path().c_str(), 0755);
    }
    chmod(root_.c_str(), 0755);
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void Mkdir(const std::string& rel) const { mkdir(Path(rel).c_str(), 0755); }

  // Writes content in one go (as a writer that closes the file:
  // IN_CLOSE_WRITE).
  void Write(const std::string& rel, const std::string& content) const {
    const int fd =
        open(Path(rel).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (!content.empty()) (void)!write(fd, content.data(), content.size());
    close(fd);
  }
  void Append(const std::string& rel, const std::string& content) const {
    const int fd = open(Path(rel).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return;
    (void)!write(fd, content.data(), content.size());
    close(fd);
  }
  bool Rename(const std::string& from, const std::string& to) const {
    return rename(Path(from).c_str(), Path(to).c_str()) == 0;
  }
  bool Remove(const std::string& rel) const {
    return unlink(Path(rel).c_str()) == 0;
  }

 private:
  std::string root_;
};

}  // namespace flinkha::testing
