// /api/v1/history: every series of the history, compact (arrays, epoch
// seconds), oldest first.
#include "http/history_json.h"

#include "http/status_json.h"

namespace flinkha {
namespace {

using nlohmann::json;

double Epoch(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

json Opt(const std::optional<TimePoint>& t) {
  return t ? json(Epoch(*t)) : json(nullptr);
}

json Spans(const StateSeries& s) {
  json out = json::array();
  for (const HistorySpan& x : s.spans())
    out.push_back(json::array({Epoch(x.from), Epoch(x.to), x.value}));
  return out;
}

json Points(const PointSeries& s) {
  json out = json::array();
  for (const HistoryPoint& p : s.points())
    out.push_back(json::array({Epoch(p.at), p.value}));
  return out;
}

template <typename Map>
json SpanMap(const Map& m) {
  json out = json::object();
  for (const auto& [k, s] : m) out[k] = Spans(s);
  return out;
}

json Cluster(const ClusterHistory& h) {
  json failovers = json::array();
  for (const FailoverMark& m : h.failovers) {
    failovers.push_back({{"lost_at", Epoch(m.lost_at)},
                         {"leader_at", Opt(m.leader_at)},
                         {"job_running_at", Opt(m.job_running_at)},
                         {"checkpoint_at", Opt(m.checkpoint_at)},
                         {"output_at", Opt(m.output_at)},
                         {"lost_jobmanager", m.lost_jobmanager},
                         {"new_jobmanager", m.new_jobmanager},
                         {"cause", m.cause}});
  }
  json lost = json::array();
  for (const LostTaskManagerMark& m : h.lost_taskmanagers)
    lost.push_back({{"at", Epoch(m.at)}, {"address", m.address}});
  json jobs = json::object();
  for (const auto& [id, j] : h.jobs) {
    jobs[id] = {{"name", j.name},
                {"state", Spans(j.state)},
                {"checkpoints_completed", Points(j.checkpoints_completed)},
                {"checkpoints_failed", Points(j.checkpoints_failed)},
                {"restarts", Points(j.restarts)}};
  }
  json outputs = json::object();
  for (const auto& [path, o] : h.outputs) {
    outputs[path] = {{"files_committed", Points(o.files_committed)},
                     {"in_progress_files", Points(o.in_progress)}};
  }
  return {{"leader", Spans(h.leader)},
          {"standby", Spans(h.standby)},
          {"failovers", failovers},
          {"taskmanagers", Points(h.taskmanagers)},
          {"task_slots", Points(h.slots_total)},
          {"task_slots_available", Points(h.slots_available)},
          {"taskmanagers_lost", lost},
          {"jobs", jobs},
          {"jobs_not_tracked", h.jobs_not_tracked},
          {"outputs", outputs},
          {"zookeeper_session", Spans(h.zookeeper_session)},
          {"zookeeper_servers", SpanMap(h.zookeeper_servers)},
          {"sources", SpanMap(h.sources)}};
}

}  // namespace

json HistoryJson(const HistoryData& d) {
  json clusters = json::object();
  for (const auto& [name, h] : d.clusters) clusters[name] = Cluster(h);
  return {
      {"window_seconds", std::chrono::duration<double>(kHistoryWindow).count()},
      {"point_interval_seconds",
       std::chrono::duration<double>(kHistoryPointInterval).count()},
      {"first_sample",
       d.first_sample ? json(Rfc3339(*d.first_sample)) : json(nullptr)},
      {"last_sample",
       d.last_sample ? json(Rfc3339(*d.last_sample)) : json(nullptr)},
      {"samples_total", d.samples_total},
      {"clock_steps_total", d.clock_steps_total},
      {"clusters_not_tracked", d.clusters_not_tracked},
      {"clusters", clusters}};
}

}  // namespace flinkha
