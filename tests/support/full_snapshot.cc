// FullSnapshot: the fully populated snapshot behind the golden metrics file.
#include "support/full_snapshot.h"

#include <memory>

#include "collectors/process_collector.h"
#include "model/store.h"

namespace flinkha::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kFullSnapshotTime = TimePoint{} + seconds(1'764'061'200);

namespace {
const TimePoint kT = kFullSnapshotTime;
}  // namespace

Snapshot FullSnapshot() {
  Snapshot s;
  s.started_at = kT - seconds(3600);
  s.config_last_reload_success = kT - seconds(3600);
  ClusterConfig cfg;
  cfg.name = "realtime-pipeline";
  cfg.jobmanagers = {
      {"jm-1", "http://localhost:8081", "jobmanager:8081"},
      {"jm-2", "http://localhost:8082", "jobmanager-standby:8081"}};
  cfg.zookeeper = ZooKeeperConfig{};
  cfg.zookeeper->quorum = "zookeeper:2181";
  cfg.output = {OutputConfig{"./output", "*.csv", true}};
  cfg.expected_taskmanagers = 3;
  ClusterState& c = s.clusters[cfg.name];
  c.name = cfg.name;
  c.config = std::make_shared<const ClusterConfig>(cfg);

  for (const auto& jm : cfg.jobmanagers) {
    auto o = std::make_shared<JobManagerObservation>();
    o->at = kT;
    o->up = jm.name == "jm-1";
    o->fault = o->up ? RestFault::kNone : RestFault::kConnect;
    o->error = o->up ? "" : "GET /config: connection refused";
    o->duration_seconds = 0.012;
    if (o->up) {
      o->config =
          FlinkConfigInfo{"1.19.1", "d4c3b2a @ 2024-06-10T12:00:00+02:00"};
      o->overview = ClusterOverview{3, 12, 4};
      o->jobs = std::vector<JobSummary>{{"a1b2c3d4e5f60718293a4b5c6d7e8f90",
                                         "csv-writer", "RUNNING", 1764050000000,
                                         1764057000000, 6, 4}};
    }
    c.jobmanagers[jm.name] = o;
    RecordSourceAttempt(c, "rest/" + jm.name, kT, o->error);
  }

  auto ck = std::make_shared<JobCheckpointObservation>();
  ck->job_id = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  ck->job_name = "csv-writer";
  ck->at = kT;
  ck->stats = CheckpointStats{};
  ck->stats->restored = 1;
  ck->stats->total = 14;
  ck->stats->completed = 12;
  ck->stats->failed = 1;
  ck->stats->in_progress = 1;
  CompletedCheckpoint done{
      57, 1764061000000, 1764061001500, 1500, 65536, 131072, "", false};
  ck->stats->latest_completed = done;
  ck->last_completed_ever = done;
  ck->stats->latest_failed =
      FailedCheckpoint{50, 1764060000000, 1764060030000, "timeout"};
  ck->stats->latest_restored =
      RestoredCheckpoint{44, 1764057000000, false, "s3://cp/44"};
  ck->config = CheckpointConfigInfo{};
  ck->config->interval_ms = 180000;
  ck->config->timeout_ms = 600000;
  ck->config->mode = "exactly_once";
  ck->config->tolerable_failed_checkpoints = 2;
  ck->config->tolerable_failed_checkpoints_known = true;
  ck->num_restarts = 1;
  ck->exceptions = ExceptionHistory{};
  JobException failure;
  failure.timestamp_ms = 1764056990000;
  failure.exception_class = "java.lang.IllegalStateException";
  failure.message = "boom";
  failure.task = "map (2/3) - execution #0";
  failure.endpoint = "taskmanager-2:6121";
  ck->exceptions->entries.push_back(failure);
  auto details = std::make_shared<JobDetails>();
  details->state = "RUNNING";
  details->now_ms = 1764061002000;
  details->timestamps = {{"CREATED", 1764050000100},
                         {"RUNNING", 1764057000000}};
  ck->details = details;
  ck->backpressure = Backpressure{0.25, "Source: rows", 120};
  c.checkpoints[ck->job_id] = ck;
  auto failures = std::make_shared<FailureCounts>();
  failures->Add("java.lang.IllegalStateException");
  c.checkpoint_poll = CheckpointPollStatus{60, 1234, 1, 0, failures};
  RecordSourceAttempt(c, "checkpoints", kT, "");

  auto zk = std::make_shared<ZkObservation>();
  zk->at = kT;
  zk->connected = true;
  zk->session_state = ZkSessionState::kConnected;
  zk->layout = ZkLayout::k1_19;
  zk->components["rest_server"] = LeaderInfo{
      "http://jobmanager:8081", "5d9457cf-c176-4885-9d15-fa3f8b1642fd"};
  zk->contenders["shared"] = 1;
  zk->job_leaders[ck->job_id] = LeaderInfo{
      "pekko.tcp://flink@jobmanager:6123/user/rpc/jobmanager_2", "x"};
  zk->latest_checkpoint_ids[ck->job_id] = 57;
  zk->session_expirations_total = 1;
  zk->session_server = "zookeeper:2181";
  zk->session_server_changes_total = 1;
  c.zookeeper = zk;
  auto ha = std::make_shared<HaState>();
  ha->components["rest_server"] =
      ComponentLeadership{true,
                          zk->components["rest_server"].value(),
                          "jm-1",
                          3,
                          kT - seconds(600),
                          kT - seconds(601)};
  ha->contenders["shared"] = 1;
  ha->failovers_total = 2;
  ha->events.push_back(HaEvent{kT - seconds(600), HaEventKind::kLeadersReplaced,
                               "", "jm-2", "jm-1", 0.5, ""});
  c.ha = ha;
  RecordSourceAttempt(c, "zookeeper", kT, "");

  // What the Kubernetes HA source adds (a cluster has it instead of ZooKeeper;
  // here beside it, so that every family is rendered).
  auto k8s = std::make_shared<K8sObservation>();
  k8s->api_server = "https://kubernetes.default.svc";
  k8s->namespace_name = "flink";
  k8s->cluster_id = "realtime-pipeline";
  k8s->reachable = true;
  k8s->mode = "watch";
  k8s->configmaps = 2;
  k8s->watch_restarts_total = 4;
  k8s->watch_expired_total = 1;
  K8sLock lock;
  lock.configmap = "realtime-pipeline-cluster-config-map";
  lock.record.holder_identity = "d275e53a-dfb0-4c2c-85f8-ba0b8db17e11";
  lock.record.lease_duration_seconds = 15;
  lock.record.acquire_time = kT - seconds(600);
  lock.record.renew_time = kT - seconds(2);
  lock.record.leader_transitions = 3;
  k8s->locks.push_back(lock);
  c.kubernetes = k8s;

  auto h = std::make_shared<ZkServerHealth>();
  h->server = "zookeeper:2181";
  h->at = kT;
  h->up = true;
  h->mode = "standalone";
  h->command_used = "srvr";
  h->commands_allowed = {{"srvr", true}, {"mntr", false}, {"ruok", false}};
  h->latency_min_seconds = 0;
  h->latency_avg_seconds = 0.0004;
  h->latency_max_seconds = 0.012;
  h->outstanding_requests = 0;
  h->znode_count = 42;
  h->connections = 3;
  h->zxid = 0x300000012;
  c.zookeeper_servers[h->server] = h;
  auto ensemble = std::make_shared<ZkEnsembleState>();
  ensemble->view = DeriveEnsemble(
      {c.zookeeper_servers.begin(), c.zookeeper_servers.end()}, 1);
  ensemble->elections.epoch = 3;
  ensemble->elections.leader = h->server;
  ensemble->elections.elections_total = 2;
  c.zookeeper_ensemble = ensemble;
  RecordSourceAttempt(c, "zookeeper_health", kT, "");

  auto out = std::make_shared<OutputObservation>();
  out->directory = "./output";
  out->at = kT;
  out->readable = true;
  out->finished_files = 120;
  out->in_progress_files = 1;
  out->bytes = 1048576;
  out->last_file_timestamp_seconds = 1764061001.5;
  out->in_progress_last_write_timestamp_seconds = 1764061055.25;
  out->files_created_total = 12;
  out->rows_total = 3456;
  c.outputs["./output"] = out;
  RecordSourceAttempt(c, "output/./output", kT, "");

  auto tms = std::make_shared<TaskManagerView>();
  tms->jobmanager = "jm-1";
  tms->listed_at = kT;
  for (int i = 0; i < 3; ++i) {
    TaskManagerSummary tm;
    tm.id = "10.0.0." + std::to_string(5 + i) + ":35120-8a0c3f";
    tm.path = "pekko.tcp://flink@10.0.0." + std::to_string(5 + i) +
              ":6122/user/rpc/taskmanager_0";
    tm.address = "10.0.0." + std::to_string(5 + i) + ":6122";
    tm.slots_number = 4;
    tm.free_slots = i == 0 ? 4 : 0;
    tm.last_heartbeat_ms = 1764061195000 + i;
    tms->taskmanagers.push_back(tm);
  }
  tms->lost_total = 1;
  tms->lost.push_back(LostTaskManager{"10.0.0.9:35120-77aa01", "10.0.0.9:6122",
                                      kT - seconds(900), kT - seconds(895),
                                      kT - seconds(835)});
  c.taskmanagers = tms;

  auto f = std::make_shared<FailoverState>();
  f->failovers_total = 2;
  f->leaderless_seconds_total = 9.25;
  FailoverReport r;
  r.seen_by = "rest";
  r.lost_jobmanager = "jm-2";
  r.cause = LossCause::kRefused;
  r.lost_at = kT - milliseconds(606500);
  r.last_good = kT - seconds(611);
  r.zookeeper_lost_at = kT - milliseconds(600500);
  r.leader_at = kT - seconds(600);
  r.new_jobmanager = "jm-1";
  r.job_running_at = kT - seconds(592);
  r.restored_checkpoint_id = 41;
  r.restored_checkpoint_age_seconds = 118.5;
  r.checkpoint_at = kT - milliseconds(411500);
  r.checkpoint_id = 1;
  r.output_at = kT - seconds(410);
  f->reports.push_back(r);
  c.failover = f;
  RefreshFacts(s);
  return s;
}

void RefreshFacts(Snapshot& s) {
  for (auto& [name, c] : s.clusters) c.facts = DeriveFacts(c);
}

std::vector<std::unique_ptr<Collector>> StableCollectors() {
  std::vector<std::unique_ptr<Collector>> all = AllCollectors();
  for (auto& c : all) {
    if (dynamic_cast<const ProcessCollector*>(c.get()) == nullptr) continue;
    c = std::make_unique<ProcessCollector>([] {
      ProcessStats s;
      s.cpu_seconds = 1.5;
      s.resident_memory_bytes = 12 << 20;
      s.virtual_memory_bytes = 300 << 20;
      s.start_time_seconds = ToUnixSeconds(kFullSnapshotTime) - 3600;
      s.open_fds = 20;
      s.max_fds = 1024;
      return s;
    });
  }
  return all;
}

}  // namespace flinkha::testing
