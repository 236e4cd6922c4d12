// Renders the status page: per cluster the same checks as the `status`
// command, then recent HA events and failover recoveries, so an operator sees
// at a glance what the shell checks told them.
#include "http/status_page.h"

#include <cstdio>
#include <sstream>

#include "app/report.h"
#include "http/status_json.h"

namespace flinkha {
namespace {

// Recent HA events shown per cluster (the JSON API has them all).
constexpr size_t kEventsShown = 20;

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Seconds(std::optional<double> s) {
  if (!s) return "pending";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", *s);
  return buf;
}

void Checks(const ClusterReport& report, std::ostringstream& h) {
  h << "<table><tr><th></th><th>Check</th></tr>";
  for (const auto& l : report.lines) {
    const char* mark = l.mark == ReportLine::Mark::kOk        ? "ok\">OK"
                       : l.mark == ReportLine::Mark::kProblem ? "bad\">!!"
                                                              : "info\">";
    h << "<tr><td class=\"" << mark << "</td><td>" << Escape(l.text)
      << "</td></tr>";
  }
  h << "</table>";
}

void Events(const HaState& ha, std::ostringstream& h) {
  if (ha.events.empty()) return;
  h << "<h3>Recent HA events</h3><table><tr><th>At (UTC)</th><th>Event</th>"
       "<th>Component</th><th>From</th><th>To</th><th>Leaderless</th>"
       "<th>Detail</th></tr>";
  size_t shown = 0;
  for (auto it = ha.events.rbegin();
       it != ha.events.rend() && shown < kEventsShown; ++it, ++shown) {
    const HaEvent& e = *it;
    h << "<tr><td>" << Rfc3339(e.at) << "</td><td>" << Escape(e.kind)
      << "</td><td>" << Escape(e.component) << "</td><td>" << Escape(e.from)
      << "</td><td>" << Escape(e.to) << "</td><td>"
      << (e.kind == "failover" ? Seconds(e.duration_seconds) : "")
      << "</td><td>" << Escape(e.detail) << "</td></tr>";
  }
  h << "</table>";
}

void Recoveries(const ClusterState& c, std::ostringstream& h) {
  if (c.recoveries.empty()) return;
  h << "<h3>Failover recoveries</h3><table><tr><th>Failover at (UTC)</th>"
       "<th>Seen by</th><th>Job running</th><th>First checkpoint</th>"
       "<th>First output file</th></tr>";
  for (auto it = c.recoveries.rbegin(); it != c.recoveries.rend(); ++it) {
    h << "<tr><td>" << Rfc3339(it->failover_at) << "</td><td>"
      << Escape(it->trigger) << "</td><td>" << Seconds(it->job_running_seconds)
      << "</td><td>" << Seconds(it->checkpoint_seconds) << "</td><td>"
      << Seconds(it->output_seconds) << "</td></tr>";
  }
  h << "</table>";
}

}  // namespace

std::string StatusPage(const Snapshot& snapshot,
                       const std::string& telemetry_path) {
  const std::vector<ClusterReport> report = BuildReport(snapshot);
  std::ostringstream h;
  // Refreshes itself: it is kept open on a wall screen during a drill.
  h << "<!doctype html><html><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"refresh\" content=\"10\">"
       "<title>flink-ha-exporter</title><style>"
       "body{font-family:sans-serif;margin:2em}"
       "table{border-collapse:collapse;margin-bottom:1em}"
       "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
       ".bad{color:#b00;font-weight:bold}.ok{color:#070}"
       "</style></head><body><h1>flink-ha-exporter</h1><p>"
    << "<a href=\"" << Escape(telemetry_path) << "\">Metrics</a> · "
    << "<a href=\"/api/v1/status\">Status JSON</a> · "
       "<a href=\"/healthz\">Health</a> · <a href=\"/ready\">Ready</a></p>"
    << "<p>Overall: "
    << (ReportHealthy(report) ? "<span class=\"ok\">OK</span>"
                              : "<span class=\"bad\">needs attention</span>")
    << " (as of " << Rfc3339(std::chrono::system_clock::now()) << ")</p>";
  for (const ClusterReport& r : report) {
    h << "<h2>Cluster " << Escape(r.cluster) << "</h2>";
    Checks(r, h);
    auto c = snapshot.clusters.find(r.cluster);
    if (c == snapshot.clusters.end()) continue;
    if (c->second.ha) Events(*c->second.ha, h);
    Recoveries(c->second, h);
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace flinkha
