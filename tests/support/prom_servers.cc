// Prometheus and Alertmanager launchers for end-to-end tests.
#include "support/prom_servers.h"

#include <cstdio>

namespace flinkha::testing {

namespace {

// Waits until proc answers /-/ready on port; false when it exits first or
// the timeout passes.
bool WaitReady(Subprocess& proc, int port, std::chrono::seconds timeout) {
  return Eventually(
             [&] {
               return HttpGet("127.0.0.1", port, "/-/ready").status == 200 ||
                      !proc.running();
             },
             timeout) &&
         proc.running();
}

}  // namespace

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

AlertmanagerServer::AlertmanagerServer(const std::string& config_yaml)
    : config_(config_yaml) {}

bool AlertmanagerServer::Start() {
  port_ = FreePort();
  WriteFile(dir_.path() + "/alertmanager.yml", config_);
  proc_ = std::make_unique<Subprocess>(
      std::vector<std::string>{
          "prometheus-alertmanager",
          "--config.file=" + dir_.path() + "/alertmanager.yml",
          "--storage.path=" + dir_.path() + "/data",
          "--web.listen-address=127.0.0.1:" + std::to_string(port_),
          "--cluster.listen-address=",  // no gossip port: a single test
                                        // instance
          "--log.level=warn"},
      dir_.path() + "/alertmanager.log");
  if (!WaitReady(*proc_, port_, std::chrono::seconds(20))) {
    error_ = "alertmanager did not start: " + proc_->Log();
    return false;
  }
  return true;
}

nlohmann::json AlertmanagerServer::ActiveAlerts() const {
  HttpResult r =
      HttpGet("127.0.0.1", port_,
              "/api/v2/alerts?active=true&silenced=false&inhibited=false");
  if (r.status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

std::vector<std::string> AlertmanagerServer::ActiveAlertNames(
    const std::string& cluster) const {
  std::vector<std::string> names;
  for (const auto& a : ActiveAlerts()) {
    const auto& labels = a.value("labels", nlohmann::json::object());
    if (labels.value("flink_cluster", "") == cluster) {
      names.push_back(labels.value("alertname", ""));
    }
  }
  return names;
}

PrometheusServer::PrometheusServer(const std::string& config_yaml,
                                   const std::string& rules_yaml)
    : config_(config_yaml), rules_(rules_yaml) {}

bool PrometheusServer::Start() {
  port_ = FreePort();
  std::string cfg = config_;
  for (size_t p; (p = cfg.find("{{DIR}}")) != std::string::npos;) {
    cfg.replace(p, 7, dir_.path());
  }
  WriteFile(dir_.path() + "/prometheus.yml", cfg);
  WriteFile(dir_.path() + "/rules.yml", rules_);
  proc_ = std::make_unique<Subprocess>(
      std::vector<std::string>{
          "prometheus", "--config.file=" + dir_.path() + "/prometheus.yml",
          "--storage.tsdb.path=" + dir_.path() + "/data",
          "--web.listen-address=127.0.0.1:" + std::to_string(port_),
          "--log.level=warn"},
      dir_.path() + "/prometheus.log");
  if (!WaitReady(*proc_, port_, std::chrono::seconds(30))) {
    error_ = "prometheus did not start: " + proc_->Log();
    return false;
  }
  return true;
}

nlohmann::json PrometheusServer::Query(const std::string& promql) const {
  HttpResult r =
      HttpGet("127.0.0.1", port_, "/api/v1/query?query=" + UrlEncode(promql));
  if (r.status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || j.value("status", "") != "success")
    return nlohmann::json::array();
  return j["data"]["result"];
}

nlohmann::json PrometheusServer::Alerts() const {
  HttpResult r = HttpGet("127.0.0.1", port_, "/api/v1/alerts");
  if (r.status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || j.value("status", "") != "success")
    return nlohmann::json::array();
  return j["data"].value("alerts", nlohmann::json::array());
}

std::string PrometheusServer::AlertState(const std::string& cluster,
                                         const std::string& name) const {
  std::string state;
  for (const auto& a : Alerts()) {
    const auto& labels = a.value("labels", nlohmann::json::object());
    if (labels.value("alertname", "") != name ||
        labels.value("flink_cluster", "") != cluster) {
      continue;
    }
    // Firing wins over pending when the rule holds several series.
    const std::string s = a.value("state", "");
    if (state.empty() || s == "firing") state = s;
  }
  return state;
}

}  // namespace flinkha::testing
