// Alerting drill support: webhook receiver, drill rules and configs, waits.
#include "support/alert_drill.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace flinkha::testing {

Webhook::Webhook() {
  server_.Post("/hook", [this](const httplib::Request& req,
                               httplib::Response&) {
    auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (!j.is_object()) return;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& a : j.value("alerts", nlohmann::json::array())) {
      const std::string name = a["labels"].value("alertname", "");
      (a.value("status", "") == "resolved" ? resolved_ : firing_).insert(name);
    }
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

Webhook::~Webhook() {
  server_.stop();
  thread_.join();
}

bool Webhook::Fired(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return firing_.count(name) > 0;
}

bool Webhook::Resolved(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return resolved_.count(name) > 0;
}

std::string DrillRules(const std::string& dir, const std::string& cap) {
  const std::string out = dir + "/drill-rules.yml";
  const std::string cmd =
      "python3 " FLINKHA_SOURCE_DIR "/tests/prom/shorten_for.py --for " + cap +
      " -o '" + out +
      "' " FLINKHA_SOURCE_DIR "/config/prometheus/flinkha-rules.yml";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string rules = ReadFile(out);
  const std::string floor = "* 3, 60)";
  const size_t at = rules.find(floor);
  // The override must still apply to the shipped rules.
  REQUIRE(at != std::string::npos);
  rules.replace(at, floor.size(), "* 3, 5)");
  return rules;
}

std::string WebhookAlertmanagerConfig(int webhook_port) {
  return "route:\n  receiver: drill\n  group_by: [flink_cluster, alertname]\n"
         "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
         "receivers:\n  - name: drill\n    webhook_configs:\n"
         "      - url: http://127.0.0.1:" +
         std::to_string(webhook_port) + "/hook\n        send_resolved: true\n";
}

std::string DrillPrometheusConfig(int alertmanager_port, int exporter_port) {
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "rule_files: ['{{DIR}}/rules.yml']\n"
         "alerting:\n  alertmanagers:\n    - static_configs:\n"
         "        - targets: ['127.0.0.1:" +
         std::to_string(alertmanager_port) +
         "']\n"
         "scrape_configs:\n  - job_name: flink-ha-exporter\n"
         "    static_configs:\n      - targets: ['127.0.0.1:" +
         std::to_string(exporter_port) + "']\n";
}

std::string RulesOnlyPrometheusConfig(int exporter_port) {
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "rule_files: ['{{DIR}}/rules.yml']\n"
         "scrape_configs:\n  - job_name: flink-ha-exporter\n"
         "    static_configs:\n      - targets: ['127.0.0.1:" +
         std::to_string(exporter_port) + "']\n";
}

bool Active(const AlertmanagerServer& am, const std::string& cluster,
            const std::string& name) {
  for (const auto& n : am.ActiveAlertNames(cluster)) {
    if (n == name) return true;
  }
  return false;
}

std::map<std::string, double> WaitAlerts(
    const AlertmanagerServer& am, Webhook& hook, const std::string& cluster,
    const std::vector<std::string>& names, bool firing,
    std::chrono::steady_clock::time_point since, std::chrono::seconds timeout) {
  using Clock = std::chrono::steady_clock;
  std::map<std::string, double> seen;
  const auto deadline = Clock::now() + timeout;
  while (seen.size() < names.size() && Clock::now() < deadline) {
    for (const auto& n : names) {
      if (seen.count(n)) continue;
      const bool done = firing ? Active(am, cluster, n) && hook.Fired(n)
                               : !Active(am, cluster, n) && hook.Resolved(n);
      if (done)
        seen[n] = std::chrono::duration<double>(Clock::now() - since).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return seen;
}

}  // namespace flinkha::testing
