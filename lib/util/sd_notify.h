// systemd notification protocol (sd_notify) without libsystemd: READY=1,
// WATCHDOG=1, STOPPING=1.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace flinkha {

// Sends one datagram to $NOTIFY_SOCKET (path or abstract "@name"). False when
// unset or failing.
bool SdNotify(const std::string& message);

// Sends READY=1 on construction (the server is listening) and WATCHDOG=1 every
// half of $WATCHDOG_USEC from its own thread, each time after `alive` returns
// (a probe that blocks when the process is deadlocked, e.g. taking the store's
// lock, stops petting the watchdog). Does nothing when NOTIFY_SOCKET is unset.
// Thread-safe.
class SdNotifier {
 public:
  explicit SdNotifier(std::function<void()> alive);
  ~SdNotifier();
  void Reloading();
  void Ready();
  void Stopping();

 private:
  const std::function<void()> alive_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread watchdog_;
};

}  // namespace flinkha
