// Recovery timelines derived from the HA analysis, REST job states, checkpoints
// and output.
#include "model/recovery.h"

#include <algorithm>
#include <chrono>

namespace flinkha {
namespace {

double Seconds(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

TimePoint FromMillis(int64_t ms) {
  return TimePoint{} + std::chrono::milliseconds(ms);
}

void Open(ClusterState& c, TimePoint start, TimePoint leader_at,
          const char* trigger) {
  RecoveryTimeline r;
  r.failover_at = start;
  r.leader_at = leader_at;
  r.trigger = trigger;
  c.recoveries.push_back(r);
  if (c.recoveries.size() > kMaxRecoveries)
    c.recoveries.erase(c.recoveries.begin());
}

void TrackUnreachableLeader(ClusterState& c, TimePoint now) {
  if (!c.ha) return;
  auto rs = c.ha->components.find("rest_server");
  if (rs == c.ha->components.end() || !rs->second.known ||
      rs->second.jobmanager.empty()) {
    return;  // leaderless or unknown: keep what was seen
  }
  const std::string& name = rs->second.jobmanager;
  auto jm = c.jobmanagers.find(name);
  const bool down = jm != c.jobmanagers.end() && jm->second && !jm->second->up;
  if (!down) {
    c.leader_unreachable_since.reset();
  } else if (!c.leader_unreachable_since ||
             c.leader_unreachable_jobmanager != name) {
    c.leader_unreachable_since = now;
    c.leader_unreachable_jobmanager = name;
  }
}

void OpenFromZooKeeper(ClusterState& c) {
  if (!c.ha || c.ha->failovers_total <= c.recoveries_failovers_seen) return;
  c.recoveries_failovers_seen = c.ha->failovers_total;
  for (auto it = c.ha->events.rbegin(); it != c.ha->events.rend(); ++it) {
    if (it->kind != "failover") continue;
    const auto leaderless = std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::duration<double>(it->duration_seconds));
    TimePoint start = it->at - leaderless;
    // A crashed leader stays named in ZooKeeper until its session times out;
    // when its REST endpoint was already dead, the outage began then.
    if (c.leader_unreachable_since && *c.leader_unreachable_since < start &&
        start - *c.leader_unreachable_since < std::chrono::minutes(10)) {
      start = *c.leader_unreachable_since;
    }
    c.leader_unreachable_since.reset();
    Open(c, start, it->at, "zookeeper");
    return;
  }
}

// Without ZooKeeper the only signal is REST: a cluster that answered with data,
// then answered "leader election" or not at all from every JobManager, then
// answered with data again.
void OpenFromRest(ClusterState& c, TimePoint now) {
  bool election = false;
  for (const auto& [name, o] : c.jobmanagers) {
    if (o && o->fault == RestFault::kLeaderElection) election = true;
  }
  const JobManagerObservation* jm = PreferredJobManager(c);
  const bool serving = jm != nullptr && !election;
  if (serving) {
    // The leader is back as of the poll that saw it (its start, before now),
    // so that same poll's job states count for the running phase.
    if (c.rest_outage_since)
      Open(c, *c.rest_outage_since, std::max(*c.rest_outage_since, jm->at),
           "rest");
    c.rest_outage_since.reset();
    c.rest_had_leader = true;
  } else if (c.rest_had_leader && !c.rest_outage_since) {
    c.rest_outage_since = now;
  }
}

void Progress(ClusterState& c) {
  if (c.recoveries.empty()) return;
  RecoveryTimeline& r = c.recoveries.back();
  if (!r.job_running_seconds) {
    const JobManagerObservation* jm = PreferredJobManager(c);
    if (jm && jm->jobs && jm->at >= r.leader_at) {
      for (const auto& j : *jm->jobs) {
        if (j.state == "RUNNING") {
          r.job_running_seconds = Seconds(r.failover_at, jm->at);
          break;
        }
      }
    }
  }
  if (!r.checkpoint_seconds) {
    for (const auto& [id, ck] : c.checkpoints) {
      if (!ck || !ck->last_completed_ever) continue;
      const TimePoint ack =
          FromMillis(ck->last_completed_ever->latest_ack_timestamp_ms);
      if (ack > r.failover_at) {
        r.checkpoint_seconds = Seconds(r.failover_at, ack);
        break;
      }
    }
  }
  if (!r.output_seconds) {
    for (const auto& [path, o] : c.outputs) {
      if (!o || !o->last_file_timestamp_seconds) continue;
      const TimePoint newest =
          TimePoint{} +
          std::chrono::duration_cast<TimePoint::duration>(
              std::chrono::duration<double>(*o->last_file_timestamp_seconds));
      if (newest > r.failover_at) {
        r.output_seconds = Seconds(r.failover_at, newest);
        break;
      }
    }
  }
}

}  // namespace

void UpdateRecoveries(ClusterState& cluster, TimePoint now) {
  if (cluster.config && cluster.config->zookeeper) {
    OpenFromZooKeeper(cluster);
    TrackUnreachableLeader(cluster, now);
  } else {
    OpenFromRest(cluster, now);
  }
  Progress(cluster);
}

}  // namespace flinkha
