// Command-line flags in the Prometheus exporter style (--config.file,
// --web.listen-address, ...).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "util/log_level.h"
#include "util/result.h"

namespace flinkha {

struct Flags {
  std::string command = "serve";  // serve | status
  std::string config_file = "flink-ha-exporter.yml";
  bool config_check = false;
  bool version = false;
  bool help = false;
  std::string listen_address;  // overrides `listen` when set
  std::string telemetry_path = "/metrics";
  std::string web_config_file;
  std::optional<LogLevel> log_level;    // overrides the config file when set
  std::optional<LogFormat> log_format;  // overrides the config file when set
  int status_timeout_seconds = 15;  // `status`: wait this long for every source
  // The HTTP listener's limits (http/listener.h): open connections beyond
  // this are refused; a request head must arrive within the timeout.
  int web_max_connections = 512;
  std::chrono::milliseconds web_request_head_timeout{5000};
};

// Accepts --name=value and --name value; the first bare word is the command.
Result<Flags> ParseFlags(const std::vector<std::string>& args);

std::string UsageText();
std::string VersionText();

}  // namespace flinkha
