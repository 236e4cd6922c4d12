// systemd notification protocol (sd_notify) without libsystemd: READY=1,
// WATCHDOG=1, STOPPING=1.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "model/store.h"

namespace flinkha {

// Sends one datagram to $NOTIFY_SOCKET (path or abstract "@name"). False when
// unset or failing.
bool SdNotify(const std::string& message);

// Sends READY=1 on construction (the server is listening) and WATCHDOG=1 every
// half of $WATCHDOG_USEC from its own thread, as long as the store answers (a
// deadlocked process stops petting the watchdog). Does nothing when
// NOTIFY_SOCKET is unset. Thread-safe.
class SdNotifier {
 public:
  explicit SdNotifier(StateStore* store);
  ~SdNotifier();
  void Reloading();
  void Ready();
  void Stopping();

 private:
  StateStore* store_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread watchdog_;
};

}  // namespace flinkha
