// Real Flink HA cluster for tests: scripts/flink-cluster.py on free ports.
#include "support/flink_cluster.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace flinkha::testing {
namespace {

namespace fs = std::filesystem;

std::string Script() { return FLINKHA_SOURCE_DIR "/scripts/flink-cluster.py"; }

}  // namespace

std::string FlinkVersionUnderTest() {
  const char* v = std::getenv("FLINKHA_FLINK_VERSION");
  return v && *v ? v : "1.20.5";
}

FlinkCluster::FlinkCluster(FlinkClusterOptions options)
    : options_(std::move(options)) {
  zk_port_ = FreePort();
  rest_ports_ = {FreePort(), FreePort()};
  prom_base_ = FreePortRange(2 + options_.taskmanagers);
}

FlinkCluster::~FlinkCluster() {
  if (!up_) return;
  // SIGTERM: the script stops every process it started, then exits.
  up_->Signal(SIGTERM);
  if (!up_->Wait(std::chrono::seconds(30))) up_->Signal(SIGKILL);
}

bool FlinkCluster::Start(std::chrono::seconds timeout) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> argv = {
      "python3",
      Script(),
      "up",
      "--flink-version",
      options_.version,
      "--dir",
      dir_.path() + "/run",
      "--zk-port",
      std::to_string(zk_port_),
      "--rest-ports",
      std::to_string(rest_ports_[0]) + "," + std::to_string(rest_ports_[1]),
      "--prom-ports-from",
      std::to_string(prom_base_),
      "--taskmanagers",
      std::to_string(options_.taskmanagers),
      "--slots",
      std::to_string(options_.slots),
      "--parallelism",
      std::to_string(options_.parallelism),
      "--checkpoint-interval",
      options_.checkpoint_interval,
      "--session-timeout-ms",
      std::to_string(options_.session_timeout_ms),
      "--rows-per-second",
      std::to_string(options_.rows_per_second),
      "--cluster-id",
      options_.cluster_id,
      "--wait-commit",
      "--stop-on-stdin-eof"};
  if (options_.zk_servers != 1) {
    argv.insert(argv.end(),
                {"--zk-servers", std::to_string(options_.zk_servers)});
  }
  if (options_.drill_markers) {
    std::filesystem::create_directories(marker_dir());
    argv.insert(argv.end(), {"--marker-dir", marker_dir()});
  }
  up_ = std::make_unique<Subprocess>(argv, dir_.path() + "/up.log");
  if (!up_->WaitForLog("READY ", timeout)) {
    error_ = "flink-cluster.py up did not get ready:\n" + up_->Log();
    return false;
  }
  startup_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return true;
}

nlohmann::json FlinkCluster::State() const {
  auto j = nlohmann::json::parse(ReadFile(dir_.path() + "/run/cluster.json"),
                                 nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

double FlinkCluster::Timing(const std::string& step) const {
  const auto s = State();
  if (!s.contains("timings") || !s["timings"].is_object()) return -1;
  const auto& t = s["timings"];
  return t.contains(step) && t[step].is_number() ? t[step].get<double>() : -1;
}

std::vector<int> FlinkCluster::zk_ports() const {
  const auto s = State();
  if (s.contains("zk_ports") && s["zk_ports"].is_array()) {
    return s["zk_ports"].get<std::vector<int>>();
  }
  return {zk_port_};
}

std::string FlinkCluster::zk_quorum() const {
  std::string q;
  for (int port : zk_ports()) {
    q += (q.empty() ? "" : ",") + ("127.0.0.1:" + std::to_string(port));
  }
  return q;
}

std::string FlinkCluster::ha_base() const {
  return "/flink" + options_.cluster_id;
}

int FlinkCluster::prom_port(const std::string& name) const {
  return State()["prom_ports"].value(name, 0);
}

std::string FlinkCluster::output_dir() const {
  // Known before start-up: the exporter may start first.
  return dir_.path() + "/run/output";
}

std::string FlinkCluster::job_id() const {
  const auto s = State();
  return s.contains("job") && s["job"].is_object() ? s["job"].value("id", "")
                                                   : "";
}

pid_t FlinkCluster::Pid(const std::string& name) const {
  const auto s = State();
  if (!s.contains("processes") || !s["processes"].contains(name)) return -1;
  const auto& p = s["processes"][name];
  return p.contains("pid") && p["pid"].is_number() ? p["pid"].get<pid_t>() : -1;
}

bool FlinkCluster::Signal(const std::string& name, int sig) const {
  const pid_t pid = Pid(name);
  return pid > 0 && kill(pid, sig) == 0;
}

bool FlinkCluster::Restart(const std::string& name) {
  const std::string cmd = "python3 '" + Script() + "' restart --dir '" +
                          dir_.path() + "/run' " + name + " >> '" +
                          dir_.path() + "/restart.log' 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string FlinkCluster::LogPath(const std::string& name) const {
  const auto s = State();
  if (!s.contains("processes") || !s["processes"].contains(name)) return "";
  return s["processes"][name].value("log", "");
}

std::string FlinkCluster::Log(const std::string& name) const {
  const std::string path = LogPath(name);
  return path.empty() ? "" : ReadFile(path);
}

int FlinkCluster::CountLog(const std::string& name,
                           const std::string& text) const {
  std::istringstream in(Log(name));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    n += line.find(text) != std::string::npos;
  }
  return n;
}

std::optional<double> FlinkCluster::LastLogTime(const std::string& name,
                                                const std::string& text) const {
  std::istringstream in(Log(name));
  std::optional<double> last;
  for (std::string line; std::getline(in, line);) {
    if (line.find(text) == std::string::npos) continue;
    // "2026-12-06 21:34:59,690 INFO ..." (log4j's %d, the JVM's time zone,
    // which is the test's).
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(line.c_str(), "%d-%d-%d %d:%d:%d,%d", &tm.tm_year,
                    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec, &ms) != 7) {
      continue;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    last = static_cast<double>(std::mktime(&tm)) + ms / 1000.0;
  }
  return last;
}

HttpResult FlinkCluster::Rest(size_t jm, const std::string& path,
                              std::chrono::milliseconds timeout) const {
  return HttpGet("127.0.0.1", rest_ports_.at(jm), path, timeout);
}

std::optional<nlohmann::json> FlinkCluster::RestJson(
    size_t jm, const std::string& path) const {
  const HttpResult r = Rest(jm, path);
  if (r.status != 200) return std::nullopt;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string FlinkCluster::ExporterConfigYaml(
    const std::string& cluster_name, const std::string& poll_interval,
    const std::string& request_timeout) const {
  std::ostringstream y;
  y << "# flink-ha-exporter configuration for a real Flink " << options_.version
    << " HA cluster (scripts/flink-cluster.py).\n"
    << "clusters:\n"
    << "  - name: " << cluster_name << "\n"
    << "    jobmanagers:\n";
  for (size_t i = 0; i < rest_ports_.size(); ++i) {
    const std::string hp = "127.0.0.1:" + std::to_string(rest_ports_[i]);
    y << "      - name: jm-" << i + 1 << "\n"
      << "        url: http://" << hp << "\n"
      << "        advertised: " << hp << "\n";
  }
  y << "    zookeeper:\n"
    << "      quorum: " << zk_quorum() << "\n"
    << "      root: /flink\n"
    << "      cluster_id: " << options_.cluster_id << "\n"
    << "    output:\n"
    << "      - path: " << output_dir() << "\n"
    << "        pattern: \"*.csv\"\n"
    << "        count_rows: true\n"
    // Flink's heartbeat timeout (10 s here) already passed when REST stops
    // listing a TaskManager.
    << "    taskmanager_lost_after: 2s\n"
    << "    poll_interval: " << poll_interval << "\n"
    << "    request_timeout: " << request_timeout << "\n";
  return y.str();
}

CommittedOutput ReadCommittedOutput(const std::string& dir) {
  CommittedOutput out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    if (name.rfind(".part-", 0) == 0) {
      ++out.in_progress;
      continue;
    }
    if (name.rfind("part-", 0) != 0) continue;
    ++out.files;
    std::ifstream f(it->path());
    for (std::string line; std::getline(f, line);) ++out.rows;
  }
  return out;
}

}  // namespace flinkha::testing
