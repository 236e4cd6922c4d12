// SimCluster: JVMs of flinksim.JobManager against a ZkServer; ZkPeek:
// synchronous C client reads.
#include "support/sim_cluster.h"

#include <signal.h>

// The synchronous C API (zoo_get, ...) exists only in the multi-threaded
// library.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace flinkha::testing {
namespace {

// Connection state shared with the C client's watcher thread.
struct WatchState {
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
};

void Watcher(zhandle_t*, int type, int state, const char*, void* ctx) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* w = static_cast<WatchState*>(ctx);
  std::lock_guard<std::mutex> lock(w->mu);
  w->connected = state == ZOO_CONNECTED_STATE;
  w->cv.notify_all();
}

WatchState& SharedWatchState(zhandle_t* zh) {
  return *static_cast<WatchState*>(const_cast<void*>(zoo_get_context(zh)));
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '/')) s.pop_back();
  return s;
}

}  // namespace

ZkPeek::ZkPeek(const std::string& connect_string) {
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  auto* w = new WatchState;
  zh_ = zookeeper_init(connect_string.c_str(), Watcher, 10000, nullptr, w, 0);
  if (!zh_) {
    delete w;
    return;
  }
  std::unique_lock<std::mutex> lock(w->mu);
  w->cv.wait_for(lock, std::chrono::seconds(10), [&] { return w->connected; });
}

ZkPeek::~ZkPeek() {
  if (!zh_) return;
  WatchState* w = &SharedWatchState(zh_);
  zookeeper_close(
      zh_);  // joins the client's threads: the watcher is done with w
  delete w;
}

bool ZkPeek::connected() const {
  return zh_ && zoo_state(zh_) == ZOO_CONNECTED_STATE;
}

ZkPeek::Node ZkPeek::Get(const std::string& path) {
  Node node;
  if (!zh_) return node;
  std::vector<char> buf(1 << 20);
  int len = static_cast<int>(buf.size());
  Stat stat{};
  if (zoo_get(zh_, path.c_str(), 0, buf.data(), &len, &stat) != ZOK)
    return node;
  node.exists = true;
  if (len > 0) node.data.assign(buf.data(), static_cast<size_t>(len));
  node.ephemeral_owner = stat.ephemeralOwner;
  node.mtime_ms = stat.mtime;
  return node;
}

std::vector<std::string> ZkPeek::Children(const std::string& path) {
  std::vector<std::string> out;
  if (!zh_) return out;
  String_vector children{};
  if (zoo_get_children(zh_, path.c_str(), 0, &children) != ZOK) return out;
  for (int i = 0; i < children.count; ++i) out.emplace_back(children.data[i]);
  deallocate_String_vector(&children);
  return out;
}

bool ZkPeek::Delete(const std::string& path) {
  return zh_ && zoo_delete(zh_, path.c_str(), -1) == ZOK;
}

SimCluster::SimCluster(SimClusterOptions options)
    : options_(std::move(options)), zk_(options_.zk_whitelist) {}

SimCluster::~SimCluster() {
  jms_.clear();  // SIGKILL every JobManager before ZooKeeper goes
  zk_.Kill();
}

std::string SimCluster::zk_base() const {
  std::string id = Trim(options_.cluster_id);
  if (id.rfind('/', 0) != 0) id = "/" + id;
  return Trim(options_.root) + id;
}

bool SimCluster::Start() {
  if (SimClasspath().empty()) {
    error_ = "the simulated JobManager is not built (missing " +
             std::string(FLINKHA_BINARY_DIR) +
             "/sim/classpath; build the flinksim target)";
    return false;
  }
  if (!zk_.Start()) {
    error_ = zk_.error();
    return false;
  }
  std::filesystem::create_directories(output_dir());
  jms_.resize(static_cast<size_t>(options_.jobmanagers));
  for (auto& jm : jms_) jm.port = FreePort();
  // jm-1 first, so that it is the first leader; the others start together.
  for (size_t i = 0; i < jms_.size(); ++i) {
    if (!Launch(i)) return false;
    if (i == 0 && !AwaitStarted(0)) return false;
  }
  for (size_t i = 1; i < jms_.size(); ++i) {
    if (!AwaitStarted(i)) return false;
  }
  return true;
}

bool SimCluster::Launch(size_t i) {
  JobManagerProc& jm = jms_.at(i);
  jm.starts++;
  const std::string ns = zk_base().substr(1);
  std::vector<std::string> argv = {
      "java",
      "-Xmx128m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-cp",
      SimClasspath(),
      "flinksim.JobManager",
      "--zk",
      zk_.connect_string(),
      "--namespace",
      ns,
      "--rest-port",
      std::to_string(jm.port),
      "--advertised-host",
      "127.0.0.1",
      "--rpc-port",
      std::to_string(6123 + i),
      "--layout",
      options_.layout,
      "--output",
      output_dir(),
      "--checkpoint-dir",
      dir() + "/checkpoints",
      "--checkpoint-interval-ms",
      std::to_string(options_.checkpoint_interval_ms),
      "--taskmanagers",
      std::to_string(options_.taskmanagers),
      "--parallelism",
      std::to_string(options_.parallelism),
      "--job-name",
      options_.job_name,
      "--rows-per-second",
      std::to_string(options_.rows_per_second),
      "--session-timeout-ms",
      std::to_string(options_.session_timeout_ms),
      "--restore-delay-ms",
      std::to_string(options_.restore_delay_ms)};
  argv.insert(argv.end(), options_.extra_args.begin(),
              options_.extra_args.end());
  const std::string log =
      dir() + "/" + name(i) +
      (jm.starts > 1 ? "." + std::to_string(jm.starts) : std::string()) +
      ".log";
  try {
    jm.proc = std::make_unique<Subprocess>(argv, log);
  } catch (const std::exception& e) {
    error_ = name(i) + ": cannot start java: " + e.what();
    return false;
  }
  return true;
}

bool SimCluster::AwaitStarted(size_t i) {
  JobManagerProc& jm = jms_.at(i);
  const bool started = Eventually(
      [&] {
        return !jm.proc->running() ||
               jm.proc->Log().find("STARTED ") != std::string::npos;
      },
      std::chrono::seconds(30));
  const std::string log = jm.proc->Log();
  const size_t at = log.find("STARTED ");
  if (!started || at == std::string::npos) {
    error_ = name(i) + " did not start: " + log;
    return false;
  }
  // "STARTED rest=<port> job=<jid> session=0x<hex>"
  std::istringstream line(log.substr(at, log.find('\n', at) - at));
  std::string word;
  while (line >> word) {
    if (word.rfind("job=", 0) == 0) job_id_ = word.substr(4);
    if (word.rfind("session=0x", 0) == 0) {
      jm.session =
          static_cast<int64_t>(std::stoull(word.substr(10), nullptr, 16));
    }
  }
  return true;
}

bool SimCluster::running(size_t i) {
  auto& jm = jms_.at(i);
  return jm.proc && jm.proc->running();
}

std::optional<size_t> SimCluster::Leader() {
  for (size_t i = 0; i < jms_.size(); ++i) {
    if (!running(i)) continue;
    auto r = HttpGet("127.0.0.1", rest_port(i), "/sim/status",
                     std::chrono::seconds(2));
    if (r.status != 200) continue;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.value("leader", false)) return i;
  }
  return std::nullopt;
}

std::optional<size_t> SimCluster::WaitForLeader(
    std::chrono::milliseconds timeout, std::optional<size_t> other_than) {
  std::optional<size_t> leader;
  Eventually(
      [&] {
        leader = Leader();
        return leader && leader != other_than;
      },
      timeout);
  if (leader == other_than) return std::nullopt;
  return leader;
}

bool SimCluster::WaitForJobRunning(size_t i,
                                   std::chrono::milliseconds timeout) {
  return Eventually(
      [&] {
        auto r = Get(i, "/jobs/overview", std::chrono::seconds(2));
        if (r.status != 200) return false;
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (!j.is_object() || !j.contains("jobs") || !j["jobs"].is_array())
          return false;
        for (const auto& job : j["jobs"]) {
          if (job.value("jid", "") == job_id_ &&
              job.value("state", "") == "RUNNING")
            return true;
        }
        return false;
      },
      timeout);
}

bool SimCluster::WaitForLog(size_t i, const std::string& text,
                            std::chrono::milliseconds timeout, size_t from) {
  return jms_.at(i).proc->WaitForLog(text, timeout, from);
}

size_t SimCluster::LogSize(size_t i) const {
  return jms_.at(i).proc->Log().size();
}

HttpResult SimCluster::Get(size_t i, const std::string& path,
                           std::chrono::milliseconds timeout) {
  return HttpGet("127.0.0.1", rest_port(i), path, timeout);
}

HttpResult SimCluster::Control(size_t i, const std::string& command) {
  return HttpPost("127.0.0.1", rest_port(i), "/sim/" + command);
}

void SimCluster::Kill(size_t i) {
  auto& jm = jms_.at(i);
  if (!jm.proc) return;
  jm.proc->Signal(SIGKILL);
  (void)jm.proc->Wait(std::chrono::seconds(10));
}

bool SimCluster::Hang(size_t i) { return Control(i, "hang").status == 200; }

bool SimCluster::Unhang(size_t i) { return Control(i, "unhang").status == 200; }

bool SimCluster::Leave(size_t i) {
  if (Control(i, "leave").status != 200) return false;
  auto status = jms_.at(i).proc->Wait(std::chrono::seconds(10));
  return status && *status == 0;
}

bool SimCluster::Restart(size_t i) {
  Kill(i);
  return Launch(i) && AwaitStarted(i);
}

std::string SimCluster::ExporterConfigYaml(
    const ExporterConfigOptions& o) const {
  std::ostringstream y;
  y << "# flink-ha-exporter configuration for a simulated Flink HA cluster "
       "(tests/sim),\n"
    << "# written by SimCluster: " << jms_.size() << " JobManagers, ZooKeeper "
    << zk_.connect_string() << ", output " << output_dir() << ".\n";
  if (!o.listen.empty()) y << "listen: \"" << o.listen << "\"\n";
  y << "clusters:\n"
    << "  - name: " << options_.cluster_name << "\n"
    << "    jobmanagers:\n";
  for (size_t i = 0; i < jms_.size(); ++i) {
    y << "      - name: " << name(i) << "\n"
      << "        url: " << url(i) << "\n"
      << "        advertised: " << advertised(i) << "\n";
  }
  y << "    zookeeper:\n"
    << "      quorum: " << zk_.connect_string() << "\n"
    << "      root: " << options_.root << "\n"
    << "      cluster_id: " << options_.cluster_id << "\n";
  if (!o.layout.empty()) y << "      layout: \"" << o.layout << "\"\n";
  y << "    output:\n"
    << "      - path: " << output_dir() << "\n"
    << "        pattern: \"*.csv\"\n";
  if (o.count_rows) y << "        count_rows: true\n";
  y << "    poll_interval: " << o.poll_interval << "\n"
    << "    request_timeout: " << o.request_timeout << "\n";
  return y.str();
}

std::string SimCluster::WriteExporterConfig(
    const std::string& path, const ExporterConfigOptions& options) const {
  WriteFile(path, ExporterConfigYaml(options));
  return path;
}

}  // namespace flinkha::testing
