// Renders the status page: one table per cluster, in the spirit of the shell
// checks it replaces.
#include "http/status_page.h"

#include <sstream>

namespace flinkha {
namespace {

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

}  // namespace

std::string StatusPage(const Snapshot& snapshot,
                       const std::string& telemetry_path) {
  std::ostringstream h;
  h << "<!doctype html><html><head><meta "
       "charset=\"utf-8\"><title>flink-ha-exporter</title>"
       "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
       "collapse}"
       "td,th{border:1px solid #ccc;padding:4px "
       "8px;text-align:left}.bad{color:#b00}"
       ".ok{color:#070}</style></head><body><h1>flink-ha-exporter</h1><p>"
    << "<a href=\"" << Escape(telemetry_path) << "\">Metrics</a> · "
    << "<a href=\"/api/v1/status\">Status JSON</a> · <a "
       "href=\"/healthz\">Health</a> · "
    << "<a href=\"/ready\">Ready</a></p>";
  for (const auto& [name, c] : snapshot.clusters) {
    h << "<h2>Cluster " << Escape(name)
      << "</h2><table><tr><th>JobManager</th><th>URL</th>"
      << "<th>REST</th><th>Leader</th><th>Error</th></tr>";
    if (c.config) {
      for (const auto& jm : c.config->jobmanagers) {
        auto it = c.jobmanagers.find(jm.name);
        bool up = it != c.jobmanagers.end() && it->second && it->second->up;
        bool leader = false;
        if (c.ha) {
          auto rs = c.ha->components.find("rest_server");
          leader = rs != c.ha->components.end() && rs->second.known &&
                   rs->second.jobmanager == jm.name;
        }
        h << "<tr><td>" << Escape(jm.name) << "</td><td>" << Escape(jm.url)
          << "</td><td class=\"" << (up ? "ok\">up" : "bad\">down")
          << "</td><td>" << (leader ? "leader" : "") << "</td><td>"
          << Escape(it != c.jobmanagers.end() && it->second ? it->second->error
                                                            : "pending")
          << "</td></tr>";
      }
    }
    h << "</table>";
    if (const JobManagerObservation* jm = PreferredJobManager(c)) {
      h << "<p>TaskManagers: " << jm->overview->taskmanagers
        << " · slots: " << jm->overview->slots_total << " (available "
        << jm->overview->slots_available << ")</p>";
      if (jm->jobs) {
        h << "<table><tr><th>Job</th><th>ID</th><th>State</th></tr>";
        for (const auto& j : *jm->jobs) {
          h << "<tr><td>" << Escape(j.name) << "</td><td>" << Escape(j.id)
            << "</td><td>" << Escape(j.state) << "</td></tr>";
        }
        h << "</table>";
      }
    }
    if (c.ha) {
      h << "<p>Failovers: " << c.ha->failovers_total << " · split brain: "
        << (c.ha->split_brain ? "<span class=\"bad\">yes</span>" : "no")
        << "</p>";
    }
    for (const auto& [path, o] : c.outputs) {
      if (!o) continue;
      h << "<p>Output " << Escape(path) << ": " << o->finished_files
        << " finished, " << o->in_progress_files << " in progress, " << o->bytes
        << " bytes"
        << (o->error.empty()
                ? ""
                : " · <span class=\"bad\">" + Escape(o->error) + "</span>")
        << "</p>";
    }
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace flinkha
