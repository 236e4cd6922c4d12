// A worker thread that runs a task now and then every interval until stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace flinkha {

// Owns its thread; Stop() (or the destructor) wakes it and joins. Thread-safe.
class PeriodicWorker {
 public:
  PeriodicWorker() = default;
  ~PeriodicWorker() { Stop(); }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void Start(std::chrono::milliseconds interval, std::function<void()> task) {
    stop_ = false;
    thread_ = std::thread([this, interval, task = std::move(task)] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        lock.unlock();
        task();
        lock.lock();
        cv_.wait_for(lock, interval, [this] { return stop_ || wake_; });
        wake_ = false;
      }
    });
  }

  // Runs the task again as soon as the current run ends.
  void Wake() {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
    cv_.notify_all();
  }

  // True once Stop() was called; long tasks check it to return early.
  bool stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace flinkha
