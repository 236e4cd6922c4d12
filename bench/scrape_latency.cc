// Scrape cost of /metrics over real loopback HTTP for a cluster of N jobs
// (default 1000) with checkpoints and ZooKeeper job leaders, before and after
// the /metrics cache, in one run: each mode runs in a child process of its own
// (so RSS and CPU are its own) and the parent prints both and the ratio.
//   uncached: the previous handler, RenderMetrics() and httplib's gzip per
//             scrape, default malloc arenas;
//   cached:   the real HttpServer (MetricsCache) and LimitMallocArenas().
// Per mode: p50/p99 of plain and gzip scrapes on one keep-alive connection;
// the median time from a ZooKeeper HA update in the StateStore until /metrics
// shows it; RSS; CPU% of the exporter side while 10 scrapers (another
// process) scrape with gzip at 1 Hz.
// Usage: scrape_latency [--jobs N] [--requests R] [--cpu-seconds S]
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "http/server.h"
#include "model/store.h"
#include "support/process.h"
#include "util/memory.h"

extern char** environ;

using namespace flinkha;  // NOLINT: a benchmark main

namespace {

using Clock = std::chrono::steady_clock;
const char* kCluster = "realtime-pipeline";

struct Options {
  std::string mode;  // "" (the parent), uncached, cached, scrapers
  int jobs = 1000;
  int requests = 300;
  int cpu_seconds = 20;
  int port = 0;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode") o.mode = v;
    if (k == "--jobs") o.jobs = std::atoi(v.c_str());
    if (k == "--requests") o.requests = std::atoi(v.c_str());
    if (k == "--cpu-seconds") o.cpu_seconds = std::atoi(v.c_str());
    if (k == "--port") o.port = std::atoi(v.c_str());
  }
  return o;
}

void Fill(StateStore* store, int jobs) {
  ClusterConfig cfg;
  cfg.name = kCluster;
  cfg.jobmanagers = {
      {"jm-1", "http://localhost:8081", "jobmanager:8081"},
      {"jm-2", "http://localhost:8082", "jobmanager-standby:8081"}};
  cfg.zookeeper = ZooKeeperConfig{};
  store->UpdateCluster(cfg.name, [&](ClusterState& c) {
    c.config = std::make_shared<const ClusterConfig>(cfg);
    auto o = std::make_shared<JobManagerObservation>();
    o->up = true;
    o->config = FlinkConfigInfo{"1.19.1", "abcdef"};
    o->overview = ClusterOverview{3, 12, 0};
    auto zk = std::make_shared<ZkObservation>();
    zk->connected = true;
    zk->session_state = ZkSessionState::kConnected;
    zk->layout = ZkLayout::k1_19;
    zk->components["rest_server"] = LeaderInfo{"http://jobmanager:8081", "u"};
    zk->contenders["shared"] = 2;
    std::vector<JobSummary> list;
    for (int i = 0; i < jobs; ++i) {
      char id[33];
      std::snprintf(id, sizeof id, "%032x", i + 1);
      list.push_back({id, "csv-writer-" + std::to_string(i), "RUNNING",
                      1700000000000, 1700000000000});
      auto ck = std::make_shared<JobCheckpointObservation>();
      ck->job_id = id;
      ck->job_name = list.back().name;
      ck->stats = CheckpointStats{};
      ck->stats->completed = 42;
      CompletedCheckpoint done;
      done.id = 42;
      done.latest_ack_timestamp_ms = 1700000100000;
      done.end_to_end_duration_ms = 1200;
      done.checkpointed_size_bytes = 1 << 20;
      ck->stats->latest_completed = done;
      ck->last_completed_ever = done;
      ck->config = CheckpointConfigInfo{180000, 600000, 0, "exactly_once", 0};
      ck->num_restarts = 0;
      c.checkpoints[id] = ck;
      zk->job_leaders[id] =
          LeaderInfo{"pekko.tcp://flink@jobmanager:6123/user/rpc/jm", "u"};
      zk->latest_checkpoint_ids[id] = 42;
    }
    o->jobs = list;
    c.jobmanagers["jm-1"] = o;
    c.jobmanagers["jm-2"] = o;
    c.zookeeper = zk;
    auto ha = std::make_shared<HaState>();
    ha->components["rest_server"] = ComponentLeadership{
        true, zk->components["rest_server"].value(), "jm-1", 1, {}, {}};
    ha->contenders["shared"] = 2;
    c.ha = ha;
    for (const auto& jm : cfg.jobmanagers) {
      RecordSourceAttempt(c, "rest/" + jm.name,
                          std::chrono::system_clock::now(), "");
    }
    RecordSourceAttempt(c, "checkpoints", std::chrono::system_clock::now(), "");
    RecordSourceAttempt(c, "zookeeper", std::chrono::system_clock::now(), "");
  });
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

double RssMb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::atof(line.c_str() + std::strlen(field)) / 1024.0;
    }
  }
  return 0;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Starts this program again with args; returns its pid, and its stdout as
// *out_fd when out_fd is not null.
pid_t Spawn(const std::vector<std::string>& args, int* out_fd) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int fds[2] = {-1, -1};
  if (out_fd) {
    if (pipe(fds) != 0) return -1;
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
  }
  pid_t pid = -1;
  if (posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ) !=
      0) {
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&fa);
  if (out_fd) {
    close(fds[1]);
    *out_fd = fds[0];
  }
  return pid;
}

// 10 scrapers, one keep-alive connection each, a gzip scrape per second each
// (staggered), for the given seconds.
int RunScrapers(const Options& o) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  const auto start = Clock::now();
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", o.port);
      client.set_keep_alive(true);
      client.set_decompress(false);
      auto next = start + std::chrono::milliseconds(100 * t);
      const auto end = start + std::chrono::seconds(o.cpu_seconds);
      while (next < end) {
        std::this_thread::sleep_until(next);
        auto r = client.Get("/metrics", {{"Accept-Encoding", "gzip"}});
        if (!r || r->status != 200) ++failures;
        next += std::chrono::seconds(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  // Failed scrapes (an overloaded exporter) are reported, not fatal.
  if (failures > 0)
    std::fprintf(stderr, "scrapes failed: %d\n", failures.load());
  return 0;
}

// A keep-alive HTTP/1.1 client that reads in 256 KB chunks into a buffer it
// keeps, as Prometheus does (a buffer per target sized by the last scrape):
// httplib's client reads 4 KB per poll+recv, and growing a string per scrape
// copies the 3.6 MB body three times; either would time the client.
class RawClient {
 public:
  explicit RawClient(int port) : port_(port) { Connect(); }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  // The body of GET path, valid until the next call; false on any failure or
  // a status other than 200. Reconnects when the server closed the connection
  // (httplib's server does after keep_alive_max_count requests).
  bool Get(const std::string& path, bool gzip, std::string_view* body) {
    // What the previous call returned goes now; the buffer is kept, as
    // Prometheus keeps one per target sized by the last scrape.
    std::memmove(in_.data(), in_.data() + start_, used_ - start_);
    used_ -= start_;
    start_ = 0;
    if (fd_ < 0) Connect();
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: bench\r\n" +
                            (gzip ? "Accept-Encoding: gzip\r\n" : "") + "\r\n";
    if (fd_ < 0 || send(fd_, req.data(), req.size(), MSG_NOSIGNAL) !=
                       static_cast<ssize_t>(req.size())) {
      return false;
    }
    size_t head_end;
    while ((head_end = Received().find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    const std::string_view head = Received().substr(0, head_end);
    if (head.compare(0, 13, "HTTP/1.1 200 ") != 0) return false;
    const size_t at = head.find("Content-Length: ");
    if (at == std::string::npos) return false;
    const size_t length = std::strtoul(head.data() + at + 16, nullptr, 10);
    const bool closing = head.find("Connection: close") != std::string::npos;
    const size_t total = head_end + 4 + length;
    while (used_ < total) {
      if (!Fill()) return false;
    }
    *body = Received().substr(head_end + 4, length);
    start_ = total;
    if (closing) {
      close(fd_);
      fd_ = -1;
    }
    return true;
  }

 private:
  void Connect() {
    fd_ = testing::ConnectLoopback(port_);
    if (fd_ < 0) return;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    used_ = start_ = 0;  // nothing of a closed connection is kept
  }
  std::string_view Received() const {
    return std::string_view(in_.data(), used_);
  }
  // Reads up to 256 KB into the buffer, growing it only when it is full.
  bool Fill() {
    constexpr size_t kRead = 256 * 1024;
    if (in_.size() - used_ < kRead)
      in_.resize(std::max(2 * in_.size(), used_ + kRead));
    const ssize_t n = recv(fd_, in_.data() + used_, kRead, 0);
    if (n <= 0) return false;
    used_ += static_cast<size_t>(n);
    return true;
  }
  int port_;
  int fd_ = -1;
  std::vector<char> in_;
  size_t used_ = 0;   // bytes received into in_
  size_t start_ = 0;  // the next response starts here
};

// The handler /metrics had before the cache: render and compress per scrape.
class UncachedServer {
 public:
  explicit UncachedServer(StateStore* store)
      : store_(store), collectors_(AllCollectors()) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(4); };
    server_.set_tcp_nodelay(true);
    server_.Get("/metrics",
                [this](const httplib::Request&, httplib::Response& res) {
                  SnapshotPtr snap = store_->Get();
                  res.set_content(RenderMetrics(collectors_, *snap),
                                  "text/plain; version=0.0.4; charset=utf-8");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~UncachedServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  StateStore* store_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

int RunMode(const Options& o) {
  const bool cached = o.mode == "cached";
  if (cached) LimitMallocArenas();
  StateStore store(std::chrono::system_clock::now());
  Fill(&store, o.jobs);
  std::map<std::string, double> out;

  if (!cached) {
    auto collectors = AllCollectors();
    std::vector<double> render;
    for (int i = 0; i < std::min(o.requests, 50); ++i) {
      const auto t0 = Clock::now();
      (void)RenderMetrics(collectors, *store.Get());
      render.push_back(Ms(Clock::now() - t0));
    }
    out["render_p50_ms"] = Percentile(render, 0.5);
  }

  std::unique_ptr<HttpServer> server;
  std::unique_ptr<UncachedServer> uncached;
  int port = 0;
  if (cached) {
    server = std::make_unique<HttpServer>(
        &store, ServerOptions{"127.0.0.1:0", "/metrics", "", nullptr, {}});
    if (!server->Start().ok()) return 1;
    port = server->port();
  } else {
    uncached = std::make_unique<UncachedServer>(&store);
    port = uncached->port();
  }

  RawClient client(port);
  std::string_view body;
  for (const bool gz : {false, true}) {
    std::vector<double> ms;
    size_t bytes = 0;
    for (int i = 0; i < o.requests + 1; ++i) {
      const auto t0 = Clock::now();
      if (!client.Get("/metrics", gz, &body)) return 1;
      if (gz && body.compare(0, 2, "\x1f\x8b") != 0) return 1;
      if (i > 0) ms.push_back(Ms(Clock::now() - t0));  // the first warms up
      bytes = body.size();
    }
    const std::string k = gz ? "gzip" : "plain";
    out[k + "_p50_ms"] = Percentile(ms, 0.5);
    out[k + "_p99_ms"] = Percentile(ms, 0.99);
    out[k + "_bytes"] = static_cast<double>(bytes);
  }

  // A ZooKeeper HA update as the watcher publishes it (UpdateCluster, so the
  // failover and TaskManager bookkeeping run too), then scrapes until the
  // new leader_changes_total shows.
  std::vector<double> visible, update;
  const int changes = cached ? 50 : 10;
  for (int i = 0; i < changes; ++i) {
    const uint64_t marker = 1000 + static_cast<uint64_t>(i);
    const std::string want =
        std::string("flinkha_leader_changes_total{flink_cluster=\"") +
        kCluster + "\",component=\"rest_server\"} " + std::to_string(marker) +
        "\n";
    const auto t0 = Clock::now();
    store.UpdateCluster(kCluster, [&](ClusterState& c) {
      auto ha = std::make_shared<HaState>(*c.ha);
      ha->components["rest_server"].changes_total = marker;
      c.ha = ha;
    });
    update.push_back(Ms(Clock::now() - t0));
    for (;;) {
      if (!client.Get("/metrics", false, &body)) return 1;
      if (body.find(want) != std::string::npos) break;
    }
    visible.push_back(Ms(Clock::now() - t0));
  }
  out["zk_visible_p50_ms"] = Percentile(visible, 0.5);
  out["zk_update_p50_ms"] = Percentile(update, 0.5);  // the store's part

  // CPU with 10 scrapers at 1 Hz in another process: only this side counts.
  const double cpu0 = CpuSeconds();
  const auto w0 = Clock::now();
  const pid_t pid = Spawn(
      {"scrape_latency", "--mode", "scrapers", "--port", std::to_string(port),
       "--cpu-seconds", std::to_string(o.cpu_seconds)},
      nullptr);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) return 1;
  out["cpu_percent"] = 100.0 * (CpuSeconds() - cpu0) /
                       std::chrono::duration<double>(Clock::now() - w0).count();
  out["rss_mb"] = RssMb("VmRSS:");
  out["rss_peak_mb"] = RssMb("VmHWM:");

  for (const auto& [k, v] : out) std::printf("%s=%.4f\n", k.c_str(), v);
  return 0;
}

std::map<std::string, double> RunChild(const Options& o,
                                       const std::string& mode) {
  int fd = -1;
  const pid_t pid =
      Spawn({"scrape_latency", "--mode", mode, "--jobs", std::to_string(o.jobs),
             "--requests", std::to_string(o.requests), "--cpu-seconds",
             std::to_string(o.cpu_seconds)},
            &fd);
  std::string text;
  char buf[4096];
  for (ssize_t n; pid > 0 && (n = read(fd, buf, sizeof buf)) > 0;) {
    text.append(buf, static_cast<size_t>(n));
  }
  if (fd >= 0) close(fd);
  int status = 0;
  std::map<std::string, double> r;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) return r;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    const std::string line = text.substr(pos, eol - pos);
    const size_t eq = line.find('=');
    if (eq != std::string::npos) {
      r[line.substr(0, eq)] = std::atof(line.c_str() + eq + 1);
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (o.mode == "scrapers") return RunScrapers(o);
  if (!o.mode.empty()) return RunMode(o);

  std::printf(
      "jobs=%d requests=%d cpu: 10 gzip scrapers at 1 Hz for %d s "
      "(static snapshot)\n",
      o.jobs, o.requests, o.cpu_seconds);
  const auto before = RunChild(o, "uncached");
  const auto after = RunChild(o, "cached");
  if (before.empty() || after.empty()) {
    std::fprintf(stderr, "a benchmark mode failed: %s\n",
                 before.empty() ? "uncached" : "cached");
    return 1;
  }
  auto get = [](const std::map<std::string, double>& m, const char* k) {
    auto it = m.find(k);
    return it == m.end() ? 0.0 : it->second;
  };
  std::printf("uncached render only: median %.3f ms\n",
              get(before, "render_p50_ms"));
  std::printf("%-30s %12s %12s %10s\n", "", "uncached", "cached", "ratio");
  const std::pair<const char*, const char*> rows[] = {
      {"plain /metrics p50 ms", "plain_p50_ms"},
      {"plain /metrics p99 ms", "plain_p99_ms"},
      {"gzip /metrics p50 ms", "gzip_p50_ms"},
      {"gzip /metrics p99 ms", "gzip_p99_ms"},
      {"ZooKeeper change visible p50 ms", "zk_visible_p50_ms"},
      {"  of which the store update ms", "zk_update_p50_ms"},
      {"RSS MB", "rss_mb"},
      {"RSS peak MB", "rss_peak_mb"},
      {"CPU % of a core (10 x 1 Hz)", "cpu_percent"},
      {"plain body bytes", "plain_bytes"},
      {"gzip body bytes", "gzip_bytes"},
  };
  for (const auto& [label, key] : rows) {
    const double b = get(before, key), a = get(after, key);
    std::printf("%-30s %12.3f %12.3f %9.1fx\n", label, b, a,
                a > 0 ? b / a : 0.0);
  }
  return 0;
}
