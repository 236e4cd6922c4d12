// History: sampling snapshots into bounded, time-ordered series.
#include "model/history.h"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace flinkha {
namespace {

std::string Label(const std::string& s) {
  return s.size() <= kHistoryMaxLabel ? s : s.substr(0, kHistoryMaxLabel);
}

// Makes room in a bounded map for `key`: true when it is (or now may be)
// tracked. A full map gives up the entry not seen at `now` that was seen
// longest ago.
template <typename Map>
bool Admit(Map& map, const std::string& key, size_t cap, TimePoint now) {
  if (map.count(key) || map.size() < cap) return true;
  auto oldest = map.end();
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->second.last_seen >= now) continue;
    if (oldest == map.end() || it->second.last_seen < oldest->second.last_seen)
      oldest = it;
  }
  if (oldest == map.end()) return false;
  map.erase(oldest);
  return true;
}

template <typename T>
void PushBounded(std::deque<T>& d, T value, size_t cap) {
  d.push_back(std::move(value));
  while (d.size() > cap) d.pop_front();
}

size_t StringBytes(const std::string& s) { return sizeof s + s.capacity(); }

void SampleJobs(ClusterHistory& h, const ClusterState& c, TimePoint now) {
  const JobManagerObservation* jm = PreferredJobManager(c);
  if (!jm || !jm->jobs) return;
  h.jobs_not_tracked = 0;
  for (const JobSummary& j : *jm->jobs) {
    if (!Admit(h.jobs, j.id, kHistoryMaxJobs, now)) {
      ++h.jobs_not_tracked;
      continue;
    }
    JobHistory& jh = h.jobs[Label(j.id)];
    jh.name = Label(j.name);
    jh.last_seen = now;
    jh.state.Record(j.state, now);
    auto cp = c.checkpoints.find(j.id);
    if (cp == c.checkpoints.end() || !cp->second) continue;
    const JobCheckpointObservation& o = *cp->second;
    if (o.stats) {
      jh.checkpoints_completed.Record(static_cast<double>(o.stats->completed),
                                      now);
      jh.checkpoints_failed.Record(static_cast<double>(o.stats->failed), now);
    }
    if (o.num_restarts)
      jh.restarts.Record(static_cast<double>(*o.num_restarts), now);
  }
}

void SampleFailovers(ClusterHistory& h, const ClusterState& c) {
  if (!c.failover) return;
  for (const FailoverReport& r : c.failover->reports) {
    auto it = std::find_if(h.failovers.begin(), h.failovers.end(),
                           [&](const FailoverMark& m) {
                             return m.lost_at == r.lost_at &&
                                    m.lost_jobmanager == r.lost_jobmanager;
                           });
    FailoverMark m;
    m.lost_at = r.lost_at;
    m.leader_at = r.leader_at;
    m.job_running_at = r.job_running_at;
    m.checkpoint_at = r.checkpoint_at;
    m.output_at = r.output_at;
    m.lost_jobmanager = Label(r.lost_jobmanager);
    m.new_jobmanager = Label(r.new_jobmanager);
    m.cause = LossCauseName(r.cause);
    if (it != h.failovers.end()) {
      *it = std::move(m);
      continue;
    }
    // Reports arrive oldest first; keep the marks sorted by loss time.
    auto pos = std::upper_bound(
        h.failovers.begin(), h.failovers.end(), m.lost_at,
        [](TimePoint t, const FailoverMark& x) { return t < x.lost_at; });
    h.failovers.insert(pos, std::move(m));
    while (h.failovers.size() > kHistoryMaxMarks) h.failovers.pop_front();
  }
}

void SampleTaskManagers(ClusterHistory& h, const ClusterState& c,
                        TimePoint now) {
  if (const JobManagerObservation* jm = PreferredJobManager(c);
      jm && jm->overview) {
    h.taskmanagers.Record(static_cast<double>(jm->overview->taskmanagers), now);
    h.slots_total.Record(static_cast<double>(jm->overview->slots_total), now);
    h.slots_available.Record(static_cast<double>(jm->overview->slots_available),
                             now);
  }
  if (!c.taskmanagers) return;
  for (const LostTaskManager& l : c.taskmanagers->lost) {
    const bool known =
        std::any_of(h.lost_taskmanagers.begin(), h.lost_taskmanagers.end(),
                    [&](const LostTaskManagerMark& m) {
                      return m.at == l.gone_at && m.address == Label(l.address);
                    });
    if (known) continue;
    LostTaskManagerMark m{l.gone_at,
                          Label(l.address.empty() ? l.id : l.address)};
    auto pos = std::upper_bound(
        h.lost_taskmanagers.begin(), h.lost_taskmanagers.end(), m.at,
        [](TimePoint t, const LostTaskManagerMark& x) { return t < x.at; });
    h.lost_taskmanagers.insert(pos, std::move(m));
    while (h.lost_taskmanagers.size() > kHistoryMaxMarks)
      h.lost_taskmanagers.pop_front();
  }
}

void SampleCluster(ClusterHistory& h, const ClusterState& c, TimePoint now) {
  h.last_seen = now;
  const std::string leader = ServingLeader(c);
  h.leader.Record(leader, now);
  bool standby = false;
  for (const auto& [name, o] : c.jobmanagers) {
    if (o && o->up && name != leader) standby = true;
  }
  h.standby.Record(standby ? "yes" : "no", now);
  SampleFailovers(h, c);
  SampleTaskManagers(h, c, now);
  SampleJobs(h, c, now);
  for (const auto& [path, o] : c.outputs) {
    if (!o || !Admit(h.outputs, path, kHistoryMaxOutputs, now)) continue;
    OutputHistory& oh = h.outputs[Label(path)];
    oh.last_seen = now;
    oh.files_committed.Record(static_cast<double>(o->files_created_total), now);
    oh.in_progress.Record(static_cast<double>(o->in_progress_files), now);
  }
  if (c.zookeeper)
    h.zookeeper_session.Record(
        std::string(SessionStateName(c.zookeeper->session_state)), now);
  for (const auto& [server, z] : c.zookeeper_servers) {
    if (!z) continue;
    if (!h.zookeeper_servers.count(server) &&
        h.zookeeper_servers.size() >= kHistoryMaxZkServers)
      continue;
    h.zookeeper_servers[Label(server)].Record(
        z->up ? (z->mode.empty() ? "up" : z->mode) : "down", now);
  }
  for (const auto& [id, st] : c.sources) {
    if (!h.sources.count(id) && h.sources.size() >= kHistoryMaxSources)
      continue;
    h.sources[Label(id)].Record(
        !st.reported ? "pending" : (st.up ? "up" : "down"), now);
  }
}

// Applies fn to every series of a cluster (H: ClusterHistory, const or not).
template <typename H, typename F>
void EachSeries(H& h, F&& fn) {
  fn(h.leader);
  fn(h.standby);
  fn(h.taskmanagers);
  fn(h.slots_total);
  fn(h.slots_available);
  for (auto& [id, j] : h.jobs) {
    fn(j.state);
    fn(j.checkpoints_completed);
    fn(j.checkpoints_failed);
    fn(j.restarts);
  }
  for (auto& [path, o] : h.outputs) {
    fn(o.files_committed);
    fn(o.in_progress);
  }
  fn(h.zookeeper_session);
  for (auto& [s, z] : h.zookeeper_servers) fn(z);
  for (auto& [s, z] : h.sources) fn(z);
}

template <typename Map>
void EraseEmpty(Map& m) {
  std::erase_if(m, [](const auto& kv) { return kv.second.spans().empty(); });
}

void Trim(HistoryData& d, TimePoint now) {
  const TimePoint horizon = now - kHistoryWindow;
  std::erase_if(d.clusters,
                [&](const auto& kv) { return kv.second.last_seen < horizon; });
  for (auto& [name, h] : d.clusters) {
    EachSeries(h, [&](auto& s) { s.Trim(horizon); });
    std::erase_if(
        h.jobs, [&](const auto& kv) { return kv.second.last_seen < horizon; });
    std::erase_if(h.outputs, [&](const auto& kv) {
      return kv.second.last_seen < horizon;
    });
    EraseEmpty(h.zookeeper_servers);
    EraseEmpty(h.sources);
    while (!h.failovers.empty() &&
           h.failovers.front().leader_at.value_or(now) < horizon)
      h.failovers.pop_front();
    while (!h.lost_taskmanagers.empty() &&
           h.lost_taskmanagers.front().at < horizon)
      h.lost_taskmanagers.pop_front();
  }
}

// The clock stepped back to `now`: what was recorded after it goes.
void TruncateAfter(HistoryData& d, TimePoint now) {
  for (auto& [name, h] : d.clusters) {
    EachSeries(h, [&](auto& s) { s.TruncateAfter(now); });
    std::erase_if(h.failovers,
                  [&](const FailoverMark& m) { return m.lost_at > now; });
    std::erase_if(h.lost_taskmanagers,
                  [&](const LostTaskManagerMark& m) { return m.at > now; });
    h.last_seen = std::min(h.last_seen, now);
    for (auto& [id, j] : h.jobs) j.last_seen = std::min(j.last_seen, now);
    for (auto& [p, o] : h.outputs) o.last_seen = std::min(o.last_seen, now);
  }
  if (d.first_sample && *d.first_sample > now) d.first_sample = now;
}

}  // namespace

void StateSeries::Record(const std::string& value, TimePoint now) {
  if (!spans_.empty() && spans_.back().value == value &&
      now >= spans_.back().to) {
    spans_.back().to = now;
    return;
  }
  PushBounded(spans_, HistorySpan{now, now, Label(value)}, kHistoryMaxSpans);
}

void StateSeries::Trim(TimePoint horizon) {
  while (!spans_.empty() && spans_.front().to < horizon) spans_.pop_front();
  // What is kept starts at the horizon at the earliest.
  if (!spans_.empty() && spans_.front().from < horizon)
    spans_.front().from = horizon;
}

void StateSeries::TruncateAfter(TimePoint now) {
  while (!spans_.empty() && spans_.back().from > now) spans_.pop_back();
  if (!spans_.empty() && spans_.back().to > now) spans_.back().to = now;
}

size_t StateSeries::ApproxBytes() const {
  size_t n = sizeof *this;
  for (const auto& s : spans_)
    n += sizeof s - sizeof s.value + StringBytes(s.value);
  return n;
}

void PointSeries::Record(double value, TimePoint now) {
  if (!points_.empty() && now >= points_.back().at &&
      now - points_.back().at < kHistoryPointInterval)
    return;
  PushBounded(points_, HistoryPoint{now, value}, kHistoryMaxPoints);
}

void PointSeries::Trim(TimePoint horizon) {
  while (!points_.empty() && points_.front().at < horizon) points_.pop_front();
}

void PointSeries::TruncateAfter(TimePoint now) {
  while (!points_.empty() && points_.back().at > now) points_.pop_back();
}

size_t PointSeries::ApproxBytes() const {
  return sizeof *this + points_.size() * sizeof(HistoryPoint);
}

void History::Sample(const Snapshot& snapshot, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  HistoryData& d = data_;
  if (d.last_sample && now < *d.last_sample) {
    ++d.clock_steps_total;
    TruncateAfter(d, now);
  }
  if (!d.first_sample) d.first_sample = now;
  d.last_sample = now;
  ++d.samples_total;
  d.clusters_not_tracked = 0;
  for (const auto& [name, c] : snapshot.clusters) {
    if (!Admit(d.clusters, name, kHistoryMaxClusters, now)) {
      ++d.clusters_not_tracked;
      continue;
    }
    SampleCluster(d.clusters[Label(name)], c, now);
  }
  Trim(d, now);
  if (d.first_sample && *d.first_sample < now - kHistoryWindow)
    d.first_sample = now - kHistoryWindow;
}

void History::Read(const std::function<void(const HistoryData&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  fn(data_);
}

void History::Restore(HistoryData data, TimePoint now) {
  // Saved after `now` (the clock went back while the exporter was down):
  // what lies ahead of the clock goes, as in Sample().
  if (data.last_sample && now < *data.last_sample) {
    ++data.clock_steps_total;
    TruncateAfter(data, now);
    data.last_sample = now;
  }
  // An empty span at the restart in every state series: none bridges the
  // time the exporter was not running.
  for (auto& [name, c] : data.clusters) {
    EachSeries(c, [&](auto& series) {
      if constexpr (std::is_same_v<std::decay_t<decltype(series)>,
                                   StateSeries>) {
        series.Record("", now);
      }
    });
  }
  std::lock_guard<std::mutex> lock(mu_);
  data_ = std::move(data);
}

HistoryData History::Copy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

size_t History::ApproxBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = sizeof data_;
  for (const auto& [name, h] : data_.clusters) {
    n += sizeof h + StringBytes(name);
    EachSeries(h, [&](const auto& s) { n += s.ApproxBytes(); });
    for (const auto& [id, j] : h.jobs)
      n += StringBytes(id) + StringBytes(j.name);
    for (const auto& [p, o] : h.outputs) n += StringBytes(p);
    for (const auto& [s, z] : h.zookeeper_servers) n += StringBytes(s);
    for (const auto& [s, z] : h.sources) n += StringBytes(s);
    for (const auto& m : h.failovers) {
      n += sizeof m + m.lost_jobmanager.capacity() +
           m.new_jobmanager.capacity() + m.cause.capacity();
    }
    for (const auto& m : h.lost_taskmanagers)
      n += sizeof m + m.address.capacity();
  }
  return n;
}

std::string ServingLeader(const ClusterState& c) {
  if (c.failover && c.failover->in_progress()) return "";
  if (c.config && (c.config->zookeeper || c.config->kubernetes)) {
    return c.facts.rest_leader.empty() ? c.facts.rest_leader_address
                                       : c.facts.rest_leader;
  }
  std::string name;
  if (PreferredJobManager(c, &name)) return name;
  return "";
}

}  // namespace flinkha
