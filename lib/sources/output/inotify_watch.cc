// InotifyWatch: the kernel hands out one watch descriptor per inode, so the
// maps go both ways: events find their key, and a key moves when its inode is
// watched again under another.
#include "sources/output/inotify_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace flinkha {
namespace {

constexpr uint32_t kWatchMask =
    IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;

// strerror starts with a capital ("Permission denied"); messages are lower
// case.
std::string LowerErrno(int e) {
  std::string s = std::strerror(e);
  if (!s.empty())
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

InotifyWatch::InotifyWatch(bool enabled) {
  if (!enabled) return;
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) {
    error_ =
        "inotify unavailable (" + LowerErrno(errno) + "), relying on rescans";
  }
}

InotifyWatch::~InotifyWatch() {
  if (fd_ >= 0) close(fd_);
}

bool InotifyWatch::Add(const std::string& key, const std::string& path,
                       bool follow_symlink) {
  if (fd_ < 0) return false;
  if (Watched(key)) return true;
  const uint32_t mask = kWatchMask | (follow_symlink ? 0 : IN_DONT_FOLLOW);
  const int wd = inotify_add_watch(fd_, path.c_str(), mask);
  if (wd < 0) {
    const int e = errno;
    if (e == ENOSPC) {
      error_ =
          "inotify watch limit reached (fs.inotify.max_user_watches), some "
          "directories are only seen by rescans";
    } else if (e != ENOENT && e != ENOTDIR && e != ELOOP && e != EACCES) {
      error_ = "cannot watch " + path + ": " + LowerErrno(e);
    }
    return false;
  }
  // The same inode under an older key (a renamed bucket) shares the watch.
  if (auto it = wd_to_key_.find(wd); it != wd_to_key_.end()) {
    key_to_wd_.erase(it->second);
  }
  wd_to_key_[wd] = key;
  key_to_wd_[key] = wd;
  return true;
}

void InotifyWatch::Remove(const std::string& key) {
  auto it = key_to_wd_.find(key);
  if (it == key_to_wd_.end()) return;
  inotify_rm_watch(fd_, it->second);
  wd_to_key_.erase(it->second);
  key_to_wd_.erase(it);
}

void InotifyWatch::Drain(
    const std::function<void(const InotifyEvent&)>& on_event) {
  if (fd_ < 0) return;
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd_, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      ++events_;
      InotifyEvent out;
      if (ev->mask & IN_Q_OVERFLOW) {
        ++overflows_;
        out.type = InotifyEvent::Type::kOverflow;
        on_event(out);
        continue;
      }
      auto wit = wd_to_key_.find(ev->wd);
      if (wit == wd_to_key_.end()) continue;  // a watch already removed
      out.key = wit->second;
      if (ev->mask & IN_IGNORED) {
        key_to_wd_.erase(wit->second);
        wd_to_key_.erase(wit);
        out.type = InotifyEvent::Type::kWatchGone;
      } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        out.type = InotifyEvent::Type::kSelfGone;
      } else if (ev->len == 0 || ev->name[0] == '\0') {
        out.type = InotifyEvent::Type::kSelfChanged;
      } else {
        out.name = ev->name;
        out.is_dir = ev->mask & IN_ISDIR;
        out.gone = ev->mask & (IN_DELETE | IN_MOVED_FROM);
        out.appeared = ev->mask & (IN_CREATE | IN_MOVED_TO);
      }
      on_event(out);
    }
  }
}

}  // namespace flinkha
