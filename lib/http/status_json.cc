// Builds the /api/v1/status JSON from the snapshot (timestamps in RFC 3339 and
// epoch seconds).
#include "http/status_json.h"

#include <algorithm>
#include <ctime>
#include <vector>

namespace flinkha {
namespace {

using nlohmann::json;

json Time(const std::optional<TimePoint>& t) {
  return t ? json(Rfc3339(*t)) : json(nullptr);
}

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json JobManagers(const ClusterState& c) {
  json out = json::array();
  if (!c.config) return out;
  for (const auto& jm : c.config->jobmanagers) {
    json j{{"name", jm.name}, {"url", jm.url}, {"advertised", jm.advertised}};
    auto it = c.jobmanagers.find(jm.name);
    if (it != c.jobmanagers.end() && it->second) {
      const auto& o = *it->second;
      j["up"] = o.up;
      j["fault"] = RestFaultName(o.fault);
      j["error"] = o.error;
      j["polled_at"] = Rfc3339(o.at);
      j["duration_seconds"] = o.duration_seconds;
      if (o.config) j["flink_version"] = o.config->flink_version;
    }
    j["leader"] = c.facts.rest_leader == jm.name;
    out.push_back(std::move(j));
  }
  return out;
}

// One exception history entry (GET /jobs/<jid>/exceptions).
json Exception(const JobException& e) {
  return {
      {"timestamp_ms", e.timestamp_ms}, {"exception_class", e.exception_class},
      {"message", e.message},           {"task", e.task},
      {"taskmanager", e.endpoint},      {"taskmanager_id", e.taskmanager_id},
      {"failure_labels", e.labels},     {"concurrent_failures", e.concurrent}};
}

// The failure that came with a failover, with its job and its time in RFC
// 3339 too; null when none did.
json Failure(const FailoverReport& r) {
  if (!r.failure) return nullptr;
  json f = Exception(*r.failure);
  f["job_id"] = r.failure_job_id;
  f["timestamp"] =
      Rfc3339(TimePoint(std::chrono::milliseconds(r.failure->timestamp_ms)));
  return f;
}

json Failovers(const ClusterState& c) {
  json out = json::array();
  if (!c.failover) return out;
  for (const auto& r : c.failover->reports) {
    out.push_back({{"seen_by", r.seen_by},
                   {"lost_jobmanager", r.lost_jobmanager},
                   {"cause", LossCauseName(r.cause)},
                   {"lost_at", Rfc3339(r.lost_at)},
                   {"last_good", Time(r.last_good)},
                   {"zookeeper_lost_at", Time(r.zookeeper_lost_at)},
                   {"leader_at", Time(r.leader_at)},
                   {"new_jobmanager", r.new_jobmanager},
                   {"leaderless_seconds", Opt(r.leaderless_seconds())},
                   {"leaderless_upper_bound_seconds",
                    Opt(r.leaderless_upper_bound_seconds())},
                   {"job_running_seconds", Opt(r.SecondsTo(r.job_running_at))},
                   {"restored_checkpoint_id", Opt(r.restored_checkpoint_id)},
                   {"restored_checkpoint_age_seconds",
                    Opt(r.restored_checkpoint_age_seconds)},
                   {"checkpoint_seconds", Opt(r.SecondsTo(r.checkpoint_at))},
                   {"checkpoint_id", Opt(r.checkpoint_id)},
                   {"output_seconds", Opt(r.SecondsTo(r.output_at))},
                   {"failure", Failure(r)}});
  }
  return out;
}

json Ha(const ClusterState& c) {
  if (!c.ha) return nullptr;
  const HaState& h = *c.ha;
  json comps = json::object();
  for (const auto& [name, l] : h.components) {
    comps[name] = {{"known", l.known},
                   {"address", l.leader.address},
                   {"session_id", l.leader.session_id},
                   {"jobmanager", l.jobmanager},
                   {"changes_total", l.changes_total},
                   {"last_change", Time(l.last_change)},
                   {"since", Time(l.since)}};
  }
  const FailoverState none;
  const FailoverState& f = c.failover ? *c.failover : none;
  json events = json::array();
  for (const HaEvent* e : ClusterEvents(c)) {
    events.push_back({{"at", Rfc3339(e->at)},
                      {"kind", HaEventKindName(e->kind)},
                      {"component", e->component},
                      {"from", e->from},
                      {"to", e->to},
                      {"duration_seconds", e->duration_seconds},
                      {"detail", e->detail}});
  }
  const FailoverReport* last = f.last_closed();
  return {{"components", comps},
          {"contenders", h.contenders},
          {"failovers_total", f.failovers_total},
          {"failover_in_progress", f.in_progress()},
          {"last_failover_duration_seconds",
           last ? json(*last->leaderless_seconds()) : json(nullptr)},
          {"leaderless_seconds_total", f.leaderless_seconds_total},
          {"zookeeper_leaderless_since", Time(h.leaderless_since)},
          {"split_brain", h.split_brain},
          {"events", events}};
}

// A job's exception history, newest first (GET /jobs/<jid>/exceptions).
json Exceptions(const ExceptionHistory& h) {
  json out = json::array();
  for (const auto& e : h.entries) out.push_back(Exception(e));
  return out;
}

json Jobs(const ClusterState& c) {
  json out = json::array();
  const JobManagerObservation* jm = PreferredJobManager(c);
  if (!jm || !jm->jobs) return out;
  for (const auto& j : *jm->jobs) {
    json o{{"id", j.id},
           {"name", j.name},
           {"state", j.state},
           {"start_time_ms", j.start_time_ms}};
    if (j.tasks_total > 0) {
      o["tasks"] = {{"total", j.tasks_total}, {"running", j.tasks_running}};
    }
    auto ck = c.checkpoints.find(j.id);
    if (ck != c.checkpoints.end() && ck->second) {
      const auto& k = *ck->second;
      if (k.exceptions) {
        o["exceptions"] = Exceptions(*k.exceptions);
        o["exceptions_truncated"] = k.exceptions->truncated;
      }
      if (k.details) {
        o["state_timestamps_ms"] = k.details->timestamps;
      }
      if (k.backpressure && k.details && k.details->state == "RUNNING") {
        o["backpressure"] = {{"ratio", k.backpressure->ratio},
                             {"vertex", k.backpressure->vertex},
                             {"window_seconds", k.backpressure->window_s}};
      }
      json cj = json::object();
      if (k.stats) {
        cj["completed"] = k.stats->completed;
        cj["failed"] = k.stats->failed;
        cj["in_progress"] = k.stats->in_progress;
        cj["restored"] = k.stats->restored;
        if (k.stats->latest_failed) {
          cj["last_failure"] = {
              {"id", k.stats->latest_failed->id},
              {"timestamp_ms", k.stats->latest_failed->failure_timestamp_ms},
              {"message", k.stats->latest_failed->failure_message}};
        }
        if (k.stats->latest_restored) {
          cj["last_restore"] = {
              {"id", k.stats->latest_restored->id},
              {"timestamp_ms", k.stats->latest_restored->restore_timestamp_ms},
              {"external_path", k.stats->latest_restored->external_path}};
        }
      }
      if (k.last_completed_ever) {
        cj["last_completed"] = {
            {"id", k.last_completed_ever->id},
            {"timestamp_ms", k.last_completed_ever->latest_ack_timestamp_ms},
            {"duration_ms", k.last_completed_ever->end_to_end_duration_ms},
            {"size_bytes", k.last_completed_ever->checkpointed_size_bytes}};
      }
      if (k.config) cj["interval_ms"] = k.config->interval_ms;
      if (k.num_restarts) cj["restarts"] = *k.num_restarts;
      cj["error"] = k.error;
      o["checkpoints"] = cj;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// The preferred JobManager's TaskManagers, and the lost ones newest first.
void TaskManagers(const ClusterState& c, json& cj) {
  json listed = json::array();
  json lost = json::array();
  if (const TaskManagerView* v = c.taskmanagers.get()) {
    for (const auto& tm : v->taskmanagers) {
      json t{{"id", tm.id},
             {"address", tm.address},
             {"slots", tm.slots_number},
             {"slots_available", tm.free_slots},
             {"last_heartbeat", nullptr},
             {"heartbeat_age_seconds", nullptr}};
      if (tm.last_heartbeat_ms > 0) {
        const TimePoint hb{std::chrono::milliseconds(tm.last_heartbeat_ms)};
        t["last_heartbeat"] = Rfc3339(hb);
        // Age at the poll that listed it: the exporter's own delay is not in
        // it.
        if (v->listed_at) {
          t["heartbeat_age_seconds"] =
              std::chrono::duration<double>(*v->listed_at - hb).count();
        }
      }
      listed.push_back(std::move(t));
    }
    for (auto it = v->lost.rbegin(); it != v->lost.rend(); ++it) {
      lost.push_back({{"id", it->id},
                      {"address", it->address},
                      {"last_seen", Rfc3339(it->last_seen)},
                      {"lost_at", Rfc3339(it->gone_at)},
                      {"counted_at", Rfc3339(it->counted_at)}});
    }
    cj["taskmanagers_from"] = v->jobmanager;
    cj["taskmanagers_listed_at"] = Time(v->listed_at);
    cj["taskmanagers_lost_total"] = v->lost_total;
  }
  cj["taskmanagers"] = std::move(listed);
  cj["lost_taskmanagers"] = std::move(lost);
}

}  // namespace

std::string Rfc3339(TimePoint t) { return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); }

json StatusJson(const Snapshot& snapshot) {
  json clusters = json::array();
  for (const auto& [name, c] : snapshot.clusters) {
    json cj{{"name", name},
            {"jobmanagers", JobManagers(c)},
            {"ha", Ha(c)},
            {"jobs", Jobs(c)}};
    if (const JobManagerObservation* jm = PreferredJobManager(c)) {
      cj["taskmanagers_registered"] = jm->overview->taskmanagers;
      cj["task_slots"] = jm->overview->slots_total;
      cj["task_slots_available"] = jm->overview->slots_available;
    }
    TaskManagers(c, cj);
    if (c.checkpoint_poll && c.checkpoint_poll->failures) {
      cj["job_failures_by_class"] = c.checkpoint_poll->failures->by_class;
    }
    if (c.zookeeper) {
      cj["zookeeper"] = {
          {"connected", c.zookeeper->connected},
          {"session_state", SessionStateName(c.zookeeper->session_state)},
          {"layout",
           c.zookeeper->layout ? LayoutName(*c.zookeeper->layout) : ""},
          {"error", c.zookeeper->error}};
    }
    json servers = json::array();
    for (const auto& [server, h] : c.zookeeper_servers) {
      if (!h) continue;
      servers.push_back({{"server", server},
                         {"up", h->up},
                         {"mode", h->mode},
                         {"command", h->command_used},
                         {"error", h->error}});
    }
    cj["zookeeper_servers"] = servers;
    json outputs = json::array();
    for (const auto& [path, o] : c.outputs) {
      if (!o) continue;
      outputs.push_back(
          {{"directory", path},
           {"readable", o->readable},
           {"finished_files", o->finished_files},
           {"in_progress_files", o->in_progress_files},
           {"bytes", o->bytes},
           {"last_file_timestamp_seconds", Opt(o->last_file_timestamp_seconds)},
           {"in_progress_last_write_timestamp_seconds",
            Opt(o->in_progress_last_write_timestamp_seconds)},
           {"rows_total", Opt(o->rows_total)},
           {"error", o->error}});
    }
    cj["outputs"] = outputs;
    cj["failovers"] = Failovers(c);
    json sources = json::object();
    for (const auto& [id, st] : c.sources) {
      sources[id] = {{"up", st.up},
                     {"reported", st.reported},
                     {"last_success", Time(st.last_success)},
                     {"errors_total", st.errors_total},
                     {"last_error", st.last_error}};
    }
    cj["sources"] = sources;
    clusters.push_back(std::move(cj));
  }
  return {
      {"started_at", Rfc3339(snapshot.started_at)},
      {"config_last_reload_successful", snapshot.config_last_reload_successful},
      {"clusters", clusters}};
}

}  // namespace flinkha
