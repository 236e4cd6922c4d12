// InotifyWatch: one inotify descriptor and its directory watches, each under a
// caller's key (the scanner's relative path); drained events come back decoded
// and named by that key.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace flinkha {

struct InotifyEvent {
  enum class Type : uint8_t {
    kOverflow,     // the kernel queue overflowed: events were lost (no key)
    kWatchGone,    // the watch ended (directory removed, unmounted); dropped
    kSelfGone,     // the watched directory itself was deleted or moved
    kSelfChanged,  // the watched directory itself changed (IN_ATTRIB: chmod)
    kName,         // a name in the directory changed
  };
  Type type = Type::kName;
  std::string key;        // the watch's key; empty for kOverflow
  std::string_view name;  // kName: the name in the directory
  bool is_dir = false;    // kName: the name is a directory
  bool gone = false;      // kName: deleted or moved away
  bool appeared = false;  // kName: created or moved here
};

// Not thread-safe: used by the one thread that owns the scanner.
class InotifyWatch {
 public:
  // enabled false, or inotify unavailable: no descriptor, Add does nothing,
  // error() says why in the latter case.
  explicit InotifyWatch(bool enabled);
  ~InotifyWatch();
  InotifyWatch(const InotifyWatch&) = delete;
  InotifyWatch& operator=(const InotifyWatch&) = delete;

  int fd() const { return fd_; }  // to poll for POLLIN, or -1

  // Watches the directory at path under key (no-op when key is watched).
  // follow_symlink: watch what a symlink at path points to. The same inode
  // under another key (a renamed directory) moves its watch to this key.
  // False when it cannot be watched; error() names a limit or a fault
  // (a vanished or unreadable directory is no fault).
  bool Add(const std::string& key, const std::string& path,
           bool follow_symlink);
  void Remove(const std::string& key);
  bool Watched(const std::string& key) const {
    return key_to_wd_.count(key) > 0;
  }
  size_t size() const { return wd_to_key_.size(); }  // directories watched

  // Drains the queued events (non-blocking) and calls on_event for each one
  // of a live watch, and for overflows.
  void Drain(const std::function<void(const InotifyEvent&)>& on_event);

  uint64_t events() const { return events_; }  // read, cumulative
  uint64_t overflows() const { return overflows_; }
  // Why some directories are not watched (inotify missing, watch limit);
  // sticky: the caller's rescans cover them.
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::unordered_map<int, std::string> wd_to_key_;
  std::unordered_map<std::string, int> key_to_wd_;
  uint64_t events_ = 0;
  uint64_t overflows_ = 0;
  std::string error_;
};

}  // namespace flinkha
