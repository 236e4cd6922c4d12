// CheckpointPoller: per-job checkpoint statistics, config and restarts from the
// leader side, one due job at a time within the request budget.
#include "sources/rest/checkpoint_poller.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "model/checkpoint_parsers.h"
#include "model/rest_parsers.h"
#include "sources/rest/http_client.h"

namespace flinkha {
namespace {

// How long a job that left the list is remembered, and how many such jobs at
// most.
constexpr auto kRetiredFor = std::chrono::hours(1);
constexpr size_t kMaxRetired = 1000;

// Flink job ids are 32 hex digits; anything else is not put into a URL.
bool IsJobId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
          (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

struct JobFetch {
  CheckpointPollResult result;
  RestFault fault =
      RestFault::kNone;  // first failure; kConnect/kTimeout end the poll
  bool config_ok = false;
  bool restarts_ok = false;
};

// Runs the requests of one job's plan: statistics, then the config and
// numRestarts when the plan asks for them.
// await_slot runs before each request: it waits for the request budget and
// returns false when the poller stops.
JobFetch FetchJob(HttpClient& client, const JobSummary& job,
                  const JobPollPlan& plan, TimePoint now,
                  const std::function<bool()>& await_slot) {
  JobFetch f;
  f.result.job_id = job.id;
  f.result.job_name = job.name;
  f.result.at = now;
  auto fail = [&](RestFault fault, const std::string& message) {
    if (f.result.error.empty()) f.result.error = message;
    if (f.fault == RestFault::kNone) f.fault = fault;
  };
  // Returns the 200 body, or nullopt after recording why not. A 404 sets
  // *not_found instead.
  auto get = [&](const std::string& path,
                 bool* not_found) -> std::optional<std::string> {
    if (!await_slot()) {
      fail(RestFault::kConnect, "stopped");
      return std::nullopt;
    }
    RestFault fault = RestFault::kNone;
    auto r = client.Get(path, &fault);
    if (!r.ok()) {
      fail(fault, "GET " + path + ": " + r.error().message);
      return std::nullopt;
    }
    if (r->status == 404 && not_found) {
      *not_found = true;
      return std::nullopt;
    }
    if (r->status != 200) {
      std::string msg = "GET " + path + ": HTTP " + std::to_string(r->status);
      if (IsLeaderElectionAnswer(r->status, r->body)) {
        msg += ": leader election in progress";
      } else if (auto m = FlinkErrorMessage(r->body); !m.empty()) {
        msg += ": " + m;
      }
      fail(RestFault::kHttpStatus, msg);
      return std::nullopt;
    }
    return std::move(r->body);
  };
  auto endpoint_down = [&] {
    return f.fault == RestFault::kConnect || f.fault == RestFault::kTimeout;
  };

  const std::string base = "/jobs/" + job.id;
  // 404 here: checkpointing is not enabled for the job (or it vanished since
  // the job list).
  bool stats_404 = false;
  if (auto body = get(base + "/checkpoints", &stats_404)) {
    auto stats = ParseCheckpointStats(*body);
    if (stats.ok()) {
      f.result.stats = std::move(stats).value();
    } else {
      fail(RestFault::kParse,
           "GET " + base + "/checkpoints: " + stats.error().message);
    }
  }
  f.result.checkpointing_disabled = stats_404;
  if (plan.fetch_config && !endpoint_down()) {
    bool config_404 = false;
    if (auto body = get(base + "/checkpoints/config", &config_404)) {
      auto config = ParseCheckpointConfig(*body);
      if (config.ok()) {
        f.result.config = std::move(config).value();
        f.config_ok = true;
      } else {
        fail(RestFault::kParse,
             "GET " + base + "/checkpoints/config: " + config.error().message);
      }
    } else if (config_404) {
      f.result.checkpointing_disabled = true;
      // A job that is not running yet (INITIALIZING after a submit or a
      // failover) answers 404 until its execution graph exists: ask again
      // until it runs. A running job's 404 means checkpointing is off; asked
      // again when start-time changes.
      f.config_ok = job.state == "RUNNING";
    }
  }
  if (plan.fetch_restarts && !endpoint_down()) {
    // One request for both names: numRestarts, and fullRestarts of old
    // versions.
    const std::string path = base + "/metrics?get=numRestarts,fullRestarts";
    if (auto body = get(path, nullptr)) {
      auto v = ParseJobMetricValue(*body, {"numRestarts", "fullRestarts"});
      if (v.ok()) {
        f.result.restarts_fetched = true;
        f.result.num_restarts = *v;
        f.restarts_ok = true;
      } else {
        fail(RestFault::kParse, "GET " + path + ": " + v.error().message);
      }
    }
  }
  return f;
}

// Publishing every result at once would swap the snapshot for every request;
// results are batched instead, and still reach /metrics within a second.
Duration PublishPeriod(Duration poll_interval) {
  return std::min<Duration>(std::chrono::seconds(1), poll_interval);
}

// disabled: this visit's statistics request answered 404.
CadenceInput CadenceOf(const JobSummary& job,
                       const JobCheckpointObservation& obs, bool disabled) {
  CadenceInput in;
  in.running = job.state == "RUNNING";
  in.checkpointing_disabled = disabled;
  if (obs.config && obs.config->interval_ms > 0) {
    in.checkpoint_interval = Duration(obs.config->interval_ms);
  }
  return in;
}

}  // namespace

CheckpointPoller::CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   StateStore* store)
    : cluster_(std::move(cluster)),
      store_(store),
      schedule_(cluster_->poll_interval),
      pacer_(cluster_->checkpoint_requests_per_second) {
  for (const auto& jm : cluster_->jobmanagers) {
    auto client = HttpClient::Create(HttpClientOptions::For(*cluster_, jm));
    if (client.ok()) {
      clients_[jm.name] = std::move(client).value();
    } else {
      client_errors_[jm.name] = client.error().message;
    }
  }
}

CheckpointPoller::~CheckpointPoller() { Stop(); }

void CheckpointPoller::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void CheckpointPoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  for (auto& [name, client] : clients_) client->Cancel();
  if (thread_.joinable()) thread_.join();
}

bool CheckpointPoller::SleepUntil(MonoTime until) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, until, [this] { return stopping_.load(); });
  return !stopping_;
}

bool CheckpointPoller::AwaitSlot() {
  const MonoTime slot = pacer_.NextSlot(std::chrono::steady_clock::now());
  if (slot > std::chrono::steady_clock::now() && !SleepUntil(slot)) {
    return false;
  }
  if (stopping_) return false;
  pacer_.Take(std::chrono::steady_clock::now());
  ++requests_total_;
  return true;
}

bool CheckpointPoller::AwaitFirstJobManagerPoll() {
  // The JobManager pollers start together with this one: give them up to one
  // poll interval to report, so start-up neither counts an error nor delays
  // /ready by a whole interval.
  const auto until = std::chrono::steady_clock::now() + cluster_->poll_interval;
  while (!stopping_) {
    const SnapshotPtr s = store_->Get();
    auto it = s->clusters.find(cluster_->name);
    if (it != s->clusters.end() && !it->second.jobmanagers.empty()) return true;
    if (std::chrono::steady_clock::now() >= until) return true;
    SleepUntil(std::chrono::steady_clock::now() +
               std::chrono::milliseconds(20));
  }
  return false;
}

void CheckpointPoller::Retire(const std::string& id, TimePoint now) {
  auto it = current_.find(id);
  if (it == current_.end()) return;
  if (it->second && it->second->last_completed_ever) {
    retired_[id] = Retired{*it->second->last_completed_ever, now};
  }
  current_.erase(it);
  dirty_ = true;
}

HttpClient* CheckpointPoller::Follow(TimePoint now, MonoTime mono) {
  const SnapshotPtr snapshot = store_->Get();
  auto cluster_it = snapshot->clusters.find(cluster_->name);
  const JobManagerObservation* jm = nullptr;
  std::string jm_name;
  if (cluster_it != snapshot->clusters.end()) {
    // The leader-side endpoint: a standby forwards to the leader anyway, but
    // asking the leader saves a hop and sees the same jobs the cluster metrics
    // show.
    jm = PreferredJobManager(cluster_it->second, &jm_name);
  }
  // Without a JobManager, what is known (in particular the last completed
  // checkpoints) is kept until one answers again: this is exactly the
  // failover window.
  follow_error_.clear();
  if (!jm) {
    follow_error_ = "no healthy JobManager to read jobs from";
    return nullptr;
  }
  if (!jm->jobs) {
    follow_error_ = "no job list from JobManager " + jm_name + ": " + jm->error;
    return nullptr;
  }
  auto client_it = clients_.find(jm_name);
  if (client_it == clients_.end()) {
    auto e = client_errors_.find(jm_name);
    follow_error_ =
        "JobManager " + jm_name + ": " +
        (e == client_errors_.end() ? std::string("not configured") : e->second);
    return nullptr;
  }
  if (jm != followed_.get() || jm_name != endpoint_) {
    // A new job list: follow it.
    followed_ = cluster_it->second.jobmanagers.at(jm_name);
    endpoint_ = jm_name;
    list_error_.clear();
    jobs_.clear();
    std::vector<const JobSummary*> to_poll;  // in list order: ties keep it
    for (const JobSummary& job : *jm->jobs) {
      if (IsTerminalJobState(job.state)) continue;
      if (!IsJobId(job.id)) {
        if (list_error_.empty()) {
          list_error_ = "job id \"" + job.id.substr(0, 64) + "\" is not hex";
        }
        continue;
      }
      auto [it, inserted] = jobs_.emplace(job.id, job);
      if (inserted) to_poll.push_back(&it->second);
    }
    schedule_.Sync(to_poll, endpoint_, mono);
    // Jobs no longer listed (or now terminal) drop their series; their last
    // completed checkpoint is remembered for a while, bounded.
    std::vector<std::string> gone;
    for (const auto& [id, obs] : current_) {
      if (!jobs_.count(id)) gone.push_back(id);
    }
    for (const auto& id : gone) Retire(id, now);
    std::erase_if(tracking_,
                  [&](const auto& kv) { return !jobs_.count(kv.first); });
    std::erase_if(retired_, [&](const auto& kv) {
      return now - kv.second.since > kRetiredFor;
    });
    while (retired_.size() > kMaxRetired) {
      auto oldest = retired_.begin();
      for (auto it = retired_.begin(); it != retired_.end(); ++it) {
        if (it->second.since < oldest->second.since) oldest = it;
      }
      retired_.erase(oldest);
    }
  }
  return client_it->second.get();
}

bool CheckpointPoller::Visit(HttpClient& client, const std::string& job_id,
                             TimePoint now, MonoTime mono) {
  const JobSummary& job = jobs_.at(job_id);
  const JobCheckpointObservation* previous = nullptr;
  // A job seen again after it left the list gets its last completed
  // checkpoint back.
  JobCheckpointObservation revived;
  if (auto it = current_.find(job_id); it != current_.end()) {
    previous = it->second.get();
  } else if (auto r = retired_.find(job_id); r != retired_.end()) {
    revived.job_id = job_id;
    revived.last_completed_ever = r->second.last_completed;
    previous = &revived;
  }
  auto tracking_it = tracking_.find(job_id);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             now.time_since_epoch())
                             .count();
  const JobPollPlan plan = PlanJobPoll(
      job, tracking_it == tracking_.end() ? nullptr : &tracking_it->second,
      endpoint_, now_ms);
  JobFetch f = FetchJob(client, job, plan, now, [this] { return AwaitSlot(); });
  if (stopping_) return true;  // a cancelled visit says nothing about Flink
  if (f.fault == RestFault::kConnect || f.fault == RestFault::kTimeout) {
    // The endpoint is down: keep this job's last values and its place in line.
    visit_error_ = f.result.error;
    return false;
  }
  RecordJobPoll(tracking_[job_id], job, endpoint_, plan, f.config_ok,
                f.restarts_ok);
  auto merged = std::make_shared<const JobCheckpointObservation>(
      MergeCheckpointPoll(previous, f.result));
  retired_.erase(job_id);
  // numRestarts read while Flink's metric store may still hold the count from
  // before a restart is asked once more when the store has caught up.
  std::optional<MonoTime> revisit;
  const int64_t recheck_ms = RestartsRecheckAtMs(job);
  if (plan.fetch_restarts && now_ms < recheck_ms) {
    revisit = mono + std::chrono::milliseconds(recheck_ms - now_ms);
  }
  schedule_.Visited(job_id,
                    CadenceOf(job, *merged, f.result.checkpointing_disabled),
                    mono, revisit);
  current_[job_id] = std::move(merged);
  dirty_ = true;
  visit_error_.clear();  // the endpoint answers again
  return true;
}

void CheckpointPoller::Publish(TimePoint now, MonoTime mono, bool force) {
  if (stopping_) return;  // a cancelled poll says nothing about Flink
  const Duration period = PublishPeriod(cluster_->poll_interval);
  // The source's health is recorded once per poll interval (or when a visit
  // found the endpoint down), as the other REST sources do. The first report
  // (which /ready waits for) comes when every listed job was read once, or
  // after one poll interval on a cluster too large for that.
  const bool attempt_due =
      force ||
      (reported_ ? mono - last_attempt_ >= cluster_->poll_interval
                 : schedule_.Unvisited() == 0 ||
                       mono - started_ >= cluster_->poll_interval);
  if (!force && !attempt_due && !(dirty_ && mono - last_publish_ >= period)) {
    return;
  }
  // The source's error: why nothing can be polled, else the first job error.
  std::string error = !follow_error_.empty()  ? follow_error_
                      : !visit_error_.empty() ? visit_error_
                                              : list_error_;
  for (const auto& [id, obs] : current_) {
    if (!error.empty()) break;
    if (obs && !obs->error.empty()) error = obs->error;
  }
  CheckpointPollStatus status;
  status.requests_per_second_budget = cluster_->checkpoint_requests_per_second;
  status.requests_total = requests_total_;
  status.jobs = schedule_.size();
  status.overdue_jobs = schedule_.Overdue(mono, cluster_->poll_interval);
  const bool publish_map = dirty_;
  store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
    if (publish_map) c.checkpoints = current_;
    c.checkpoint_poll = status;
    if (attempt_due) RecordSourceAttempt(c, "checkpoints", now, error);
  });
  if (attempt_due) {
    faults_.Report(cluster_->name, error);
    last_attempt_ = mono;
    reported_ = true;
  }
  dirty_ = false;
  last_publish_ = mono;
}

void CheckpointPoller::Run() {
  if (!AwaitFirstJobManagerPoll()) return;
  started_ = std::chrono::steady_clock::now();
  // Looks at the job list this often: a new job is asked for within a tick of
  // the JobManager poller listing it.
  const Duration tick = std::min<Duration>(std::chrono::milliseconds(250),
                                           cluster_->poll_interval);
  while (!stopping_) {
    const TimePoint now = std::chrono::system_clock::now();
    const MonoTime mono = std::chrono::steady_clock::now();
    HttpClient* client = Follow(now, mono);
    if (!client) {
      Publish(now, mono, false);
      if (!SleepUntil(mono + tick)) return;
      continue;
    }
    if (auto due = schedule_.NextDue(mono)) {
      if (!Visit(*client, *due, now, mono)) {
        // Down: try again after a poll interval rather than hammering it.
        Publish(now, mono, true);
        if (!SleepUntil(mono + cluster_->poll_interval)) return;
        continue;
      }
      Publish(now, std::chrono::steady_clock::now(), false);
      continue;
    }
    Publish(now, mono, false);
    MonoTime wake = mono + tick;
    if (auto earliest = schedule_.EarliestDue(); earliest && *earliest < wake) {
      wake = *earliest;
    }
    if (dirty_)
      wake = std::min(wake,
                      last_publish_ + PublishPeriod(cluster_->poll_interval));
    if (!SleepUntil(wake)) return;
  }
}

}  // namespace flinkha
