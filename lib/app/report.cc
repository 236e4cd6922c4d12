// Report over a snapshot: JobManagers, leader, TaskManagers and slots, jobs,
// checkpoints, output, ZooKeeper; each check marked so an operator's eye finds
// the problems.
#include "app/report.h"

#include <sstream>
#include <utility>

namespace flinkha {
namespace {

void Cluster(const ClusterState& c, std::vector<ReportLine>* out) {
  auto line = [out](bool ok, std::string text) {
    out->push_back({ok ? ReportLine::Mark::kOk : ReportLine::Mark::kProblem,
                    std::move(text)});
  };
  auto info = [out](std::string text) {
    out->push_back({ReportLine::Mark::kInfo, std::move(text)});
  };
  if (c.config) {
    for (const auto& jm : c.config->jobmanagers) {
      auto it = c.jobmanagers.find(jm.name);
      if (it == c.jobmanagers.end() || !it->second) {
        line(false,
             "JobManager " + jm.name + " (" + jm.url + "): no answer yet");
        continue;
      }
      const auto& o = *it->second;
      std::string text = "JobManager " + jm.name + " (" + jm.url +
                         "): " + (o.up ? "REST up" : "REST down");
      if (o.config) text += ", Flink " + o.config->flink_version;
      if (!o.error.empty()) text += " (" + o.error + ")";
      line(o.up, text);
    }
  }
  if (c.ha) {
    for (const auto& [component, l] : c.ha->components) {
      line(l.known,
           "leader of " + component + ": " +
               (l.known ? (l.jobmanager.empty()
                               ? l.leader.address
                               : l.jobmanager + " (" + l.leader.address + ")")
                        : std::string("none")));
    }
    int min_contenders = -1;
    for (const auto& [latch, n] : c.ha->contenders) {
      if (min_contenders < 0 || n < min_contenders) min_contenders = n;
    }
    if (min_contenders >= 0) {
      line(min_contenders >= 2,
           "contenders for leadership: " + std::to_string(min_contenders) +
               (min_contenders >= 2 ? " (standby present)" : " (no standby)"));
    }
    info("failovers seen: " + std::to_string(c.ha->failovers_total));
  } else if (c.config && c.config->zookeeper) {
    line(false, "ZooKeeper leader information: not read yet");
  }
  if (c.zookeeper) {
    line(c.zookeeper->connected,
         "ZooKeeper session: " + c.zookeeper->session_state +
             (c.zookeeper->error.empty() ? ""
                                         : " (" + c.zookeeper->error + ")"));
  }
  for (const auto& [server, h] : c.zookeeper_servers) {
    if (h)
      line(h->up, "ZooKeeper " + server + ": " + (h->up ? h->mode : h->error));
  }
  if (const JobManagerObservation* jm = PreferredJobManager(c)) {
    const auto& ov = *jm->overview;
    bool tm_ok = ov.taskmanagers > 0 &&
                 (c.config->expected_taskmanagers == 0 ||
                  ov.taskmanagers >= c.config->expected_taskmanagers);
    line(tm_ok, "TaskManagers: " + std::to_string(ov.taskmanagers) +
                    ", slots " + std::to_string(ov.slots_total) + " (" +
                    std::to_string(ov.slots_available) + " available)");
    if (jm->jobs) {
      int running = 0;
      for (const auto& j : *jm->jobs) {
        std::string text = "job " + j.name + " (" + j.id + "): " + j.state;
        auto ck = c.checkpoints.find(j.id);
        if (ck != c.checkpoints.end() && ck->second && ck->second->stats) {
          text += ", checkpoints " +
                  std::to_string(ck->second->stats->completed) +
                  " completed / " + std::to_string(ck->second->stats->failed) +
                  " failed";
        }
        if (j.state == "RUNNING") ++running;
        // As the alert rules: FINISHED and CANCELED jobs are the old ids of
        // redeploys, listed for an hour; a cluster with nothing running is
        // the problem.
        if (j.state == "FINISHED" || j.state == "CANCELED") {
          info(text);
        } else {
          line(j.state == "RUNNING", text);
        }
      }
      if (running == 0) line(false, "no job is RUNNING");
    }
  } else {
    line(false, "no JobManager answered with cluster data");
  }
  for (const auto& [path, o] : c.outputs) {
    if (!o) continue;
    std::string text = "output " + path + ": " +
                       std::to_string(o->finished_files) + " finished, " +
                       std::to_string(o->in_progress_files) + " in progress, " +
                       std::to_string(o->bytes) + " bytes";
    if (!o->error.empty()) text += " (" + o->error + ")";
    line(o->readable, text);
  }
}

}  // namespace

std::vector<ClusterReport> BuildReport(const Snapshot& snapshot) {
  std::vector<ClusterReport> report;
  for (const auto& [name, c] : snapshot.clusters) {
    report.push_back({name, {}});
    Cluster(c, &report.back().lines);
  }
  return report;
}

bool ReportHealthy(const std::vector<ClusterReport>& report) {
  for (const auto& c : report) {
    for (const auto& l : c.lines) {
      if (l.mark == ReportLine::Mark::kProblem) return false;
    }
  }
  return true;
}

std::string HumanReport(const Snapshot& snapshot, bool* healthy) {
  const std::vector<ClusterReport> report = BuildReport(snapshot);
  std::ostringstream r;
  for (const auto& c : report) {
    r << "Flink cluster " << c.cluster << "\n";
    for (const auto& l : c.lines) {
      r << (l.mark == ReportLine::Mark::kOk        ? "  [OK] "
            : l.mark == ReportLine::Mark::kProblem ? "  [!!] "
                                                   : "  ")
        << l.text << "\n";
    }
  }
  if (healthy) *healthy = ReportHealthy(report);
  return r.str();
}

}  // namespace flinkha
