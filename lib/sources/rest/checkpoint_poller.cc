// CheckpointPoller: per-job checkpoint statistics, config and restarts from the
// leader side: each lane visits its due jobs one at a time, all lanes within
// one request budget.
#include "sources/rest/checkpoint_poller.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "model/checkpoint_parsers.h"
#include "model/job_diagnosis.h"
#include "model/job_diagnosis_parsers.h"
#include "model/job_id.h"
#include "model/rest_parsers.h"
#include "sources/rest/http_client.h"

namespace flinkha {
namespace {

// How long a job that left the list is remembered, and how many such jobs at
// most.
constexpr auto kRetiredFor = std::chrono::hours(1);
constexpr size_t kMaxRetired = 1000;

struct JobFetch {
  CheckpointPollResult result;
  RestFault fault =
      RestFault::kNone;  // first failure; kConnect/kTimeout end the poll
  bool config_ok = false;
  bool restarts_ok = false;
  bool exceptions_ok = false;
  bool details_ok = false;
};

// Runs the requests of one job's plan: statistics, then the config,
// numRestarts, the exception history and the job details when the plan asks
// for them.
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
  // A 404 below: the job vanished since the job list (or is not running
  // yet); asked again when the job changes, not every visit.
  if (plan.fetch_exceptions && !endpoint_down()) {
    const std::string path =
        base + "/exceptions?maxExceptions=" + std::to_string(kMaxExceptions);
    bool not_found = false;
    if (auto body = get(path, &not_found)) {
      auto history = ParseExceptionHistory(*body);
      if (history.ok()) {
        f.result.exceptions = std::move(history).value();
        f.exceptions_ok = true;
      } else {
        fail(RestFault::kParse, "GET " + path + ": " + history.error().message);
      }
    } else if (not_found) {
      f.exceptions_ok = true;  // asked again when the job changes
    }
  }
  if (plan.fetch_details && !endpoint_down()) {
    bool not_found = false;
    if (auto body = get(base, &not_found)) {
      auto details = ParseJobDetails(*body);
      if (details.ok()) {
        f.result.details =
            std::make_shared<const JobDetails>(std::move(details).value());
        f.details_ok = true;
      } else {
        fail(RestFault::kParse, "GET " + base + ": " + details.error().message);
      }
    } else if (not_found) {
      f.details_ok = true;  // asked again when the job changes or in a period
    }
  }
  return f;
}

// Publishing every result at once would swap the snapshot (and render the
// checkpoint series of every job again) for every visit: results are batched.
// A job's first result goes out within a second, so a new job's series
// appear at once; updates of known jobs once per poll interval, as before the
// scheduler.
Duration FirstResultPeriod(Duration poll_interval) {
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

size_t LaneOf(const std::string& job_id) {
  return std::hash<std::string_view>{}(job_id) %
         static_cast<size_t>(CheckpointPoller::kLanes);
}

}  // namespace

struct CheckpointPoller::Lane {
  explicit Lane(size_t i, Duration poll_interval)
      : index(i), schedule(poll_interval) {}
  const size_t index;
  // The lane's thread only:
  CheckpointSchedule schedule;
  std::map<std::string, std::unique_ptr<HttpClient>> clients;  // by JobManager
  std::map<std::string, std::string> client_errors;  // why a client is missing
  std::shared_ptr<const JobManagerObservation> followed;  // list last synced
  std::string endpoint;                                   // JobManager asked
  std::map<std::string, JobSummary> jobs;                 // the lane's jobs
  std::map<std::string, JobPollTracking> tracking;        // by job id
  std::string follow_error;  // why there is no JobManager to ask
  std::string visit_error;   // the endpoint failed (connect, timeout)
  std::string list_error;    // a job id that is not put into a URL (lane 0)
  std::thread thread;
  // Copied for Publish (guarded by mu_):
  std::string error;
  size_t scheduled = 0, unvisited = 0, overdue = 0;
  bool has_list = false;  // has followed a job list
};

CheckpointPoller::CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   StateStore* store)
    : cluster_(std::move(cluster)),
      store_(store),
      pacer_(cluster_->checkpoint_requests_per_second) {
  for (size_t i = 0; i < static_cast<size_t>(kLanes); ++i) {
    auto lane = std::make_unique<Lane>(i, cluster_->poll_interval);
    for (const auto& jm : cluster_->jobmanagers) {
      auto client = HttpClient::Create(HttpClientOptions::For(*cluster_, jm));
      if (client.ok()) {
        lane->clients[jm.name] = std::move(client).value();
      } else {
        lane->client_errors[jm.name] = client.error().message;
      }
    }
    lanes_.push_back(std::move(lane));
  }
}

CheckpointPoller::~CheckpointPoller() { Stop(); }

void CheckpointPoller::Start() {
  stopping_ = false;
  for (auto& lane : lanes_) {
    lane->thread = std::thread([this, l = lane.get()] { Run(*l); });
  }
}

void CheckpointPoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  for (auto& lane : lanes_) {
    for (auto& [name, client] : lane->clients) client->Cancel();
  }
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
}

bool CheckpointPoller::SleepUntil(MonoTime until) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, until, [this] { return stopping_.load(); });
  return !stopping_;
}

bool CheckpointPoller::AwaitSlot() {
  MonoTime slot;
  {
    // Reserved, not just read: lanes asking together get distinct slots.
    std::lock_guard<std::mutex> lock(pacer_mu_);
    slot = pacer_.NextSlot(std::chrono::steady_clock::now());
    pacer_.Take(slot);
  }
  if (slot > std::chrono::steady_clock::now() && !SleepUntil(slot)) {
    return false;
  }
  if (stopping_) return false;
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

HttpClient* CheckpointPoller::Follow(Lane& lane, TimePoint now, MonoTime mono) {
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
  lane.follow_error.clear();
  if (!jm) {
    lane.follow_error = "no healthy JobManager to read jobs from";
    return nullptr;
  }
  if (!jm->jobs) {
    lane.follow_error =
        "no job list from JobManager " + jm_name + ": " + jm->error;
    return nullptr;
  }
  auto client_it = lane.clients.find(jm_name);
  if (client_it == lane.clients.end()) {
    auto e = lane.client_errors.find(jm_name);
    lane.follow_error =
        "JobManager " + jm_name + ": " +
        (e == lane.client_errors.end() ? std::string("not configured")
                                       : e->second);
    return nullptr;
  }
  if (jm == lane.followed.get() && jm_name == lane.endpoint) {
    return client_it->second.get();
  }
  // A new job list: follow it.
  lane.followed = cluster_it->second.jobmanagers.at(jm_name);
  lane.endpoint = jm_name;
  lane.list_error.clear();
  lane.jobs.clear();
  std::vector<const JobSummary*> to_poll;  // in list order: ties keep it
  for (const JobSummary& job : *jm->jobs) {
    if (IsTerminalJobState(job.state)) continue;
    if (!IsJobId(job.id)) {
      if (lane.index == 0 && lane.list_error.empty()) {
        lane.list_error = "job id \"" + job.id.substr(0, 64) +
                          "\" is not a Flink job id (32 hex digits)";
      }
      continue;
    }
    if (LaneOf(job.id) != lane.index) continue;
    auto [it, inserted] = lane.jobs.emplace(job.id, job);
    if (inserted) to_poll.push_back(&it->second);
  }
  lane.schedule.Sync(to_poll, lane.endpoint, mono);
  std::erase_if(lane.tracking,
                [&](const auto& kv) { return !lane.jobs.count(kv.first); });
  // The lane's jobs no longer listed (or now terminal) drop their series;
  // their last completed checkpoint is remembered for a while, bounded.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = current_.begin(); it != current_.end();) {
    if (LaneOf(it->first) != lane.index || lane.jobs.count(it->first)) {
      ++it;
      continue;
    }
    if (it->second && it->second->last_completed_ever) {
      retired_[it->first] = Retired{*it->second->last_completed_ever, now};
    }
    it = current_.erase(it);
    dirty_ = true;
  }
  std::erase_if(retired_, [&](const auto& kv) {
    return now - kv.second.since > kRetiredFor;
  });
  if (retired_.size() > kMaxRetired) {
    // The oldest go, in one pass: a JobManager listing no jobs at all retires
    // every job at once.
    std::vector<std::pair<TimePoint, std::string>> by_age;
    by_age.reserve(retired_.size());
    for (const auto& [id, r] : retired_) by_age.emplace_back(r.since, id);
    const size_t excess = retired_.size() - kMaxRetired;
    std::nth_element(by_age.begin(), by_age.begin() + excess, by_age.end());
    for (size_t i = 0; i < excess; ++i) retired_.erase(by_age[i].second);
  }
  return client_it->second.get();
}

bool CheckpointPoller::Visit(Lane& lane, HttpClient& client,
                             const std::string& job_id, TimePoint now,
                             MonoTime mono) {
  const JobSummary& job = lane.jobs.at(job_id);
  // The previous observation; a job seen again after it left the list gets
  // its last completed checkpoint back.
  std::shared_ptr<const JobCheckpointObservation> previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = current_.find(job_id); it != current_.end()) {
      previous = it->second;
    } else if (auto r = retired_.find(job_id); r != retired_.end()) {
      auto revived = std::make_shared<JobCheckpointObservation>();
      revived->job_id = job_id;
      revived->last_completed_ever = r->second.last_completed;
      previous = std::move(revived);
    }
  }
  auto tracking_it = lane.tracking.find(job_id);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             now.time_since_epoch())
                             .count();
  const JobPollPlan plan = PlanJobPoll(
      job, tracking_it == lane.tracking.end() ? nullptr : &tracking_it->second,
      lane.endpoint, now_ms, DetailsPeriodMs(cluster_->poll_interval));
  JobFetch f = FetchJob(client, job, plan, now, [this] { return AwaitSlot(); });
  if (stopping_) return true;  // a cancelled visit says nothing about Flink
  if (f.fault == RestFault::kConnect || f.fault == RestFault::kTimeout) {
    // The endpoint is down: keep this job's last values and its place in line.
    lane.visit_error = f.result.error;
    return false;
  }
  lane.visit_error.clear();  // the endpoint answers again
  RecordJobPoll(lane.tracking[job_id], job, lane.endpoint, plan, f.config_ok,
                f.restarts_ok, f.exceptions_ok, f.details_ok, now_ms);
  auto merged = std::make_shared<const JobCheckpointObservation>(
      MergeCheckpointPoll(previous.get(), f.result));
  // numRestarts read while Flink's metric store may still hold the count from
  // before a restart is asked once more when the store has caught up.
  std::optional<MonoTime> revisit;
  const int64_t recheck_ms = RestartsRecheckAtMs(job);
  if (plan.fetch_restarts && now_ms < recheck_ms) {
    revisit = mono + std::chrono::milliseconds(recheck_ms - now_ms);
  }
  lane.schedule.Visited(
      job_id, CadenceOf(job, *merged, f.result.checkpointing_disabled), mono,
      revisit);
  std::lock_guard<std::mutex> lock(mu_);
  if (f.result.exceptions) {
    for (const JobException* e :
         NewExceptions(previous && previous->exceptions ? &*previous->exceptions
                                                        : nullptr,
                       *f.result.exceptions)) {
      failures_.Add(e->exception_class);
      failures_dirty_ = true;
    }
  }
  retired_.erase(job_id);
  auto [it, inserted] = current_.insert_or_assign(job_id, std::move(merged));
  dirty_ = true;
  new_results_ |= inserted;
  return true;
}

void CheckpointPoller::Publish(Lane& lane, TimePoint now, MonoTime mono,
                               bool force) {
  if (stopping_) return;  // a cancelled poll says nothing about Flink
  // The schedule is the lane's own: read it before taking the shared lock.
  const size_t lane_scheduled = lane.schedule.size();
  const size_t lane_unvisited = lane.schedule.Unvisited();
  const size_t lane_overdue =
      lane.schedule.Overdue(mono, cluster_->poll_interval);
  std::lock_guard<std::mutex> lock(mu_);
  lane.error = !lane.follow_error.empty()  ? lane.follow_error
               : !lane.visit_error.empty() ? lane.visit_error
                                           : lane.list_error;
  lane.scheduled = lane_scheduled;
  lane.unvisited = lane_unvisited;
  lane.overdue = lane_overdue;
  lane.has_list = lane.followed != nullptr;
  size_t scheduled = 0, unvisited = 0, overdue = 0;
  bool all_followed = true;
  std::string error;
  for (const auto& l : lanes_) {
    all_followed &= l->has_list;
    scheduled += l->scheduled;
    unvisited += l->unvisited;
    overdue += l->overdue;
    if (error.empty()) error = l->error;
  }
  // The source's health is recorded once per poll interval (or when a visit
  // found the endpoint down), as the other REST sources do. The first report
  // (which /ready waits for) comes when every listed job was read once, or
  // after one poll interval on a cluster too large for that.
  const bool attempt_due =
      force || (reported_ ? mono - last_attempt_ >= cluster_->poll_interval
                          : (all_followed && unvisited == 0) ||
                                mono - started_ >= cluster_->poll_interval);
  const Duration period = new_results_
                              ? FirstResultPeriod(cluster_->poll_interval)
                              : cluster_->poll_interval;
  if (!attempt_due && !(dirty_ && mono - last_publish_ >= period)) return;
  // Why nothing can be polled, else the first job error.
  for (const auto& [id, obs] : current_) {
    if (!error.empty()) break;
    if (obs && !obs->error.empty()) error = obs->error;
  }
  CheckpointPollStatus status;
  status.requests_per_second_budget = cluster_->checkpoint_requests_per_second;
  status.requests_total = requests_total_;
  status.jobs = scheduled;
  status.overdue_jobs = overdue;
  if (failures_dirty_ || !published_failures_) {
    published_failures_ = std::make_shared<const FailureCounts>(failures_);
    failures_dirty_ = false;
  }
  status.failures = published_failures_;
  const bool publish_map = dirty_;
  // Under mu_: two lanes never publish out of order.
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
  new_results_ = false;
  last_publish_ = mono;
}

void CheckpointPoller::Run(Lane& lane) {
  if (!AwaitFirstJobManagerPoll()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ == MonoTime{}) started_ = std::chrono::steady_clock::now();
  }
  // Looks at the job list this often: a new job is asked for within a tick of
  // the JobManager poller listing it.
  const Duration tick = std::min<Duration>(std::chrono::milliseconds(250),
                                           cluster_->poll_interval);
  while (!stopping_) {
    const TimePoint now = std::chrono::system_clock::now();
    const MonoTime mono = std::chrono::steady_clock::now();
    HttpClient* client = Follow(lane, now, mono);
    if (!client) {
      Publish(lane, now, mono, false);
      if (!SleepUntil(mono + tick)) return;
      continue;
    }
    if (auto due = lane.schedule.NextDue(mono)) {
      if (!Visit(lane, *client, *due, now, mono)) {
        // Down: try again after a poll interval rather than hammering it.
        Publish(lane, now, mono, true);
        if (!SleepUntil(mono + cluster_->poll_interval)) return;
        continue;
      }
      Publish(lane, now, std::chrono::steady_clock::now(), false);
      continue;
    }
    Publish(lane, now, mono, false);
    MonoTime wake = mono + tick;
    if (auto earliest = lane.schedule.EarliestDue();
        earliest && *earliest < wake) {
      wake = *earliest;
    }
    if (!SleepUntil(wake)) return;
  }
}

}  // namespace flinkha
