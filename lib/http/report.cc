// Report over a snapshot: JobManagers, leader, TaskManagers and slots, jobs,
// checkpoints, output, ZooKeeper; each check marked so an operator's eye finds
// the problems.
#include "http/report.h"

#include <chrono>
#include <cstdio>
#include <sstream>
#include <utility>

#include "http/status_json.h"

namespace flinkha {
namespace {

std::string Secs(const std::optional<double>& s) {
  if (!s) return "pending";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", *s);
  return buf;
}

// "1.2 s": a heartbeat's age at the poll that listed it.
std::string Age(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  return buf;
}

// One line per listed TaskManager, then the recently lost ones (information:
// the FlinkTaskManagerLost alert is where a loss calls for attention).
template <typename Info>
void TaskManagers(const TaskManagerView& v, const Info& info, int zone) {
  for (const auto& tm : v.taskmanagers) {
    std::string text = "TaskManager " + tm.id;
    if (!tm.address.empty()) text += " (" + tm.address + ")";
    text += ": " + std::to_string(tm.free_slots) + "/" +
            std::to_string(tm.slots_number) + " slots free";
    if (tm.last_heartbeat_ms > 0 && v.listed_at) {
      const double poll_s = ToUnixSeconds(*v.listed_at);
      text += ", heartbeat " +
              Age(poll_s - static_cast<double>(tm.last_heartbeat_ms) / 1000) +
              " before the poll";
    }
    info(text);
  }
  for (auto it = v.lost.rbegin(); it != v.lost.rend(); ++it) {
    info("TaskManager " + it->id + " lost: unlisted since " +
         FormatInZone(it->gone_at, zone) + " (last listed " +
         FormatInZone(it->last_seen, zone) + ")");
  }
  if (v.lost_total > 0) {
    info("TaskManagers lost since the exporter started: " +
         std::to_string(v.lost_total));
  }
}

// As the FlinkJobBackpressured alert: Flink's web UI calls a share above
// half "high".
constexpr double kBackpressured = 0.5;

std::string Percent(double ratio) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", ratio * 100);
  return buf;
}

// Why the job last failed and why its last checkpoint failed (information:
// the alerts say when a failure calls for attention).
template <typename Info>
void Diagnosis(const JobSummary& j, const JobCheckpointObservation& o, int zone,
               const Info& info) {
  if (o.exceptions && !o.exceptions->entries.empty()) {
    std::string text = "job " + j.name + " last failed " +
                       FailureText(o.exceptions->entries.front(), zone);
    const size_t n = o.exceptions->entries.size();
    if (n > 1) {
      text += "; " + std::to_string(n - 1) + " earlier failure" +
              (n > 2 ? "s" : "") + " in Flink's history";
    }
    info(text);
  }
  if (o.stats && o.stats->latest_failed) {
    const FailedCheckpoint& f = *o.stats->latest_failed;
    info("job " + j.name + " checkpoint " + std::to_string(f.id) + " failed " +
         FormatInZone(
             TimePoint(std::chrono::milliseconds(f.failure_timestamp_ms)),
             zone) +
         (f.failure_message.empty() ? "" : ": " + f.failure_message));
  }
}

void Cluster(const ClusterState& c, int zone, std::vector<ReportLine>* out) {
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
      std::string who = !l.known ? std::string("none")
                        : l.jobmanager.empty()
                            ? l.leader.address
                            : l.jobmanager + " (" + l.leader.address + ")";
      if (l.known && l.since) who += ", since " + FormatInZone(*l.since, zone);
      line(l.known, "leader of " + component + ": " + who);
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
    const FailoverState none;
    const FailoverState& f = c.failover ? *c.failover : none;
    if (f.in_progress()) {
      const FailoverReport& r = f.reports.back();
      line(false, "failover in progress: " +
                      (r.lost_jobmanager.empty() ? std::string("the leader")
                                                 : r.lost_jobmanager) +
                      " lost (" + LossCauseName(r.cause) + ") at " +
                      FormatInZone(r.lost_at, zone));
    }
    info("failovers seen: " + std::to_string(f.failovers_total));
    // The last few, newest first: what the failover drill writes down.
    int shown = 0;
    for (auto it = f.reports.rbegin(); it != f.reports.rend() && shown < 3;
         ++it) {
      if (it->open()) continue;
      ++shown;
      info("  " + FailoverSummary(*it, zone));
    }
  } else if (c.config && c.config->zookeeper) {
    line(false, "ZooKeeper leader information: not read yet");
  } else if (c.config && c.config->kubernetes) {
    line(false, "Kubernetes leader ConfigMaps: not read yet");
  }
  if (c.kubernetes) {
    line(c.kubernetes->reachable,
         "Kubernetes API " + c.kubernetes->api_server + " namespace " +
             c.kubernetes->namespace_name + ": " +
             (c.kubernetes->reachable ? c.kubernetes->mode : "unreachable") +
             (c.kubernetes->error.empty() ? ""
                                          : " (" + c.kubernetes->error + ")") +
             (c.kubernetes->watch_error.empty()
                  ? ""
                  : " [" + c.kubernetes->watch_error + "]"));
  } else if (c.zookeeper) {
    line(c.zookeeper->connected,
         "ZooKeeper session: " +
             std::string(SessionStateName(c.zookeeper->session_state)) +
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
    if (c.taskmanagers) TaskManagers(*c.taskmanagers, info, zone);
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
        if (j.tasks_total > 0 && j.tasks_running < j.tasks_total) {
          text += ", tasks " + std::to_string(j.tasks_running) + "/" +
                  std::to_string(j.tasks_total) + " running";
        }
        const JobCheckpointObservation* o =
            ck != c.checkpoints.end() ? ck->second.get() : nullptr;
        const bool backpressured = o && o->backpressure && o->details &&
                                   o->details->state == "RUNNING" &&
                                   o->backpressure->ratio >= kBackpressured;
        if (backpressured) {
          text += ", backpressured " + Percent(o->backpressure->ratio) + " (" +
                  o->backpressure->vertex + ")";
        }
        // A RUNNING job part of which is down, or that cannot keep up.
        const bool degraded =
            j.state == "RUNNING" &&
            (j.tasks_running < j.tasks_total || backpressured);
        if (j.state == "RUNNING") ++running;
        // As the alert rules: FINISHED and CANCELED jobs are the old ids of
        // redeploys, listed for an hour; a cluster with nothing running is
        // the problem.
        if (j.state == "FINISHED" || j.state == "CANCELED") {
          info(text);
        } else {
          line(j.state == "RUNNING" && !degraded, text);
        }
        if (o) Diagnosis(j, *o, zone, info);
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

std::string FailureText(const JobException& e, int zone) {
  std::string text =
      FormatInZone(TimePoint(std::chrono::milliseconds(e.timestamp_ms)), zone) +
      ": " + e.exception_class + (e.message.empty() ? "" : ": " + e.message);
  if (!e.task.empty()) text += " (task " + e.task;
  if (!e.endpoint.empty()) {
    text += (e.task.empty() ? " (" : ", ") + std::string("TaskManager ") +
            e.endpoint;
  }
  if (!e.task.empty() || !e.endpoint.empty()) text += ")";
  for (const auto& [k, v] : e.labels) text += " [" + k + "=" + v + "]";
  return text;
}

std::string FailoverSummary(const FailoverReport& r, int zone) {
  std::string t = FormatInZone(r.lost_at, zone) + ": " +
                  (r.lost_jobmanager.empty() ? "?" : r.lost_jobmanager) +
                  " lost (" + LossCauseName(r.cause) + ") -> " +
                  (r.new_jobmanager.empty() ? "?" : r.new_jobmanager) +
                  ", without leader " + Secs(r.leaderless_seconds());
  if (r.last_good)
    t += " (at most " + Secs(r.leaderless_upper_bound_seconds()) + ")";
  t += ", job running " + Secs(r.SecondsTo(r.job_running_at));
  t += ", restored checkpoint " +
       (r.restored_checkpoint_id ? std::to_string(*r.restored_checkpoint_id)
                                 : std::string("-"));
  if (r.restored_checkpoint_age_seconds)
    t += " (" + Secs(r.restored_checkpoint_age_seconds) + " old)";
  t += ", first checkpoint " + Secs(r.SecondsTo(r.checkpoint_at)) +
       ", first output file " + Secs(r.SecondsTo(r.output_at));
  if (r.failure) t += ", failure " + FailureText(*r.failure, zone);
  return t;
}

namespace {

// ", failure <time>: <class>: <message> (task ..., TaskManager ...)" of a
// failover report's "failure" (status JSON); "" when it has none.
std::string FailureFromJson(const nlohmann::json& report) {
  auto f = report.find("failure");
  if (f == report.end() || !f->is_object()) return "";
  auto text = [&](const char* key) {
    auto it = f->find(key);
    return it != f->end() && it->is_string() ? it->get<std::string>()
                                             : std::string();
  };
  std::string t =
      ", failure " +
      (text("timestamp").empty() ? std::string("?") : text("timestamp")) +
      ": " + text("exception_class");
  if (!text("message").empty()) t += ": " + text("message");
  if (!text("task").empty()) t += " (task " + text("task");
  if (!text("taskmanager").empty()) {
    t += (text("task").empty() ? " (" : ", ") + std::string("TaskManager ") +
         text("taskmanager");
  }
  if (!text("task").empty() || !text("taskmanager").empty()) t += ")";
  return t;
}

}  // namespace

std::vector<std::string> FailoverHistory(const nlohmann::json& status,
                                         size_t max) {
  std::vector<std::string> out;
  if (!status.is_object() || !status.contains("clusters") ||
      !status["clusters"].is_array()) {
    return out;
  }
  auto text = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>()
                                            : std::string("?");
  };
  auto secs = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return Secs(it != j.end() && it->is_number()
                    ? std::optional<double>(it->get<double>())
                    : std::nullopt);
  };
  for (const auto& c : status["clusters"]) {
    if (!c.is_object() || !c.contains("failovers") ||
        !c["failovers"].is_array()) {
      continue;
    }
    const auto& reports = c["failovers"];
    size_t shown = 0;
    for (auto it = reports.rbegin(); it != reports.rend() && shown < max;
         ++it, ++shown) {
      const auto& r = *it;
      if (!r.is_object()) continue;
      std::string restored = "-";
      if (auto id = r.find("restored_checkpoint_id");
          id != r.end() && id->is_number_integer()) {
        restored = std::to_string(id->get<int64_t>());
      }
      out.push_back(text(c, "name") + ": " + text(r, "lost_at") + " " +
                    text(r, "lost_jobmanager") + " lost (" + text(r, "cause") +
                    ") -> " + text(r, "new_jobmanager") + ", without leader " +
                    secs(r, "leaderless_seconds") + " (at most " +
                    secs(r, "leaderless_upper_bound_seconds") +
                    "), job running " + secs(r, "job_running_seconds") +
                    ", restored checkpoint " + restored + " (" +
                    secs(r, "restored_checkpoint_age_seconds") +
                    " old), first checkpoint " + secs(r, "checkpoint_seconds") +
                    ", first output file " + secs(r, "output_seconds") +
                    FailureFromJson(r));
    }
  }
  return out;
}

std::vector<ClusterReport> BuildReport(const Snapshot& snapshot) {
  std::vector<ClusterReport> report;
  for (const auto& [name, c] : snapshot.clusters) {
    report.push_back({name, {}});
    Cluster(c, snapshot.display_zone.offset_minutes, &report.back().lines);
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
