// Test support for alerting drills: a webhook that receives Alertmanager's
// notifications, the shipped rules with short `for:`, configs that wire the
// exporter, Prometheus and Alertmanager together, and waiting for alerts.
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/prom_servers.h"

namespace flinkha::testing {

// Receives Alertmanager's webhook notifications (firing and resolved) on a
// free loopback port. Thread safe.
class Webhook {
 public:
  Webhook();
  ~Webhook();
  int port() const { return port_; }
  bool Fired(const std::string& name);
  bool Resolved(const std::string& name);

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::set<std::string> firing_, resolved_;
};

// The shipped rules with every `for:` capped at `cap` and the output-stall
// floor of 60s lowered to 5s: the test override for short intervals. Written
// into dir; returns the rules text.
std::string DrillRules(const std::string& dir, const std::string& cap = "3s");

// Alertmanager routing everything to the webhook at once (group_wait 1s).
std::string WebhookAlertmanagerConfig(int webhook_port);

// Prometheus scraping the exporter every second and sending alerts to
// Alertmanager, with the rules in {{DIR}}/rules.yml.
std::string DrillPrometheusConfig(int alertmanager_port, int exporter_port);

// Prometheus scraping the exporter every second and evaluating the rules in
// {{DIR}}/rules.yml, without Alertmanager: alert states are read from its own
// /api/v1/alerts.
std::string RulesOnlyPrometheusConfig(int exporter_port);

bool Active(const AlertmanagerServer& am, const std::string& cluster,
            const std::string& name);

// Polls Alertmanager until every named alert is active (and delivered to the
// webhook) or resolved, recording for each the seconds from `since` to when it
// was first seen so.
std::map<std::string, double> WaitAlerts(
    const AlertmanagerServer& am, Webhook& hook, const std::string& cluster,
    const std::vector<std::string>& names, bool firing,
    std::chrono::steady_clock::time_point since, std::chrono::seconds timeout);

}  // namespace flinkha::testing
