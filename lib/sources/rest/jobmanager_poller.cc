// JobManagerPoller: one JobManager's cluster endpoints into the store, every
// poll interval.
#include "sources/rest/jobmanager_poller.h"

#include <chrono>

#include "model/rest_parsers.h"
#include "sources/rest/http_client.h"

namespace flinkha {
namespace {

// "HTTP 500: Internal server error." or "HTTP 502" when the body is not Flink's
// error JSON.
std::string StatusText(const HttpResponse& r) {
  std::string s = "HTTP " + std::to_string(r.status);
  if (auto msg = FlinkErrorMessage(r.body); !msg.empty()) s += ": " + msg;
  return s;
}

}  // namespace

JobManagerObservation PollJobManagerOnce(
    HttpClient& client, TimePoint now, const std::function<bool()>& stopping) {
  JobManagerObservation obs;
  obs.at = now;
  const auto start = std::chrono::steady_clock::now();
  auto note = [&](RestFault fault, const std::string& message) {
    if (obs.error.empty()) obs.error = message;
    if (obs.fault == RestFault::kNone) obs.fault = fault;
  };

  for (const char* path :
       {"/config", "/overview", "/jobs/overview", "/taskmanagers"}) {
    if (stopping && stopping()) {
      note(RestFault::kConnect, std::string("GET ") + path +
                                    ": cancelled: the exporter is stopping");
      break;
    }
    const std::string what = std::string("GET ") + path;
    RestFault fault = RestFault::kNone;
    auto r = client.Get(path, &fault);
    if (!r.ok()) {
      note(fault, what + ": " + r.error().message);
      // The remaining requests would fail or wait the same way: end the poll
      // now.
      if (fault == RestFault::kConnect || fault == RestFault::kTimeout) break;
      continue;
    }
    if (IsLeaderElectionAnswer(r->status, r->body)) {
      // The endpoint is alive but no leader is known: nothing it says now is
      // cluster data.
      obs.config.reset();
      obs.overview.reset();
      obs.jobs.reset();
      obs.taskmanagers.reset();
      obs.fault = RestFault::kLeaderElection;
      obs.error = what + ": HTTP 503: leader election in progress";
      break;
    }
    if (r->status >= 300 && r->status < 400) {
      // Flink 1.5-1.7 standbys redirect to the leader instead of forwarding.
      // Not followed: the exporter reaches the leader through its own
      // configured URL.
      note(RestFault::kHttpStatus,
           what + ": HTTP " + std::to_string(r->status) + " redirect to " +
               (r->location.empty() ? std::string("an unnamed location")
                                    : r->location) +
               " (a Flink 1.5-1.7 standby; configure the JobManager URLs "
               "directly)");
      break;
    }
    if (r->status == 404 && std::string_view(path) == "/taskmanagers") {
      // "Cannot connect to ResourceManager right now": the resource manager
      // leader is unknown.
      if (obs.error.empty()) obs.error = what + ": " + StatusText(*r);
      continue;
    }
    if (r->status != 200) {
      note(RestFault::kHttpStatus, what + ": " + StatusText(*r));
      continue;
    }
    const std::string_view body = r->body;
    std::optional<Error> parse_error;
    auto keep = [&](auto parsed, auto& slot) {
      if (parsed.ok()) {
        slot = std::move(parsed).value();
      } else {
        parse_error = parsed.error();
      }
    };
    const std::string_view p = path;
    if (p == "/config") {
      keep(ParseFlinkConfig(body), obs.config);
    } else if (p == "/overview") {
      keep(ParseOverview(body), obs.overview);
    } else if (p == "/jobs/overview") {
      keep(ParseJobsOverview(body), obs.jobs);
    } else {
      keep(ParseTaskManagers(body), obs.taskmanagers);
    }
    if (parse_error)
      note(RestFault::kParse, what + ": " + parse_error->message);
  }
  obs.up = obs.fault == RestFault::kLeaderElection || obs.overview.has_value();
  obs.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return obs;
}

JobManagerPoller::JobManagerPoller(std::shared_ptr<const ClusterConfig> cluster,
                                   JobManagerConfig jm, StateStore* store)
    : cluster_(std::move(cluster)), jm_(std::move(jm)), store_(store) {
  auto client = HttpClient::Create(HttpClientOptions::For(*cluster_, jm_));
  if (client.ok()) {
    client_ = std::move(client).value();
  } else {
    client_error_ = client.error().message;
  }
}

JobManagerPoller::~JobManagerPoller() { Stop(); }

void JobManagerPoller::Start() {
  worker_.Start(cluster_->poll_interval, [this] { PollOnce(); });
}

void JobManagerPoller::Stop() {
  // Cancel first: a request in flight returns at once instead of at
  // request_timeout.
  stopping_ = true;
  if (client_) client_->Cancel();
  worker_.Stop();
}

void JobManagerPoller::PollOnce() {
  const TimePoint now = std::chrono::system_clock::now();
  JobManagerObservation obs;
  if (client_) {
    obs =
        PollJobManagerOnce(*client_, now, [this] { return stopping_.load(); });
  } else {
    obs.at = now;
    obs.fault = RestFault::kConnect;
    obs.error = client_error_;
  }
  if (stopping_) return;  // a cancelled poll says nothing about the JobManager
  faults_.Report(cluster_->name + "/" + jm_.name, obs.error);
  // A leader election answer comes from a healthy endpoint doing its job (Flink
  // answers 503 on every endpoint until a leader is known), so the source
  // attempt counts as a success: source_up stays 1 and the election shows in
  // jobmanager_leader_election_in_progress. The 404 of /taskmanagers (fault
  // kNone) likewise is Flink's state, not the exporter failing.
  const std::string source_error =
      obs.fault == RestFault::kNone || obs.fault == RestFault::kLeaderElection
          ? ""
          : obs.error;
  auto published =
      std::make_shared<const JobManagerObservation>(std::move(obs));
  store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
    c.jobmanagers[jm_.name] = published;
    RecordSourceAttempt(c, "rest/" + jm_.name, now, source_error);
  });
}

}  // namespace flinkha
