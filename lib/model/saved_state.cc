// SavedState as JSON: every time in microseconds since the epoch, every
// collection cut to the bounds the live structures keep, so a hostile or old
// file cannot grow the exporter.
#include "model/saved_state.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace flinkha {
namespace {

using Json = nlohmann::json;
constexpr char kFormat[] = "flink-ha-exporter-state";
// Failure labels kept of a saved failure (Flink adds one per FailureEnricher
// key: a handful).
constexpr size_t kMaxFailureLabels = 16;

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             t.time_since_epoch())
      .count();
}

// A time before 1970 or beyond what the clock holds (year 2262 with
// nanoseconds) is a malformed file, not a signed overflow; thrown, so caught
// once in DecodeSavedState.
TimePoint FromMicros(int64_t us) {
  constexpr int64_t kMaxMicros =
      std::chrono::duration_cast<std::chrono::microseconds>(
          TimePoint::duration::max())
          .count();
  if (us < 0 || us > kMaxMicros) {
    throw std::out_of_range("time " + std::to_string(us) +
                            " us is out of range");
  }
  return TimePoint{} + std::chrono::duration_cast<TimePoint::duration>(
                           std::chrono::microseconds(us));
}

Json Opt(const std::optional<TimePoint>& t) {
  return t ? Json(Micros(*t)) : Json();
}

template <typename T>
Json OptValue(const std::optional<T>& v) {
  return v ? Json(*v) : Json();
}

// Reading: a missing or null optional field is nullopt; a wrong type throws
// (caught once in DecodeSavedState).

// json::get<integer>() casts a fractional or out-of-range number (undefined
// behaviour for 1e30): integers are read only from JSON integers that fit.
template <typename T>
T Get(const Json& v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!v.is_number_integer()) {
      throw std::invalid_argument("expected an integer, found " +
                                  std::string(v.type_name()));
    }
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (std::in_range<T>(u)) return static_cast<T>(u);
    } else {
      const int64_t i = v.get<int64_t>();
      if (std::in_range<T>(i)) return static_cast<T>(i);
    }
    throw std::out_of_range("integer " + v.dump() + " is out of range");
  } else {
    return v.get<T>();
  }
}

std::optional<TimePoint> OptTime(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return FromMicros(Get<int64_t>(*it));
}

TimePoint Time(const Json& j, const char* key) {
  return FromMicros(Get<int64_t>(j.at(key)));
}

template <typename T>
std::optional<T> OptGet(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return Get<T>(*it);
}

std::string Str(const Json& j, const char* key) {
  return OptGet<std::string>(j, key).value_or("");
}

// The newest `max` elements of a JSON array, in order.
template <typename T, typename F>
std::deque<T> Bounded(const Json& j, const char* key, size_t max, F read) {
  std::deque<T> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  const Json& a = *it;
  if (!a.is_array())
    throw std::invalid_argument(std::string(key) + ": not an array");
  const size_t skip = a.size() > max ? a.size() - max : 0;
  for (size_t i = skip; i < a.size(); ++i) out.push_back(read(a[i]));
  return out;
}

template <typename V, typename F>
std::map<std::string, V> BoundedMap(const Json& j, const char* key, size_t max,
                                    F read) {
  std::map<std::string, V> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object())
    throw std::invalid_argument(std::string(key) + ": not an object");
  for (const auto& [k, v] : it->items()) {
    if (out.size() >= max) break;
    out.emplace(k, read(v));
  }
  return out;
}

// ---- HA events and failover reports ----

Json EventJson(const HaEvent& e) {
  return {{"at", Micros(e.at)},
          {"kind", std::string(HaEventKindName(e.kind))},
          {"component", e.component},
          {"from", e.from},
          {"to", e.to},
          {"duration_seconds", e.duration_seconds},
          {"detail", e.detail}};
}

HaEvent ReadEvent(const Json& j) {
  HaEvent e;
  e.at = Time(j, "at");
  const std::string kind = j.at("kind").get<std::string>();
  auto k = ParseHaEventKind(kind);
  if (!k) throw std::invalid_argument("unknown event kind \"" + kind + "\"");
  e.kind = *k;
  e.component = Str(j, "component");
  e.from = Str(j, "from");
  e.to = Str(j, "to");
  e.duration_seconds = OptGet<double>(j, "duration_seconds").value_or(0);
  e.detail = Str(j, "detail");
  return e;
}

Json CheckpointJson(const CompletedCheckpoint& c) {
  return {{"id", c.id},
          {"trigger_timestamp_ms", c.trigger_timestamp_ms},
          {"latest_ack_timestamp_ms", c.latest_ack_timestamp_ms},
          {"end_to_end_duration_ms", c.end_to_end_duration_ms},
          {"checkpointed_size_bytes", c.checkpointed_size_bytes},
          {"state_size_bytes", c.state_size_bytes},
          {"external_path", c.external_path},
          {"is_savepoint", c.is_savepoint}};
}

CompletedCheckpoint ReadCheckpoint(const Json& j) {
  CompletedCheckpoint c;
  c.id = Get<int64_t>(j.at("id"));
  c.trigger_timestamp_ms =
      OptGet<int64_t>(j, "trigger_timestamp_ms").value_or(0);
  c.latest_ack_timestamp_ms = Get<int64_t>(j.at("latest_ack_timestamp_ms"));
  c.end_to_end_duration_ms =
      OptGet<int64_t>(j, "end_to_end_duration_ms").value_or(0);
  c.checkpointed_size_bytes =
      OptGet<int64_t>(j, "checkpointed_size_bytes").value_or(0);
  c.state_size_bytes = OptGet<int64_t>(j, "state_size_bytes").value_or(0);
  c.external_path = Str(j, "external_path");
  c.is_savepoint = OptGet<bool>(j, "is_savepoint").value_or(false);
  return c;
}

Json ExceptionJson(const JobException& e) {
  return {{"timestamp_ms", e.timestamp_ms},
          {"exception_class", e.exception_class},
          {"message", e.message},
          {"task", e.task},
          {"endpoint", e.endpoint},
          {"taskmanager_id", e.taskmanager_id},
          {"labels", e.labels},
          {"concurrent", e.concurrent}};
}

JobException ReadException(const Json& j) {
  JobException e;
  e.timestamp_ms = j.at("timestamp_ms").get<int64_t>();
  e.exception_class = Str(j, "exception_class");
  e.message = Str(j, "message");
  e.task = Str(j, "task");
  e.endpoint = Str(j, "endpoint");
  e.taskmanager_id = Str(j, "taskmanager_id");
  e.labels = BoundedMap<std::string>(
      j, "labels", kMaxFailureLabels,
      [](const Json& v) { return v.get<std::string>(); });
  e.concurrent = OptGet<int>(j, "concurrent").value_or(0);
  return e;
}

Json ReportJson(const FailoverReport& r) {
  Json before = Json::object();
  for (const auto& [job, c] : r.checkpoints_before)
    before[job] = CheckpointJson(c);
  return {{"seen_by", r.seen_by},
          {"lost_jobmanager", r.lost_jobmanager},
          {"cause", LossCauseName(r.cause)},
          {"lost_at", Micros(r.lost_at)},
          {"last_good", Opt(r.last_good)},
          {"zookeeper_lost_at", Opt(r.zookeeper_lost_at)},
          {"leader_at", Opt(r.leader_at)},
          {"new_jobmanager", r.new_jobmanager},
          {"job_running_at", Opt(r.job_running_at)},
          {"restored_checkpoint_id", OptValue(r.restored_checkpoint_id)},
          {"restored_checkpoint_age_seconds",
           OptValue(r.restored_checkpoint_age_seconds)},
          {"checkpoint_at", Opt(r.checkpoint_at)},
          {"checkpoint_id", OptValue(r.checkpoint_id)},
          {"output_at", Opt(r.output_at)},
          {"checkpoints_before", before},
          {"failure", r.failure ? ExceptionJson(*r.failure) : Json()},
          {"failure_job_id", r.failure_job_id}};
}

FailoverReport ReadReport(const Json& j) {
  FailoverReport r;
  r.seen_by = Str(j, "seen_by");
  r.lost_jobmanager = Str(j, "lost_jobmanager");
  r.cause = ParseLossCause(Str(j, "cause")).value_or(LossCause::kUnknown);
  r.lost_at = Time(j, "lost_at");
  r.last_good = OptTime(j, "last_good");
  r.zookeeper_lost_at = OptTime(j, "zookeeper_lost_at");
  r.leader_at = OptTime(j, "leader_at");
  r.new_jobmanager = Str(j, "new_jobmanager");
  r.job_running_at = OptTime(j, "job_running_at");
  r.restored_checkpoint_id = OptGet<int64_t>(j, "restored_checkpoint_id");
  r.restored_checkpoint_age_seconds =
      OptGet<double>(j, "restored_checkpoint_age_seconds");
  r.checkpoint_at = OptTime(j, "checkpoint_at");
  r.checkpoint_id = OptGet<int64_t>(j, "checkpoint_id");
  r.output_at = OptTime(j, "output_at");
  r.checkpoints_before = BoundedMap<CompletedCheckpoint>(
      j, "checkpoints_before", kHistoryMaxJobs, ReadCheckpoint);
  if (auto f = j.find("failure"); f != j.end() && !f->is_null()) {
    r.failure = ReadException(*f);
    r.failure_job_id = Str(j, "failure_job_id");
  }
  return r;
}

Json FailoverJson(const FailoverState& f) {
  Json reports = Json::array(), events = Json::array();
  for (const auto& r : f.reports) reports.push_back(ReportJson(r));
  for (const auto& e : f.events) events.push_back(EventJson(e));
  return {{"reports", reports},
          {"events", events},
          {"failovers_total", f.failovers_total},
          {"leaderless_seconds_total", f.leaderless_seconds_total},
          {"leaderless_closed_seconds", f.leaderless_closed_seconds},
          {"last_loss_at", Opt(f.last_loss_at)}};
}

FailoverState ReadFailover(const Json& j) {
  FailoverState f;
  f.reports =
      Bounded<FailoverReport>(j, "reports", kMaxFailoverReports, ReadReport);
  f.events = Bounded<HaEvent>(j, "events", kMaxFailoverEvents, ReadEvent);
  f.failovers_total = OptGet<uint64_t>(j, "failovers_total").value_or(0);
  f.leaderless_seconds_total =
      OptGet<double>(j, "leaderless_seconds_total").value_or(0);
  f.leaderless_closed_seconds =
      OptGet<double>(j, "leaderless_closed_seconds").value_or(0);
  f.last_loss_at = OptTime(j, "last_loss_at");
  return f;
}

// ---- history ----

Json StatesJson(const StateSeries& s) {
  Json a = Json::array();
  for (const auto& span : s.spans())
    a.push_back({Micros(span.from), Micros(span.to), span.value});
  return a;
}

StateSeries ReadStates(const Json& j, const char* key) {
  StateSeries s;
  s.Assign(Bounded<HistorySpan>(j, key, kHistoryMaxSpans, [](const Json& e) {
    return HistorySpan{FromMicros(Get<int64_t>(e.at(0))),
                       FromMicros(Get<int64_t>(e.at(1))),
                       e.at(2).get<std::string>().substr(0, kHistoryMaxLabel)};
  }));
  return s;
}

Json PointsJson(const PointSeries& s) {
  Json a = Json::array();
  for (const auto& p : s.points()) a.push_back({Micros(p.at), p.value});
  return a;
}

PointSeries ReadPoints(const Json& j, const char* key) {
  PointSeries s;
  s.Assign(Bounded<HistoryPoint>(j, key, kHistoryMaxPoints, [](const Json& e) {
    // JSON has no NaN: an unknown value is written as null.
    return HistoryPoint{
        FromMicros(Get<int64_t>(e.at(0))),
        e.at(1).is_null() ? std::nan("") : e.at(1).get<double>()};
  }));
  return s;
}

Json MarkJson(const FailoverMark& m) {
  return {{"lost_at", Micros(m.lost_at)},
          {"leader_at", Opt(m.leader_at)},
          {"job_running_at", Opt(m.job_running_at)},
          {"checkpoint_at", Opt(m.checkpoint_at)},
          {"output_at", Opt(m.output_at)},
          {"lost_jobmanager", m.lost_jobmanager},
          {"new_jobmanager", m.new_jobmanager},
          {"cause", m.cause}};
}

FailoverMark ReadMark(const Json& j) {
  FailoverMark m;
  m.lost_at = Time(j, "lost_at");
  m.leader_at = OptTime(j, "leader_at");
  m.job_running_at = OptTime(j, "job_running_at");
  m.checkpoint_at = OptTime(j, "checkpoint_at");
  m.output_at = OptTime(j, "output_at");
  m.lost_jobmanager = Str(j, "lost_jobmanager");
  m.new_jobmanager = Str(j, "new_jobmanager");
  m.cause = Str(j, "cause");
  return m;
}

Json ClusterHistoryJson(const ClusterHistory& c) {
  Json failovers = Json::array(), lost = Json::array();
  for (const auto& m : c.failovers) failovers.push_back(MarkJson(m));
  for (const auto& l : c.lost_taskmanagers)
    lost.push_back({Micros(l.at), l.address});
  Json jobs = Json::object(), outputs = Json::object(),
       servers = Json::object(), sources = Json::object();
  for (const auto& [id, j] : c.jobs) {
    jobs[id] = {{"name", j.name},
                {"state", StatesJson(j.state)},
                {"checkpoints_completed", PointsJson(j.checkpoints_completed)},
                {"checkpoints_failed", PointsJson(j.checkpoints_failed)},
                {"restarts", PointsJson(j.restarts)},
                {"last_seen", Micros(j.last_seen)}};
  }
  for (const auto& [path, o] : c.outputs) {
    outputs[path] = {{"files_committed", PointsJson(o.files_committed)},
                     {"in_progress", PointsJson(o.in_progress)},
                     {"last_seen", Micros(o.last_seen)}};
  }
  for (const auto& [s, v] : c.zookeeper_servers) servers[s] = StatesJson(v);
  for (const auto& [s, v] : c.sources) sources[s] = StatesJson(v);
  return {{"leader", StatesJson(c.leader)},
          {"standby", StatesJson(c.standby)},
          {"failovers", failovers},
          {"taskmanagers", PointsJson(c.taskmanagers)},
          {"slots_total", PointsJson(c.slots_total)},
          {"slots_available", PointsJson(c.slots_available)},
          {"lost_taskmanagers", lost},
          {"jobs", jobs},
          {"jobs_not_tracked", c.jobs_not_tracked},
          {"outputs", outputs},
          {"zookeeper_session", StatesJson(c.zookeeper_session)},
          {"zookeeper_servers", servers},
          {"sources", sources},
          {"last_seen", Micros(c.last_seen)}};
}

ClusterHistory ReadClusterHistory(const Json& j) {
  ClusterHistory c;
  c.leader = ReadStates(j, "leader");
  c.standby = ReadStates(j, "standby");
  c.failovers =
      Bounded<FailoverMark>(j, "failovers", kHistoryMaxMarks, ReadMark);
  c.taskmanagers = ReadPoints(j, "taskmanagers");
  c.slots_total = ReadPoints(j, "slots_total");
  c.slots_available = ReadPoints(j, "slots_available");
  c.lost_taskmanagers = Bounded<LostTaskManagerMark>(
      j, "lost_taskmanagers", kHistoryMaxMarks, [](const Json& e) {
        return LostTaskManagerMark{FromMicros(Get<int64_t>(e.at(0))),
                                   e.at(1).get<std::string>()};
      });
  c.jobs =
      BoundedMap<JobHistory>(j, "jobs", kHistoryMaxJobs, [](const Json& e) {
        JobHistory h;
        h.name = Str(e, "name");
        h.state = ReadStates(e, "state");
        h.checkpoints_completed = ReadPoints(e, "checkpoints_completed");
        h.checkpoints_failed = ReadPoints(e, "checkpoints_failed");
        h.restarts = ReadPoints(e, "restarts");
        h.last_seen = Time(e, "last_seen");
        return h;
      });
  c.jobs_not_tracked = OptGet<uint64_t>(j, "jobs_not_tracked").value_or(0);
  c.outputs = BoundedMap<OutputHistory>(
      j, "outputs", kHistoryMaxOutputs, [](const Json& e) {
        OutputHistory o;
        o.files_committed = ReadPoints(e, "files_committed");
        o.in_progress = ReadPoints(e, "in_progress");
        o.last_seen = Time(e, "last_seen");
        return o;
      });
  c.zookeeper_session = ReadStates(j, "zookeeper_session");
  auto states_map = [&](const char* key, size_t max) {
    std::map<std::string, StateSeries> out;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return out;
    for (const auto& [k, v] : it->items()) {
      if (out.size() >= max) break;
      Json wrapper = {{"s", v}};
      out.emplace(k, ReadStates(wrapper, "s"));
    }
    return out;
  };
  c.zookeeper_servers = states_map("zookeeper_servers", kHistoryMaxZkServers);
  c.sources = states_map("sources", kHistoryMaxSources);
  c.last_seen = Time(j, "last_seen");
  return c;
}

Json HistoryJson(const HistoryData& h) {
  Json clusters = Json::object();
  for (const auto& [name, c] : h.clusters)
    clusters[name] = ClusterHistoryJson(c);
  return {{"first_sample", Opt(h.first_sample)},
          {"last_sample", Opt(h.last_sample)},
          {"samples_total", h.samples_total},
          {"clock_steps_total", h.clock_steps_total},
          {"clusters", clusters},
          {"clusters_not_tracked", h.clusters_not_tracked}};
}

HistoryData ReadHistory(const Json& j) {
  HistoryData h;
  h.first_sample = OptTime(j, "first_sample");
  h.last_sample = OptTime(j, "last_sample");
  h.samples_total = OptGet<uint64_t>(j, "samples_total").value_or(0);
  h.clock_steps_total = OptGet<uint64_t>(j, "clock_steps_total").value_or(0);
  h.clusters = BoundedMap<ClusterHistory>(j, "clusters", kHistoryMaxClusters,
                                          ReadClusterHistory);
  h.clusters_not_tracked =
      OptGet<uint64_t>(j, "clusters_not_tracked").value_or(0);
  return h;
}

bool SameEvent(const HaEvent& a, const HaEvent& b) {
  return a.at == b.at && a.kind == b.kind && a.component == b.component &&
         a.from == b.from && a.to == b.to;
}

}  // namespace

std::string EncodeSavedState(const SavedState& state) {
  Json clusters = Json::object();
  for (const auto& [name, c] : state.clusters) {
    Json ha = Json::array();
    for (const auto& e : c.ha_events) ha.push_back(EventJson(e));
    clusters[name] = {{"failover", FailoverJson(c.failover)},
                      {"ha_events", ha}};
  }
  Json j = {{"format", kFormat},
            {"version", kSavedStateVersion},
            {"saved_at", Micros(state.saved_at)},
            {"clusters", clusters},
            {"history", HistoryJson(state.history)}};
  return j.dump();
}

Result<SavedState> DecodeSavedState(std::string_view text) {
  if (text.size() > kSavedStateMaxBytes) {
    return Error{"larger than " + std::to_string(kSavedStateMaxBytes) +
                 " bytes"};
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"not JSON"};
  // Not j.value("format", ""): it throws when "format" is not a string.
  const auto format = j.find("format");  // end() unless an object has it
  if (format == j.end() || !format->is_string() || *format != kFormat) {
    return Error{"not a flink-ha-exporter state file"};
  }
  try {
    const int version = Get<int>(j.at("version"));
    if (version != kSavedStateVersion) {
      return Error{"state file version " + std::to_string(version) +
                   ", this exporter reads version " +
                   std::to_string(kSavedStateVersion)};
    }
    SavedState s;
    s.saved_at = Time(j, "saved_at");
    s.clusters = BoundedMap<SavedCluster>(
        j, "clusters", kHistoryMaxClusters, [](const Json& c) {
          SavedCluster sc;
          sc.failover = ReadFailover(c.at("failover"));
          sc.ha_events =
              Bounded<HaEvent>(c, "ha_events", kMaxFailoverEvents, ReadEvent);
          return sc;
        });
    // The failover record matters more than the picture: a history that
    // cannot be read costs only itself.
    if (auto it = j.find("history"); it != j.end() && !it->is_null()) {
      try {
        s.history = ReadHistory(*it);
      } catch (const std::exception& e) {
        s.history_error = std::string("history: ") + e.what();
      }
    }
    return s;
  } catch (const std::exception& e) {
    return Error{std::string("malformed: ") + e.what()};
  }
}

FailoverState ResumeFailoverState(const SavedCluster& saved, TimePoint saved_at,
                                  TimePoint now) {
  FailoverState f = saved.failover;
  // The old process's ZooKeeper session and polls are gone: the new one
  // counts its own.
  f.ha_failovers_seen = 0;
  f.rest_had_leader = false;
  f.rest_outage_since.reset();
  for (const auto& e : saved.ha_events) {
    bool known = false;
    for (const auto& have : f.events) known |= SameEvent(have, e);
    if (!known) f.events.push_back(e);
  }
  std::stable_sort(
      f.events.begin(), f.events.end(),
      [](const HaEvent& a, const HaEvent& b) { return a.at < b.at; });
  HaEvent restarted;
  restarted.at = now;
  restarted.kind = HaEventKind::kExporterRestarted;
  restarted.duration_seconds =
      std::max(0.0, std::chrono::duration<double>(now - saved_at).count());
  restarted.detail =
      "state restored; saved " +
      std::to_string(static_cast<int64_t>(restarted.duration_seconds)) +
      " s before this start";
  f.events.push_back(restarted);
  while (f.events.size() > kMaxFailoverEvents) f.events.pop_front();
  return f;
}

}  // namespace flinkha
