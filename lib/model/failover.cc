// Failover reports: the loss of the serving leader from its earliest evidence,
// the new leader, and the job's recovery phases.
#include "model/failover.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "model/state.h"

namespace flinkha {
namespace {

double Seconds(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

TimePoint FromMillis(int64_t ms) {
  return TimePoint{} + std::chrono::milliseconds(ms);
}

TimePoint FromSeconds(double s) {
  return TimePoint{} + std::chrono::duration_cast<TimePoint::duration>(
                           std::chrono::duration<double>(s));
}

class Advancer {
 public:
  Advancer(FailoverState& s, const ClusterState& c, TimePoint now,
           std::vector<HaEvent>* new_events)
      : s_(s), c_(c), now_(now), new_events_(new_events) {}

  void Run() {
    // Kubernetes HA feeds the same leader observation (sources/kubernetes).
    if (c_.config && (c_.config->zookeeper || c_.config->kubernetes)) {
      FromZooKeeper();
      FromRest();
      RefineCause();
    } else {
      RestOnly();
    }
    Progress();
    double open_part = 0;
    if (s_.in_progress()) {
      open_part = std::max(0.0, Seconds(s_.reports.back().lost_at, now_));
    }
    // Never backwards: updates from different sources carry their own clocks.
    s_.leaderless_seconds_total = std::max(
        s_.leaderless_seconds_total, s_.leaderless_closed_seconds + open_part);
  }

 private:
  FailoverReport* LastClosed() {
    return const_cast<FailoverReport*>(std::as_const(s_).last_closed());
  }

  FailoverReport* Open() {
    return s_.in_progress() ? &s_.reports.back() : nullptr;
  }

  std::string Who(const LeaderInfo& l) const {
    std::string jm = c_.config ? MatchJobManager(*c_.config, l.address) : "";
    return jm.empty() ? l.address : jm;
  }

  // The configured JobManager ZooKeeper names as REST leader, "" if none.
  const std::string& NamedLeader() const { return c_.facts.rest_leader; }

  const JobManagerObservation* Poll(const std::string& jm) const {
    auto it = c_.jobmanagers.find(jm);
    return it == c_.jobmanagers.end() ? nullptr : it->second.get();
  }

  std::optional<TimePoint> LastSuccess(const std::string& jm) const {
    auto it = c_.sources.find("rest/" + jm);
    if (it == c_.sources.end()) return std::nullopt;
    return it->second.last_success;
  }

  void Emit(HaEvent e) {
    s_.events.push_back(e);
    while (s_.events.size() > kMaxFailoverEvents) s_.events.pop_front();
    if (new_events_) new_events_->push_back(std::move(e));
  }

  FailoverReport& Begin(const char* seen_by, const std::string& lost,
                        TimePoint lost_at) {
    FailoverReport r;
    r.seen_by = seen_by;
    r.lost_jobmanager = lost;
    r.lost_at = lost_at;
    s_.last_loss_at = lost_at;
    for (const auto& [job, ck] : c_.checkpoints) {
      if (ck && ck->last_completed_ever) {
        r.checkpoints_before[job] = *ck->last_completed_ever;
      }
    }
    s_.reports.push_back(std::move(r));
    while (s_.reports.size() > kMaxFailoverReports) s_.reports.pop_front();
    return s_.reports.back();
  }

  void Close(FailoverReport& r, TimePoint at, const std::string& to,
             bool failover) {
    r.leader_at = std::max(at, r.lost_at);
    r.new_jobmanager = to;
    HaEvent e;
    e.at = *r.leader_at;
    e.from = r.lost_jobmanager;
    e.to = to;
    e.duration_seconds = *r.leaderless_seconds();
    // Unserved time either way: the evidence said nobody served.
    s_.leaderless_closed_seconds += e.duration_seconds;
    if (failover) {
      ++s_.failovers_total;
      r.cause = TellCause(r);
      e.kind = HaEventKind::kFailover;
      e.detail = std::string("lost: ") + LossCauseName(r.cause);
    } else {
      e.kind = HaEventKind::kLeaderRecovered;
      e.detail = "the same leader serves again; not a failover";
      s_.reports.pop_back();  // a blip is an event, not a report
    }
    Emit(std::move(e));
  }

  void FromZooKeeper() {
    const HaState* ha = c_.ha.get();
    if (!ha) return;
    if (ha->failovers_total > s_.ha_failovers_seen) {
      s_.ha_failovers_seen = ha->failovers_total;
      const HaEvent* replaced = nullptr;
      for (auto it = ha->events.rbegin(); it != ha->events.rend(); ++it) {
        if (it->kind == HaEventKind::kLeadersReplaced) {
          replaced = &*it;
          break;
        }
      }
      if (!replaced) return;
      const TimePoint zk_lost =
          replaced->at -
          std::chrono::duration_cast<TimePoint::duration>(
              std::chrono::duration<double>(replaced->duration_seconds));
      FailoverReport* r = Open();
      if (!r) r = &Begin("zookeeper", replaced->from, zk_lost);
      if (!r->zookeeper_lost_at) r->zookeeper_lost_at = zk_lost;
      if (r->lost_jobmanager.empty()) r->lost_jobmanager = replaced->from;
      Close(*r, replaced->at, replaced->to, true);
      return;
    }
    FailoverReport* r = Open();
    if (ha->failover_started) {
      std::string from;
      if (auto it = ha->failover_from.find("rest_server");
          it != ha->failover_from.end()) {
        from = Who(it->second);
      }
      if (!r) {
        r = &Begin("zookeeper", from, *ha->failover_started);
        HaEvent e;
        e.at = *ha->failover_started;
        e.kind = HaEventKind::kLeaderUnreachable;
        e.from = from;
        e.detail = "zookeeper dropped or replaced its leader data";
        Emit(std::move(e));
      }
      if (!r->zookeeper_lost_at) r->zookeeper_lost_at = *ha->failover_started;
    } else if (r && r->zookeeper_lost_at) {
      // ZooKeeper's episode ended without a new leader: the same one is back.
      Close(*r, now_, NamedLeader(), false);
    }
  }

  const JobManagerLiveness* Liveness(const std::string& jm) const {
    auto it = c_.liveness.find(jm);
    return it == c_.liveness.end() ? nullptr : &it->second;
  }

  // Evidence at `t` is new: no report was opened for it or a later loss.
  bool NewLoss(TimePoint t) const {
    return !s_.last_loss_at || t > *s_.last_loss_at;
  }

  void FromRest() {
    const std::string leader = NamedLeader();
    if (leader.empty()) return;
    const JobManagerObservation* o = Poll(leader);
    const JobManagerLiveness* lv = Liveness(leader);
    const auto last_ok = LastSuccess(leader);
    FailoverReport* r = Open();
    if (!r) {
      // The earliest evidence: the connection watch saw the process die or
      // hang (a leader it never reached is not lost: it has not served yet).
      if (lv && !lv->reachable && lv->down_since && lv->last_alive &&
          NewLoss(*lv->down_since)) {
        FailoverReport& n = Begin("connection", leader, *lv->down_since);
        n.last_good = lv->last_alive;
        if (last_ok && (!n.last_good || *last_ok > *n.last_good) &&
            *last_ok < n.lost_at) {
          n.last_good = last_ok;
        }
        n.cause = lv->fault == RestFault::kTimeout ? LossCause::kTimedOut
                                                   : LossCause::kRefused;
        HaEvent e;
        e.at = n.lost_at;
        e.kind = HaEventKind::kLeaderUnreachable;
        e.from = leader;
        e.detail = std::string("connection ") + LossCauseName(n.cause) + ": " +
                   lv->error;
        Emit(std::move(e));
        return;
      }
      // Then its poll: refused or timed out after it had answered.
      const bool lost =
          o && !o->up &&
          (o->fault == RestFault::kConnect || o->fault == RestFault::kTimeout);
      if (lost && last_ok && o->at > *last_ok && NewLoss(o->at)) {
        FailoverReport& n = Begin("rest", leader, o->at);
        n.last_good = last_ok;
        n.cause = o->fault == RestFault::kConnect ? LossCause::kRefused
                                                  : LossCause::kTimedOut;
        HaEvent e;
        e.at = o->at;
        e.kind = HaEventKind::kLeaderUnreachable;
        e.from = leader;
        e.detail =
            std::string("rest ") + LossCauseName(n.cause) + ": " + o->error;
        Emit(std::move(e));
      }
      return;
    }
    // Unreachable for a moment while ZooKeeper kept naming it: a blip, once
    // the watch or a poll made after the loss finds it serving.
    if (r->seen_by == "zookeeper" || r->zookeeper_lost_at ||
        r->lost_jobmanager != leader) {
      return;
    }
    if (lv && lv->reachable && lv->last_alive && *lv->last_alive > r->lost_at) {
      Close(*r, *lv->last_alive, leader, false);
      return;
    }
    const bool watch_down = lv && !lv->reachable;
    if (o && o->up && o->at > r->lost_at && o->fault == RestFault::kNone &&
        !watch_down) {
      Close(*r, o->at, leader, false);
    }
  }

  // How the leader was lost, once the evidence tells. A process that dies
  // without a word keeps its ZooKeeper leader data until its session expires
  // (seconds: at least two ZooKeeper ticks, 4 s by default); a graceful stop
  // closes its REST port and releases leadership within moments of each other
  // (well under a second on Flink 1.20 and 2.3).
  LossCause TellCause(const FailoverReport& r) const {
    const LossCause cause = EvidenceCause(r);
    // Nobody else took over: the leader was not lost but revoked and granted
    // again (Flink's log: "revoked leadership", no session expiration).
    if (!r.new_jobmanager.empty() && r.new_jobmanager == r.lost_jobmanager &&
        (cause == LossCause::kUnknown || cause == LossCause::kSessionExpired)) {
      return LossCause::kRevoked;
    }
    return cause;
  }

  LossCause EvidenceCause(const FailoverReport& r) const {
    constexpr auto kTogether = std::chrono::seconds(1);
    if (r.cause == LossCause::kRefused && r.zookeeper_lost_at &&
        *r.zookeeper_lost_at - r.lost_at < kTogether) {
      return LossCause::kLeft;
    }
    const bool zookeeper_first =
        r.cause == LossCause::kUnknown || r.cause == LossCause::kSessionExpired;
    if (!zookeeper_first || r.lost_jobmanager.empty()) return r.cause;
    // ZooKeeper saw it first: did the process stop right after (a graceful
    // stop; its connection closing is the better evidence, so it overrides an
    // answer caught just before), or does it still answer (its session
    // expired)?
    const JobManagerLiveness* lv = Liveness(r.lost_jobmanager);
    if (lv && !lv->reachable && lv->down_since &&
        *lv->down_since >= r.lost_at &&
        *lv->down_since - r.lost_at < kTogether &&
        lv->fault == RestFault::kConnect) {
      return LossCause::kLeft;
    }
    if (r.cause != LossCause::kUnknown) return r.cause;
    if (lv && lv->reachable && lv->last_alive &&
        *lv->last_alive - r.lost_at > kTogether) {
      return LossCause::kSessionExpired;
    }
    const JobManagerObservation* o = Poll(r.lost_jobmanager);
    if (!o || o->at <= r.lost_at) return r.cause;
    if (o->up) return LossCause::kSessionExpired;
    if (o->fault == RestFault::kConnect) return LossCause::kLeft;
    if (o->fault == RestFault::kTimeout) return LossCause::kTimedOut;
    return r.cause;
  }

  // A cause told after the failover ended: the report, its event and the log
  // say the same.
  void RefineCause() {
    FailoverReport* last = LastClosed();
    if (!last) return;
    FailoverReport& r = *last;
    const LossCause cause = TellCause(r);
    if (cause == r.cause) return;
    r.cause = cause;
    const std::string detail = std::string("lost: ") + LossCauseName(cause);
    for (auto it = s_.events.rbegin(); it != s_.events.rend(); ++it) {
      if (it->kind == HaEventKind::kFailover && it->at == r.leader_at) {
        it->detail = detail;
        break;
      }
    }
    HaEvent e;
    e.at = now_;
    e.kind = HaEventKind::kFailoverCause;
    e.from = r.lost_jobmanager;
    e.to = r.new_jobmanager;
    e.detail = detail;
    Emit(std::move(e));
  }

  // Without ZooKeeper the only signal is REST: a cluster that answered with
  // data, then answered "leader election" or not at all from every JobManager,
  // then answered with data again.
  void RestOnly() {
    bool election = false;
    for (const auto& [name, o] : c_.jobmanagers) {
      if (o && o->fault == RestFault::kLeaderElection) election = true;
    }
    std::string name;
    const JobManagerObservation* jm = PreferredJobManager(c_, &name);
    const bool serving = jm != nullptr && !election;
    if (serving) {
      if (FailoverReport* r = Open()) {
        // Back as of the poll that saw it, so that poll's job states count.
        r->leader_at = std::max(r->lost_at, jm->at);
        r->new_jobmanager = name;
        s_.leaderless_closed_seconds += *r->leaderless_seconds();
        HaEvent e;
        e.at = *r->leader_at;
        e.kind = HaEventKind::kRestOutageEnded;
        e.to = name;
        e.duration_seconds = *r->leaderless_seconds();
        Emit(std::move(e));
      }
      s_.rest_had_leader = true;
    } else if (s_.rest_had_leader && !Open()) {
      Begin("rest", "", now_);
    }
  }

  void Progress() {
    FailoverReport* last = LastClosed();
    if (!last) return;
    FailoverReport& r = *last;
    const TimePoint lost = r.lost_at;
    if (!r.job_running_at) {
      const JobManagerObservation* jm = PreferredJobManager(c_);
      if (jm && jm->jobs && jm->at >= *r.leader_at) {
        for (const auto& j : *jm->jobs) {
          if (j.state != "RUNNING") continue;
          // Flink's own time of the switch to RUNNING when it is after the
          // loss; else the poll that saw it.
          const TimePoint modified = FromMillis(j.last_modification_ms);
          r.job_running_at = modified > lost && modified <= jm->at
                                 ? std::max(modified, *r.leader_at)
                                 : jm->at;
          break;
        }
      }
    }
    for (const auto& [job, ck] : c_.checkpoints) {
      if (!ck) continue;
      // The JobMaster's own record of the switch to RUNNING (GET /jobs/<jid>),
      // read by the checkpoint poller: it beats the task-level
      // last-modification the jobs overview gives.
      if (ck->details) {
        auto t = ck->details->timestamps.find("RUNNING");
        if (t != ck->details->timestamps.end()) {
          const TimePoint running = FromMillis(t->second);
          if (running > lost && r.leader_at &&
              (!r.job_running_at || running < *r.job_running_at)) {
            r.job_running_at = std::max(running, *r.leader_at);
          }
        }
      }
      if (!r.restored_checkpoint_id && ck->stats &&
          ck->stats->latest_restored &&
          FromMillis(ck->stats->latest_restored->restore_timestamp_ms) > lost) {
        r.restored_checkpoint_id = ck->stats->latest_restored->id;
        auto before = r.checkpoints_before.find(job);
        if (before != r.checkpoints_before.end() &&
            before->second.id == *r.restored_checkpoint_id) {
          r.restored_checkpoint_age_seconds =
              Seconds(FromMillis(before->second.latest_ack_timestamp_ms), lost);
        }
      }
      // The first checkpoint completed after the loss, as Flink recorded its
      // acknowledgement: the history lists the ones `latest` skipped between
      // two polls, so an earlier one found later replaces a later one.
      auto consider = [&](const CompletedCheckpoint& c) {
        const TimePoint ack = FromMillis(c.latest_ack_timestamp_ms);
        if (ack <= lost || c.is_savepoint) return;
        if (!r.checkpoint_at || ack < *r.checkpoint_at) {
          r.checkpoint_at = ack;
          r.checkpoint_id = c.id;
        }
      };
      if (ck->last_completed_ever) consider(*ck->last_completed_ever);
      if (ck->stats) {
        for (const auto& c : ck->stats->history_completed) consider(c);
      }
    }
    Failure(r);
    // The first file committed after the loss: FileSink commits a file by
    // renaming it, which sets its ctime (its last write came before).
    for (const auto& [path, o] : c_.outputs) {
      if (!o) continue;
      for (double t : o->recent_commit_timestamps_seconds) {
        const TimePoint commit = FromSeconds(t);
        if (commit > lost && (!r.output_at || commit < *r.output_at)) {
          r.output_at = commit;
        }
      }
    }
  }

  // The failure that came with the failover (FailoverReport::failure). Runs
  // after the checkpoint phase, so the window's end is as known as it gets.
  void Failure(FailoverReport& r) {
    const TimePoint from = r.last_good.value_or(r.lost_at);
    auto inside = [&](int64_t ms) {
      const TimePoint at = FromMillis(ms);
      return at >= from && (!r.checkpoint_at || at <= *r.checkpoint_at);
    };
    // A checkpoint found later in the history may end the window earlier.
    if (r.failure && !inside(r.failure->timestamp_ms)) {
      r.failure.reset();
      r.failure_job_id.clear();
    }
    for (const auto& [job, ck] : c_.checkpoints) {
      if (!ck || !ck->exceptions) continue;
      for (const JobException& e : ck->exceptions->entries) {
        if (!inside(e.timestamp_ms)) continue;
        if (!r.failure || e.timestamp_ms < r.failure->timestamp_ms) {
          r.failure = e;
          r.failure_job_id = job;
        }
      }
    }
  }

  FailoverState& s_;
  const ClusterState& c_;
  TimePoint now_;
  std::vector<HaEvent>* new_events_;
};

}  // namespace

const char* LossCauseName(LossCause cause) {
  switch (cause) {
    case LossCause::kUnknown:
      return "unknown";
    case LossCause::kRefused:
      return "refused";
    case LossCause::kTimedOut:
      return "timed_out";
    case LossCause::kSessionExpired:
      return "session_expired";
    case LossCause::kLeft:
      return "left";
    case LossCause::kRevoked:
      return "revoked";
  }
  return "unknown";
}

std::optional<LossCause> ParseLossCause(std::string_view name) {
  for (LossCause c :
       {LossCause::kUnknown, LossCause::kRefused, LossCause::kTimedOut,
        LossCause::kSessionExpired, LossCause::kLeft, LossCause::kRevoked}) {
    if (name == LossCauseName(c)) return c;
  }
  return std::nullopt;
}

std::optional<double> FailoverReport::SecondsTo(
    const std::optional<TimePoint>& t) const {
  if (!t) return std::nullopt;
  return std::max(0.0, Seconds(lost_at, *t));
}

std::optional<double> FailoverReport::leaderless_seconds() const {
  return SecondsTo(leader_at);
}

std::optional<double> FailoverReport::leaderless_upper_bound_seconds() const {
  if (!leader_at || !last_good) return leaderless_seconds();
  return std::max(0.0, Seconds(*last_good, *leader_at));
}

const FailoverReport* FailoverState::last_closed() const {
  for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
    if (!it->open()) return &*it;
  }
  return nullptr;
}

FailoverState AdvanceFailover(FailoverState state, const ClusterState& cluster,
                              TimePoint now, std::vector<HaEvent>* new_events) {
  Advancer(state, cluster, now, new_events).Run();
  return state;
}

}  // namespace flinkha
