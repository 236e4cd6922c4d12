// HA analysis over ZooKeeper observations; see the header for the semantics.
#include "model/ha_analysis.h"

#include <set>
#include <sstream>

#include "config/address.h"
#include "model/state.h"

namespace flinkha {
namespace {

double Seconds(TimePoint from, TimePoint to) {
  const double s = std::chrono::duration<double>(to - from).count();
  return s > 0 ? s : 0;
}

// HaEvent with only the named fields set (designated initializers would warn
// under -Wextra).
struct Ev {
  HaEvent e;
  Ev& kind(HaEventKind v) {
    e.kind = v;
    return *this;
  }
  Ev& component(std::string v) {
    e.component = std::move(v);
    return *this;
  }
  Ev& from(std::string v) {
    e.from = std::move(v);
    return *this;
  }
  Ev& to(std::string v) {
    e.to = std::move(v);
    return *this;
  }
  Ev& duration(double v) {
    e.duration_seconds = v;
    return *this;
  }
  Ev& detail(std::string v) {
    e.detail = std::move(v);
    return *this;
  }
  Ev& at(TimePoint v) {  // default: the observation's time
    when = v;
    return *this;
  }
  std::optional<TimePoint> when;
};

// One observation folded into the state, phase by phase in ApplyObservation's
// order (each phase reads what the earlier ones wrote). Lives for one call.
class Fold {
 public:
  Fold(HaState& state, const ZkObservation& obs, const ClusterConfig& config,
       TimePoint now, std::vector<HaEvent>* new_events,
       const HaOptions& options)
      : state_(state),
        obs_(obs),
        config_(config),
        now_(now),
        new_events_(new_events),
        options_(options),
        // With the shared latch (1.15+) one leader session leads every
        // component.
        shared_latch_(obs.layout == ZkLayout::k1_15 ||
                      obs.layout == ZkLayout::k1_19) {
    // The dispatcher's and resource manager's RPC addresses carry an RPC port
    // that matches no configured JobManager when several share a host; with
    // the shared latch they share the REST leader's session id, which names
    // them.
    if (auto rs = obs.components.find("rest_server");
        shared_latch_ && rs != obs.components.end() && rs->second) {
      rest_session_ = rs->second->session_id;
      rest_jobmanager_ = MatchJobManager(config, rs->second->address);
      // Remembered, so a leader that is gone is still named by its session.
      if (!rest_jobmanager_.empty()) {
        auto& known = state_.jobmanager_by_session;
        std::erase_if(
            known, [&](const auto& kv) { return kv.first == rest_session_; });
        known.emplace_back(rest_session_, rest_jobmanager_);
        while (known.size() > kSessionsRemembered) known.pop_front();
      }
    }
  }

  // Leaderless time since the previous observation (the state then held until
  // now).
  void CountLeaderlessTime() {
    if (!state_.session_down && state_.leaderless_since && state_.last_update) {
      state_.leaderless_seconds_total += Seconds(*state_.last_update, now_);
    }
    state_.last_update = now_;
  }

  // Our session is down: leaders are unknown and nothing is inferred.
  void SessionDown() {
    if (!state_.session_down) {
      state_.session_down = true;
      Emit(Ev().kind(HaEventKind::kZookeeperSessionLost)
               .detail(std::string(SessionStateName(obs_.session_state)) +
                       (obs_.error.empty() ? "" : ": " + obs_.error)));
      if (state_.failover_started) state_.failover_duration_unknown = true;
    }
    for (auto& [name, cl] : state_.components) {
      cl.known = false;
      cl.leader = {};
      cl.jobmanager.clear();
      cl.since.reset();
    }
    state_.leaderless_since.reset();
    state_.contenders.clear();
    state_.split_since.reset();
  }

  // Our session is up (again).
  void SessionUp() {
    if (state_.session_down) {
      reconnected_ = true;
      state_.session_down = false;
      Emit(Ev().kind(HaEventKind::kZookeeperSessionRestored));
    }
  }

  // Per component: elections, losses, replacements.
  void Components() {
    for (const auto& [name, leader] : obs_.components) {
      const bool observed_before = state_.components.count(name) > 0;
      ComponentLeadership& cl = state_.components[name];
      const LeaderInfo* last_seen = nullptr;
      if (auto it = state_.last_seen.find(name); it != state_.last_seen.end()) {
        last_seen = &it->second;
        seen_before_[name] = it->second;
      }
      if (leader) {
        const bool is_new = !last_seen || !(*last_seen == *leader);
        if (is_new && observed_before) {
          ++cl.changes_total;
          cl.last_change = now_;
          Emit(Ev().kind(last_seen ? HaEventKind::kLeaderChanged
                                   : HaEventKind::kLeaderElected)
                   .component(name)
                   .from(last_seen ? Who(*last_seen) : "")
                   .to(Who(*leader))
                   .detail(reconnected_ ? kOutageNote : ""));
          if (last_seen) replaced_or_lost_ = true;
        }
        cl.known = true;
        cl.leader = *leader;
        cl.jobmanager = Match(*leader);
        auto written = obs_.leader_written.find(name);
        cl.since = written != obs_.leader_written.end()
                       ? std::optional<TimePoint>(written->second)
                       : std::nullopt;
        state_.last_seen[name] = *leader;
      } else {
        if (cl.known || (reconnected_ && last_seen)) {
          Emit(Ev().kind(HaEventKind::kLeaderLost)
                   .component(name)
                   .from(Who(*last_seen))
                   .detail(cl.known ? "" : kOutageNote));
          replaced_or_lost_ = true;
        }
        cl.known = false;
        cl.leader = {};
        cl.jobmanager.clear();
        cl.since.reset();
      }
    }
  }

  // Failover episode: from the first loss/replacement until every component
  // leads again.
  void FailoverEpisode() {
    if (!state_.failover_started && replaced_or_lost_) {
      state_.failover_started = now_;
      state_.failover_from = seen_before_;
      state_.failover_duration_unknown = reconnected_;
    }
    // With the shared latch the failover ends once the new leader has written
    // every component, not at its first node.
    if (state_.failover_started) {
      bool all_back = true;
      std::set<std::string> sessions;
      for (const auto& [name, leader] : obs_.components) {
        if (leader) sessions.insert(leader->session_id);
      }
      if (shared_latch_ && sessions.size() > 1) all_back = false;
      bool changed = false;
      for (const auto& [name, from] : state_.failover_from) {
        auto it = obs_.components.find(name);
        if (it == obs_.components.end() || !it->second) {
          all_back = false;
        } else if (!(*it->second == from)) {
          changed = true;
        }
      }
      if (all_back) {
        const TimePoint ended = Ended();
        const double duration = Seconds(*state_.failover_started, ended);
        auto pick = [](const auto& m) {
          auto it = m.find("rest_server");
          return it != m.end() ? it : m.begin();
        };
        auto from_it = pick(state_.failover_from);
        std::string from =
            from_it != state_.failover_from.end() ? Who(from_it->second) : "";
        std::string to;
        if (auto to_it = pick(obs_.components);
            to_it != obs_.components.end() && to_it->second) {
          to = Who(*to_it->second);
        }
        if (changed) {
          ++state_.failovers_total;
          if (!state_.failover_duration_unknown)
            state_.last_failover_duration_seconds = duration;
          // A failover to the same JobManager (Flink revoked its leadership
          // and granted it again, as it does on a ZooKeeper leader election)
          // reads like a typo as "jm-1 -> jm-1" without a word of why.
          std::vector<std::string> notes;
          if (!from.empty() && from == to) notes.push_back(kSameLeaderNote);
          if (state_.failover_duration_unknown) notes.push_back(kUnknownNote);
          std::string detail;
          for (const auto& n : notes)
            detail += (detail.empty() ? "" : "; ") + n;
          Emit(Ev().kind(HaEventKind::kLeadersReplaced)
                   .at(ended)
                   .from(from)
                   .to(to)
                   .duration(state_.failover_duration_unknown ? 0 : duration)
                   .detail(detail));
          state_.recent_failovers.push_back(now_);
        } else {
          Emit(Ev().kind(HaEventKind::kLeaderRecovered)
                   .at(ended)
                   .from(from)
                   .to(to)
                   .duration(duration)
                   .detail("the same leaders returned; not a failover"));
        }
        state_.failover_started.reset();
        state_.failover_from.clear();
        state_.failover_duration_unknown = false;
      }
    }
  }

  // When the leaders were all back: the last of their znode writes as
  // ZooKeeper dated them (Flink writes them about 0.1 s after its grant; our
  // watch may see them later on a loaded host), if that lies within the
  // episode on our clock; else this observation.
  TimePoint Ended() const {
    std::optional<TimePoint> last;
    for (const auto& [name, leader] : obs_.components) {
      auto it = obs_.leader_written.find(name);
      if (it == obs_.leader_written.end()) return now_;
      if (!last || it->second > *last) last = it->second;
    }
    if (!last || *last < *state_.failover_started || *last > now_) return now_;
    return *last;
  }

  // Leaderless time starts now when any component has no leader.
  void Leaderless() {
    bool leaderless = false;
    for (const auto& [name, leader] : obs_.components)
      leaderless |= !leader.has_value();
    if (!leaderless) {
      state_.leaderless_since.reset();
    } else if (!state_.leaderless_since) {
      state_.leaderless_since = now_;
    }
  }

  // Split brain: components led by different processes at once. With the shared
  // latch (Flink 1.15+) one leader session covers every component, so sessions
  // are compared. With a latch per component, configured JobManagers are
  // compared when every leader matched one; otherwise hosts, never a mix of the
  // two (an RPC address often matches no JobManager while the REST address
  // does).
  void SplitBrain() {
    bool all_matched = true;
    for (const auto& [name, cl] : state_.components) {
      if (cl.known && cl.jobmanager.empty()) all_matched = false;
    }
    std::set<std::string> leaders;
    std::ostringstream who_leads;
    for (const auto& [name, cl] : state_.components) {
      if (!cl.known) continue;
      // Who leads: a session (shared latch), a configured JobManager, else a
      // host (an RPC and a REST address of one process share only the host).
      std::string key = shared_latch_ ? cl.leader.session_id
                        : all_matched ? cl.jobmanager
                                      : AddressHostPort(cl.leader.address).host;
      leaders.insert(key);
      who_leads << (who_leads.tellp() > 0 ? " " : "") << name << "="
                << Who(cl.leader);
    }
    if (leaders.size() > 1) {
      if (!state_.split_since) state_.split_since = now_;
      if (!state_.split_brain &&
          now_ - *state_.split_since >= options_.split_brain_grace) {
        state_.split_brain = true;
        Emit(Ev().kind(HaEventKind::kSplitBrain).detail(who_leads.str()));
      }
    } else {
      state_.split_since.reset();
      if (state_.split_brain) {
        state_.split_brain = false;
        Emit(Ev().kind(HaEventKind::kSplitBrainResolved)
                 .detail(who_leads.str()));
      }
    }
  }

  // Flapping: many failovers within the window, reported once per episode.
  void Flapping() {
    while (!state_.recent_failovers.empty() &&
           now_ - state_.recent_failovers.front() > options_.flapping_window) {
      state_.recent_failovers.pop_front();
    }
    const bool flapping = static_cast<int>(state_.recent_failovers.size()) >=
                          options_.flapping_failovers;
    if (flapping && !state_.flapping) {
      Emit(Ev().kind(HaEventKind::kFlapping)
               .detail(std::to_string(state_.recent_failovers.size()) +
                       " failovers within " +
                       std::to_string(
                           std::chrono::duration_cast<std::chrono::seconds>(
                               options_.flapping_window)
                               .count()) +
                       " s"));
    }
    state_.flapping = flapping;
  }

 private:
  static constexpr size_t kSessionsRemembered = 16;
  static constexpr const char* kOutageNote =
      "while the exporter's zookeeper session was down";
  static constexpr const char* kUnknownNote =
      "duration unknown: it overlapped a loss of the exporter's zookeeper "
      "session";
  static constexpr const char* kSameLeaderNote =
      "the same JobManager under a new leader session: Flink revoked its "
      "leadership and granted it again";

  std::string Match(const LeaderInfo& l) const {
    std::string jm = MatchJobManager(config_, l.address);
    if (jm.empty() && shared_latch_ && !l.session_id.empty()) {
      for (const auto& [session, name] : state_.jobmanager_by_session) {
        if (session == l.session_id) jm = name;
      }
    }
    return jm;
  }
  std::string Who(const LeaderInfo& l) const {
    std::string jm = Match(l);
    return jm.empty() ? l.address : jm;
  }
  void Emit(Ev& ev) {
    HaEvent e = std::move(ev.e);
    e.at = ev.when.value_or(now_);
    state_.events.push_back(e);
    while (state_.events.size() > options_.max_events)
      state_.events.pop_front();
    if (new_events_) new_events_->push_back(std::move(e));
  }

  HaState& state_;
  const ZkObservation& obs_;
  const ClusterConfig& config_;
  const TimePoint now_;
  std::vector<HaEvent>* const new_events_;
  const HaOptions& options_;
  const bool shared_latch_;
  std::string rest_session_, rest_jobmanager_;
  bool reconnected_ = false;       // the session came back with this one
  bool replaced_or_lost_ = false;  // a seen leader was lost or replaced
  std::map<std::string, LeaderInfo> seen_before_;  // last leaders seen
};

}  // namespace

HaState ApplyObservation(HaState state, const ZkObservation& obs,
                         const ClusterConfig& config, TimePoint now,
                         std::vector<HaEvent>* new_events,
                         const HaOptions& options) {
  Fold fold(state, obs, config, now, new_events, options);
  fold.CountLeaderlessTime();
  if (!obs.connected) {
    fold.SessionDown();
    return state;
  }
  fold.SessionUp();
  fold.Components();
  fold.FailoverEpisode();
  fold.Leaderless();
  state.contenders = obs.contenders;
  fold.SplitBrain();
  fold.Flapping();
  return state;
}

}  // namespace flinkha
