// Renders the status page: per cluster the history of the last hours (inline
// SVG, http/history_page.h), the same checks as the `status` command, then
// recent HA events and the failover reports, so an operator sees at a glance
// what happened and what the shell checks tell them now.
#include "http/status_page.h"

#include <cstdio>
#include <iterator>
#include <sstream>

#include "http/history_page.h"
#include "http/html.h"
#include "http/report.h"
#include "http/status_json.h"

namespace flinkha {
namespace {

// Recent HA events shown per cluster (the JSON API has them all).
constexpr size_t kEventsShown = 20;

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
    h << "<tr><td class=\"" << mark << "</td><td>" << HtmlEscape(l.text)
      << "</td></tr>";
  }
  h << "</table>";
}

void Events(const ClusterState& c, const DisplayZone& zone,
            std::ostringstream& h) {
  const std::vector<const HaEvent*> events = ClusterEvents(c);
  if (events.empty()) return;
  h << "<h3>Recent HA events</h3><table class=\"ev\"><tr><th>At (" << zone.name
    << ")</th><th>Event</th>"
       "<th>Component</th><th>From</th><th>To</th><th>Without leader</th>"
       "<th>Detail</th></tr>";
  size_t shown = 0;
  for (auto it = events.rbegin(); it != events.rend() && shown < kEventsShown;
       ++it, ++shown) {
    const HaEvent& e = **it;
    const bool timed = e.kind == HaEventKind::kFailover ||
                       e.kind == HaEventKind::kLeaderRecovered;
    h << "<tr><td>" << FormatInZone(e.at, zone.offset_minutes) << "</td><td>"
      << HtmlEscape(HaEventKindName(e.kind)) << "</td><td>"
      << HtmlEscape(e.component) << "</td><td>" << HtmlEscape(e.from)
      << "</td><td>" << HtmlEscape(e.to) << "</td><td>"
      << (timed ? Seconds(e.duration_seconds) : "") << "</td><td>"
      << HtmlEscape(e.detail) << "</td></tr>";
  }
  h << "</table>";
}

// The failover reports, newest first: what an operator writes down after a
// drill.
void Failovers(const ClusterState& c, size_t index, const DisplayZone& zone,
               std::ostringstream& h) {
  if (!c.failover || c.failover->reports.empty()) return;
  h << "<h3>Failovers</h3><table><tr><th>Lost at (" << zone.name
    << ")</th><th>Lost</th>"
       "<th>How</th><th>New leader</th><th>Without leader</th>"
       "<th>At most</th><th>Job running</th><th>Restored checkpoint</th>"
       "<th>Replayed</th><th>First checkpoint</th><th>First output file</th>"
       "<th>Failure</th></tr>";
  const auto& reports = c.failover->reports;
  for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
    const FailoverReport& r = *it;
    h << "<tr id=\"" << FailoverAnchor(index, r.lost_at) << "\"><td>"
      << FormatInZone(r.lost_at, zone.offset_minutes) << "</td><td>"
      << HtmlEscape(r.lost_jobmanager) << "</td><td>" << LossCauseName(r.cause)
      << "</td><td>"
      << (r.open() ? std::string("(in progress)")
                   : HtmlEscape(r.new_jobmanager))
      << "</td><td>" << Seconds(r.leaderless_seconds()) << "</td><td>"
      << Seconds(r.leaderless_upper_bound_seconds()) << "</td><td>"
      << Seconds(r.SecondsTo(r.job_running_at)) << "</td><td>"
      << (r.restored_checkpoint_id ? std::to_string(*r.restored_checkpoint_id)
                                   : std::string("-"))
      << "</td><td>" << Seconds(r.restored_checkpoint_age_seconds)
      << "</td><td>" << Seconds(r.SecondsTo(r.checkpoint_at)) << "</td><td>"
      << Seconds(r.SecondsTo(r.output_at)) << "</td><td>"
      << (r.failure ? HtmlEscape(FailureText(*r.failure, zone.offset_minutes))
                    : std::string("-"))
      << "</td></tr>";
  }
  h << "</table>";
}

}  // namespace

std::string StatusPage(const Snapshot& snapshot,
                       const std::string& telemetry_path,
                       const HistoryData* history, TimePoint now) {
  const std::vector<ClusterReport> report = BuildReport(snapshot);
  std::ostringstream h;
  // Refreshes itself without script: it is kept open on a wall screen during
  // a drill. Everything is inline (CSS, SVG): it works offline and under the
  // Content-Security-Policy the server sends.
  h << "<!doctype html><html><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"refresh\" content=\"10\">"
       "<meta name=\"color-scheme\" content=\"light dark\">"
       // No favicon request (a 404 in the browser's console).
       "<link rel=\"icon\" href=\"data:,\">"
       "<title>flink-ha-exporter</title><style>"
       ":root{color-scheme:light dark}"
       "body{font-family:sans-serif;margin:1.5em auto;max-width:1140px;"
       "padding:0 1em;background:#fff;color:#1d1f23}"
       "a{color:#2457a8}"
       "table{border-collapse:collapse;margin-bottom:1em}"
       "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
       // Leader addresses (pekko.tcp://...) wrap rather than widen the page.
       ".ev td:nth-child(n+4){overflow-wrap:anywhere}"
       "tr:target{outline:2px solid #d33}"
       ".bad{color:#b00;font-weight:bold}.ok{color:#070}"
       "@media (prefers-color-scheme:dark){body{background:#17191d;"
       "color:#dcdfe4}a{color:#8bb8ff}td,th{border-color:#444}"
       ".bad{color:#ff6b6b}.ok{color:#5fd35f}}"
    << kHistoryCss << "</style></head><body><h1>flink-ha-exporter</h1><p>"
    << "<a href=\"" << HtmlEscape(telemetry_path) << "\">Metrics</a> · "
    << "<a href=\"/api/v1/status\">Status JSON</a> · "
       "<a href=\"/api/v1/history\">History JSON</a> · "
       "<a href=\"/healthz\">Health</a> · <a href=\"/ready\">Ready</a></p>"
    << "<p>Overall: "
    << (ReportHealthy(report) ? "<span class=\"ok\">OK</span>"
                              : "<span class=\"bad\">needs attention</span>")
    << " (as of " << FormatInZone(now, snapshot.display_zone.offset_minutes)
    << ")</p>";
  for (const ClusterReport& r : report) {
    h << "<h2>Cluster " << HtmlEscape(r.cluster) << "</h2>";
    auto c = snapshot.clusters.find(r.cluster);
    const size_t index =
        c == snapshot.clusters.end()
            ? snapshot.clusters.size()
            : static_cast<size_t>(std::distance(snapshot.clusters.begin(), c));
    if (history) {
      auto ch = history->clusters.find(r.cluster);
      if (ch != history->clusters.end()) {
        h << ClusterHistorySvg(
            r.cluster, ch->second,
            c == snapshot.clusters.end() ? nullptr : &c->second, index, now);
      } else {
        h << "<p>History: collecting (no sample of this cluster yet).</p>";
      }
    }
    Checks(r, h);
    if (c == snapshot.clusters.end()) continue;
    Events(c->second, snapshot.display_zone, h);
    Failovers(c->second, index, snapshot.display_zone, h);
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace flinkha
