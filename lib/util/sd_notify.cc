// sd_notify over a unix datagram socket, as documented in sd_notify(3).
#include "util/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace flinkha {

bool SdNotify(const std::string& message) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return false;
  std::string p(path);
  if (p.size() >= sizeof(sockaddr_un::sun_path)) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, p.data(), p.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  socklen_t len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + p.size());
  ssize_t n = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                     reinterpret_cast<sockaddr*>(&addr), len);
  close(fd);
  return n == static_cast<ssize_t>(message.size());
}

SdNotifier::SdNotifier(std::function<void()> alive) : alive_(std::move(alive)) {
  if (!std::getenv("NOTIFY_SOCKET")) return;
  Ready();
  const char* usec = std::getenv("WATCHDOG_USEC");
  long long interval_us = usec ? std::atoll(usec) / 2 : 0;
  if (interval_us <= 0) return;
  watchdog_ = std::thread([this, interval_us] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      alive_();
      SdNotify("WATCHDOG=1");
      lock.lock();
      cv_.wait_for(lock, std::chrono::microseconds(interval_us),
                   [this] { return stop_; });
    }
  });
}

SdNotifier::~SdNotifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (watchdog_.joinable()) watchdog_.join();
}

void SdNotifier::Reloading() { SdNotify("RELOADING=1"); }
void SdNotifier::Ready() { SdNotify("READY=1\nSTATUS=serving"); }
void SdNotifier::Stopping() { SdNotify("STOPPING=1"); }

}  // namespace flinkha
