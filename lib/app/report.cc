// Text report over a snapshot: JobManagers, leader, TaskManagers and slots,
// jobs, checkpoints, output, ZooKeeper; each line marked OK or !! so an
// operator's eye finds the problems.
#include "app/report.h"

#include <cmath>
#include <sstream>

namespace flinkha {
namespace {

const char* Mark(bool ok) { return ok ? "OK" : "!!"; }

}  // namespace

std::string HumanReport(const Snapshot& snapshot, bool* healthy) {
  std::ostringstream r;
  bool all_ok = true;
  auto line = [&](bool ok, const std::string& text) {
    all_ok = all_ok && ok;
    r << "  [" << Mark(ok) << "] " << text << "\n";
  };
  for (const auto& [name, c] : snapshot.clusters) {
    r << "Flink cluster " << name << "\n";
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
        line(
            min_contenders >= 2,
            "contenders for leadership: " + std::to_string(min_contenders) +
                (min_contenders >= 2 ? " (standby present)" : " (no standby)"));
      }
      r << "  failovers seen: " << c.ha->failovers_total << "\n";
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
        line(h->up,
             "ZooKeeper " + server + ": " + (h->up ? h->mode : h->error));
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
        for (const auto& j : *jm->jobs) {
          std::string text = "job " + j.name + " (" + j.id + "): " + j.state;
          auto ck = c.checkpoints.find(j.id);
          if (ck != c.checkpoints.end() && ck->second && ck->second->stats) {
            text += ", checkpoints " +
                    std::to_string(ck->second->stats->completed) +
                    " completed / " +
                    std::to_string(ck->second->stats->failed) + " failed";
          }
          line(j.state == "RUNNING" || j.state == "FINISHED", text);
        }
      }
    } else {
      line(false, "no JobManager answered with cluster data");
    }
    for (const auto& [path, o] : c.outputs) {
      if (!o) continue;
      std::string text = "output " + path + ": " +
                         std::to_string(o->finished_files) + " finished, " +
                         std::to_string(o->in_progress_files) +
                         " in progress, " + std::to_string(o->bytes) + " bytes";
      if (!o->error.empty()) text += " (" + o->error + ")";
      line(o->readable, text);
    }
  }
  if (healthy) *healthy = all_ok;
  return r.str();
}

}  // namespace flinkha
