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
  Ev& kind(std::string v) {
    e.kind = std::move(v);
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
};

}  // namespace

HaState ApplyObservation(HaState state, const ZkObservation& obs,
                         const ClusterConfig& config, TimePoint now,
                         std::vector<HaEvent>* new_events,
                         const HaOptions& options) {
  // With the shared latch (1.15+) one leader session leads every component.
  const bool shared_latch = obs.layout == "1.15" || obs.layout == "1.19";
  // The dispatcher's and resource manager's RPC addresses carry an RPC port
  // that matches no configured JobManager when several share a host; with the
  // shared latch they share the REST leader's session id, which names them.
  std::string rest_session, rest_jobmanager;
  if (auto rs = obs.components.find("rest_server");
      shared_latch && rs != obs.components.end() && rs->second) {
    rest_session = rs->second->session_id;
    rest_jobmanager = MatchJobManager(config, rs->second->address);
  }
  auto match = [&](const LeaderInfo& l) {
    std::string jm = MatchJobManager(config, l.address);
    if (jm.empty() && !rest_session.empty() && l.session_id == rest_session)
      jm = rest_jobmanager;
    return jm;
  };
  auto who = [&](const LeaderInfo& l) {
    std::string jm = match(l);
    return jm.empty() ? l.address : jm;
  };
  auto emit = [&](Ev& ev) {
    HaEvent e = std::move(ev.e);
    e.at = now;
    state.events.push_back(e);
    while (state.events.size() > options.max_events) state.events.pop_front();
    if (new_events) new_events->push_back(std::move(e));
  };

  // Leaderless time since the previous observation (the state then held until
  // now).
  if (!state.session_down && state.leaderless_since && state.last_update) {
    state.leaderless_seconds_total += Seconds(*state.last_update, now);
  }
  state.last_update = now;

  if (!obs.connected) {
    if (!state.session_down) {
      state.session_down = true;
      emit(Ev().kind("zookeeper_session_lost")
               .detail(obs.session_state +
                       (obs.error.empty() ? "" : ": " + obs.error)));
      if (state.failover_started) state.failover_duration_unknown = true;
    }
    for (auto& [name, cl] : state.components) {
      cl.known = false;
      cl.leader = {};
      cl.jobmanager.clear();
    }
    state.leaderless_since.reset();
    state.contenders.clear();
    state.split_since.reset();
    return state;
  }
  const bool reconnected = state.session_down;
  if (reconnected) {
    state.session_down = false;
    emit(Ev().kind("zookeeper_session_restored"));
  }
  const char* outage_note = "while the exporter's zookeeper session was down";

  // Per component: elections, losses, replacements.
  std::map<std::string, LeaderInfo> seen_before;
  bool replaced_or_lost = false;
  for (const auto& [name, leader] : obs.components) {
    const bool observed_before = state.components.count(name) > 0;
    ComponentLeadership& cl = state.components[name];
    const LeaderInfo* last_seen = nullptr;
    if (auto it = state.last_seen.find(name); it != state.last_seen.end()) {
      last_seen = &it->second;
      seen_before[name] = it->second;
    }
    if (leader) {
      const bool is_new = !last_seen || !(*last_seen == *leader);
      if (is_new && observed_before) {
        ++cl.changes_total;
        cl.last_change = now;
        emit(Ev().kind(last_seen ? "leader_changed" : "leader_elected")
                 .component(name)
                 .from(last_seen ? who(*last_seen) : "")
                 .to(who(*leader))
                 .detail(reconnected ? outage_note : ""));
        if (last_seen) replaced_or_lost = true;
      }
      cl.known = true;
      cl.leader = *leader;
      cl.jobmanager = match(*leader);
      state.last_seen[name] = *leader;
    } else {
      if (cl.known || (reconnected && last_seen)) {
        emit(Ev().kind("leader_lost")
                 .component(name)
                 .from(who(*last_seen))
                 .detail(cl.known ? "" : outage_note));
        replaced_or_lost = true;
      }
      cl.known = false;
      cl.leader = {};
      cl.jobmanager.clear();
    }
  }

  // Failover episode: from the first loss/replacement until every component
  // leads again.
  if (!state.failover_started && replaced_or_lost) {
    state.failover_started = now;
    state.failover_from = seen_before;
    state.failover_duration_unknown = reconnected;
  }
  // With the shared latch the failover ends once the new leader has written
  // every component, not at its first node.
  if (state.failover_started) {
    bool all_back = true;
    std::set<std::string> sessions;
    for (const auto& [name, leader] : obs.components) {
      if (leader) sessions.insert(leader->session_id);
    }
    if (shared_latch && sessions.size() > 1) all_back = false;
    bool changed = false;
    for (const auto& [name, from] : state.failover_from) {
      auto it = obs.components.find(name);
      if (it == obs.components.end() || !it->second) {
        all_back = false;
      } else if (!(*it->second == from)) {
        changed = true;
      }
    }
    if (all_back) {
      const double duration = Seconds(*state.failover_started, now);
      auto pick = [](const auto& m) {
        auto it = m.find("rest_server");
        return it != m.end() ? it : m.begin();
      };
      auto from_it = pick(state.failover_from);
      std::string from =
          from_it != state.failover_from.end() ? who(from_it->second) : "";
      std::string to;
      if (auto to_it = pick(obs.components);
          to_it != obs.components.end() && to_it->second) {
        to = who(*to_it->second);
      }
      if (changed) {
        ++state.failovers_total;
        if (!state.failover_duration_unknown)
          state.last_failover_duration_seconds = duration;
        emit(Ev().kind("leaders_replaced")
                 .from(from)
                 .to(to)
                 .duration(state.failover_duration_unknown ? 0 : duration)
                 .detail(
                     state.failover_duration_unknown
                         ? std::string(
                               "duration unknown: it overlapped a loss of the "
                               "exporter's zookeeper session")
                         : ""));
        state.recent_failovers.push_back(now);
      } else {
        emit(Ev().kind("leader_recovered")
                 .from(from)
                 .to(to)
                 .duration(duration)
                 .detail("the same leaders returned; not a failover"));
      }
      state.failover_started.reset();
      state.failover_from.clear();
      state.failover_duration_unknown = false;
    }
  }

  // Leaderless time starts now when any component has no leader.
  bool leaderless = false;
  for (const auto& [name, leader] : obs.components)
    leaderless |= !leader.has_value();
  if (!leaderless) {
    state.leaderless_since.reset();
  } else if (!state.leaderless_since) {
    state.leaderless_since = now;
  }

  state.contenders = obs.contenders;

  // Split brain: components led by different processes at once. With the shared
  // latch (Flink 1.15+) one leader session covers every component, so sessions
  // are compared. With a latch per component, configured JobManagers are
  // compared when every leader matched one; otherwise hosts, never a mix of the
  // two (an RPC address often matches no JobManager while the REST address
  // does).
  bool all_matched = true;
  for (const auto& [name, cl] : state.components) {
    if (cl.known && cl.jobmanager.empty()) all_matched = false;
  }
  std::set<std::string> leaders;
  std::ostringstream who_leads;
  for (const auto& [name, cl] : state.components) {
    if (!cl.known) continue;
    // Who leads: a session (shared latch), a configured JobManager, else a
    // host (an RPC and a REST address of one process share only the host).
    std::string key = shared_latch  ? cl.leader.session_id
                      : all_matched ? cl.jobmanager
                                    : AddressHostPort(cl.leader.address).host;
    leaders.insert(key);
    who_leads << (who_leads.tellp() > 0 ? " " : "") << name << "="
              << who(cl.leader);
  }
  if (leaders.size() > 1) {
    if (!state.split_since) state.split_since = now;
    if (!state.split_brain &&
        now - *state.split_since >= options.split_brain_grace) {
      state.split_brain = true;
      emit(Ev().kind("split_brain").detail(who_leads.str()));
    }
  } else {
    state.split_since.reset();
    if (state.split_brain) {
      state.split_brain = false;
      emit(Ev().kind("split_brain_resolved").detail(who_leads.str()));
    }
  }

  // Flapping: many failovers within the window, reported once per episode.
  while (!state.recent_failovers.empty() &&
         now - state.recent_failovers.front() > options.flapping_window) {
    state.recent_failovers.pop_front();
  }
  const bool flapping = static_cast<int>(state.recent_failovers.size()) >=
                        options.flapping_failovers;
  if (flapping && !state.flapping) {
    emit(Ev().kind("flapping")
             .detail(std::to_string(state.recent_failovers.size()) +
                     " failovers within " +
                     std::to_string(
                         std::chrono::duration_cast<std::chrono::seconds>(
                             options.flapping_window)
                             .count()) +
                     " s"));
  }
  state.flapping = flapping;
  return state;
}

}  // namespace flinkha
