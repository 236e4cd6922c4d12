// Test support: real Prometheus and Alertmanager servers (Debian's binaries) on
// free loopback ports, each with its own storage directory; stopped by their
// destructors.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace flinkha::testing {

class AlertmanagerServer {
 public:
  explicit AlertmanagerServer(const std::string& config_yaml);
  bool Start();
  int port() const { return port_; }
  std::string error() const { return error_; }
  // GET /api/v2/alerts (active, not silenced or inhibited); empty on failure.
  nlohmann::json ActiveAlerts() const;
  // Names of the active alerts whose labels include flink_cluster=cluster.
  std::vector<std::string> ActiveAlertNames(const std::string& cluster) const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::string config_;
  std::unique_ptr<Subprocess> proc_;
  std::string error_;
};

class PrometheusServer {
 public:
  // config_yaml may contain {{DIR}}, replaced by the server's directory (for
  // rule files).
  PrometheusServer(const std::string& config_yaml,
                   const std::string& rules_yaml);
  bool Start();
  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  std::string error() const { return error_; }
  // Instant query; returns the "result" array (empty on failure).
  nlohmann::json Query(const std::string& promql) const;
  // GET /api/v1/alerts: the alerts its rules hold pending or firing (empty on
  // failure).
  nlohmann::json Alerts() const;
  // The state ("pending", "firing") of alert `name` for flink_cluster=cluster,
  // "" when the rule holds no such alert (inactive).
  std::string AlertState(const std::string& cluster,
                         const std::string& name) const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::string config_;
  std::string rules_;
  std::unique_ptr<Subprocess> proc_;
  std::string error_;
};

std::string UrlEncode(const std::string& s);

}  // namespace flinkha::testing
