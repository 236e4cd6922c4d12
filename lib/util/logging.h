// One logging setup for the process; components log through named spdlog
// loggers.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "util/log_level.h"
#include "util/result.h"

namespace flinkha {

// Configures the default sink and level; call once at start-up (and again on
// reload).
void SetupLogging(LogLevel level, LogFormat format);

// The logger for a component ("rest", "zookeeper", "output", "http", ...),
// created on first use.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

// Logs a repeating fault once per change: the first failure, each different
// error, and the recovery. Thread-safe.
class FaultLog {
 public:
  explicit FaultLog(std::string component) : component_(std::move(component)) {}

  // key identifies what fails (e.g. "jm-1"); error empty means it works now.
  void Report(const std::string& key, const std::string& error);

 private:
  std::string component_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> last_;  // key -> error ("" = ok)
};

}  // namespace flinkha
