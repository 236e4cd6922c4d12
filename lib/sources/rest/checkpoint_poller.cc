// CheckpointPoller: per-job checkpoint statistics, config and restarts from the
// leader side.
#include "sources/rest/checkpoint_poller.h"

#include <chrono>
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

// Runs the requests of one job's plan. Each request is made at most once per
// poll.
JobFetch FetchJob(HttpClient& client, const JobSummary& job,
                  const JobPollPlan& plan, TimePoint now) {
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

}  // namespace

CheckpointPoller::CheckpointPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   StateStore* store)
    : cluster_(std::move(cluster)), store_(store) {
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
  worker_.Start(cluster_->poll_interval, [this] { PollOnce(); });
}

void CheckpointPoller::Stop() {
  stopping_ = true;
  for (auto& [name, client] : clients_) client->Cancel();
  worker_.Stop();
}

void CheckpointPoller::Publish(
    TimePoint now, const std::string& error,
    const std::map<std::string,
                   std::shared_ptr<const JobCheckpointObservation>>*
        checkpoints) {
  if (stopping_) return;  // a cancelled poll says nothing about Flink
  faults_.Report(cluster_->name, error);
  store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
    if (checkpoints) c.checkpoints = *checkpoints;
    RecordSourceAttempt(c, "checkpoints", now, error);
  });
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
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void CheckpointPoller::PollOnce() {
  if (first_poll_) {
    first_poll_ = false;
    if (!AwaitFirstJobManagerPoll()) return;
  }
  const TimePoint now = std::chrono::system_clock::now();
  const SnapshotPtr snapshot = store_->Get();
  auto cluster_it = snapshot->clusters.find(cluster_->name);
  if (cluster_it == snapshot->clusters.end()) {
    Publish(now, "no healthy JobManager to read jobs from", nullptr);
    return;
  }
  const ClusterState& cluster = cluster_it->second;
  // The leader-side endpoint: a standby forwards to the leader anyway, but
  // asking the leader saves a hop and sees the same jobs the cluster metrics
  // show.
  std::string jm_name;
  const JobManagerObservation* jm = PreferredJobManager(cluster, &jm_name);
  if (!jm) {
    // Keep what is known (in particular the last completed checkpoints) until a
    // JobManager answers again: this is exactly the failover window.
    Publish(now, "no healthy JobManager to read jobs from", nullptr);
    return;
  }
  if (!jm->jobs) {
    Publish(now, "no job list from JobManager " + jm_name + ": " + jm->error,
            nullptr);
    return;
  }
  auto client_it = clients_.find(jm_name);
  if (client_it == clients_.end()) {
    auto e = client_errors_.find(jm_name);
    Publish(now,
            "JobManager " + jm_name + ": " +
                (e == client_errors_.end() ? std::string("not configured")
                                           : e->second),
            nullptr);
    return;
  }
  HttpClient& client = *client_it->second;

  std::map<std::string, std::shared_ptr<const JobCheckpointObservation>> next;
  std::string first_error;
  bool endpoint_down = false;
  for (const JobSummary& job : *jm->jobs) {
    if (IsTerminalJobState(job.state)) continue;
    if (stopping_) return;
    auto prev_it = cluster.checkpoints.find(job.id);
    const JobCheckpointObservation* previous =
        prev_it == cluster.checkpoints.end() ? nullptr : prev_it->second.get();
    // A job seen again after it left the list gets its last completed
    // checkpoint back.
    JobCheckpointObservation revived;
    if (!previous) {
      if (auto r = retired_.find(job.id); r != retired_.end()) {
        revived.job_id = job.id;
        revived.last_completed_ever = r->second.last_completed;
        previous = &revived;
        retired_.erase(r);
      }
    }
    if (!IsJobId(job.id)) {
      if (first_error.empty())
        first_error = "job id \"" + job.id.substr(0, 64) + "\" is not hex";
      continue;
    }
    if (endpoint_down) {
      // The endpoint failed on an earlier job this poll: keep this job's last
      // values.
      if (previous)
        next[job.id] =
            std::make_shared<const JobCheckpointObservation>(*previous);
      continue;
    }
    auto tracking_it = tracking_.find(job.id);
    const JobPollPlan plan = PlanJobPoll(
        job, tracking_it == tracking_.end() ? nullptr : &tracking_it->second,
        jm_name,
        std::chrono::duration_cast<std::chrono::milliseconds>(
            now.time_since_epoch())
            .count());
    JobFetch f = FetchJob(client, job, plan, now);
    if (stopping_) return;
    RecordJobPoll(tracking_[job.id], job, jm_name, plan, f.config_ok,
                  f.restarts_ok);
    if (first_error.empty() && !f.result.error.empty())
      first_error = f.result.error;
    endpoint_down =
        f.fault == RestFault::kConnect || f.fault == RestFault::kTimeout;
    next[job.id] = std::make_shared<const JobCheckpointObservation>(
        MergeCheckpointPoll(previous, f.result));
  }

  // Jobs no longer listed (or now terminal) drop their series; remember their
  // last completed checkpoint for a while, bounded.
  for (const auto& [id, obs] : cluster.checkpoints) {
    if (next.count(id) || !obs || !obs->last_completed_ever) continue;
    retired_[id] = Retired{*obs->last_completed_ever, now};
  }
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
  std::erase_if(tracking_,
                [&](const auto& kv) { return !next.count(kv.first); });
  Publish(now, first_error, &next);
}

}  // namespace flinkha
