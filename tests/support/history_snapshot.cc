// HistorySnapshot: a moving cluster for the history tests.
#include "support/history_snapshot.h"

#include <memory>

namespace flinkha::testing {

Snapshot HistorySnapshot(const HistoryScenario& sc, int step, TimePoint now) {
  Snapshot s;
  s.started_at = now;
  ClusterState& c = s.clusters[sc.cluster];
  c.name = sc.cluster;
  auto cfg = std::make_shared<ClusterConfig>();
  cfg->name = sc.cluster;
  cfg->jobmanagers = {{"jm-1", "http://localhost:8081", "jobmanager:8081"},
                      {"jm-2", "http://localhost:8082", "standby:8081"}};
  cfg->zookeeper = ZooKeeperConfig{};
  cfg->output = {OutputConfig{"./output"}};
  c.config = cfg;
  auto ha = std::make_shared<HaState>();
  ComponentLeadership rest;
  rest.known = !sc.leader.empty();
  rest.jobmanager = sc.leader;
  rest.leader.address = "http://" + sc.leader + ":8081";
  ha->components["rest_server"] = rest;
  c.ha = ha;
  auto overview = ClusterOverview{2, 8, 2};
  std::vector<JobSummary> jobs;
  for (int i = 0; i < sc.jobs; ++i) {
    JobSummary j;
    j.id = "job" + std::to_string(sc.first_job + i);
    j.name = sc.job_name_prefix + std::to_string(i);
    j.state = sc.flap && (step + i) % 2 ? "RESTARTING" : "RUNNING";
    jobs.push_back(j);
    auto cp = std::make_shared<JobCheckpointObservation>();
    cp->job_id = j.id;
    cp->job_name = j.name;
    CheckpointStats st;
    st.completed = step * 3 + i;
    st.failed = step / 50;
    CompletedCheckpoint last;
    last.id = st.completed;
    last.latest_ack_timestamp_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            now.time_since_epoch())
            .count() -
        4000;
    st.latest_completed = last;
    cp->stats = st;
    CheckpointConfigInfo ci;
    ci.interval_ms = 10000;
    cp->config = ci;
    cp->num_restarts = step / 100;
    c.checkpoints[j.id] = cp;
  }
  for (const auto& jm : cfg->jobmanagers) {
    auto o = std::make_shared<JobManagerObservation>();
    o->at = now;
    o->up = true;
    o->overview = overview;
    o->jobs = jobs;
    c.jobmanagers[jm.name] = o;
  }
  auto zk = std::make_shared<ZkObservation>();
  zk->at = now;
  zk->connected = true;
  zk->session_state = ZkSessionState::kConnected;
  c.zookeeper = zk;
  auto server = std::make_shared<ZkServerHealth>();
  server->server = "zk-1:2181";
  server->up = true;
  server->mode = "standalone";
  c.zookeeper_servers[server->server] = server;
  auto out = std::make_shared<OutputObservation>();
  out->directory = "./output";
  out->readable = true;
  out->files_created_total = static_cast<uint64_t>(step);
  out->in_progress_files = step % 3;
  out->last_file_timestamp_seconds =
      std::chrono::duration<double>(now.time_since_epoch()).count() - 2;
  c.outputs["./output"] = out;
  for (const char* id : {"rest/jm-1", "rest/jm-2", "zookeeper", "checkpoints",
                         "output/./output"}) {
    SourceStatus& st = c.sources[id];
    st.reported = true;
    st.up = true;
    st.last_success = now;
  }
  auto f = std::make_shared<FailoverState>();
  if (sc.failover_lost_at) {
    FailoverReport r;
    r.seen_by = "rest";
    r.lost_jobmanager = "jm-1";
    r.cause = LossCause::kRefused;
    r.lost_at = *sc.failover_lost_at;
    r.leader_at = sc.failover_leader_at;
    if (r.leader_at) {
      r.new_jobmanager = "jm-2";
      r.job_running_at = *r.leader_at + std::chrono::seconds(3);
    }
    f->reports.push_back(r);
  }
  c.failover = f;
  auto tms = std::make_shared<TaskManagerView>();
  tms->jobmanager = "jm-1";
  c.taskmanagers = tms;
  c.facts = DeriveFacts(c);
  return s;
}

}  // namespace flinkha::testing
