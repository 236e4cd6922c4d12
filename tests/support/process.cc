// Test support implementation (POSIX).
#include "support/process.h"

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace flinkha::testing {

Subprocess::Subprocess(std::vector<std::string> argv, std::string log_path,
                       std::map<std::string, std::string> extra_env)
    : log_path_(std::move(log_path)) {
  int in[2];
  if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  int log_fd =
      open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path_);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    if (!extra_env.count(kv.substr(0, kv.find('=')))) env.push_back(kv);
  }
  for (const auto& [k, v] : extra_env) env.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Dies with the test even when the test is killed (a ctest timeout) and
    // no destructor runs. Subprocesses are started from the test's main
    // thread, whose exit is what the kernel watches.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(in[0], 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    setpgid(
        0,
        0);  // its own group, so Signal() reaches its children (e.g. a JVM's)
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvpe(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  close(in[0]);
  close(log_fd);
  stdin_fd_ = in[1];
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    (void)Wait(std::chrono::seconds(10));
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
}

bool Subprocess::running() {
  if (status_) return false;
  return !Wait(std::chrono::milliseconds(0)).has_value();
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0 && !status_) kill(pid_, sig);
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      kill(-pid_, SIGKILL);  // leftovers of its process group
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int Subprocess::Stop(std::chrono::milliseconds timeout) {
  Signal(SIGTERM);
  if (auto st = Wait(timeout)) return *st;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  return Wait(std::chrono::seconds(10)).value_or(-1);
}

void Subprocess::WriteStdin(const std::string& text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(stdin_fd_, text.data() + off, text.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string Subprocess::Log() const { return ReadFile(log_path_); }

bool Subprocess::WaitForLog(const std::string& text,
                            std::chrono::milliseconds timeout, size_t from) {
  // A process that exited will not write the text: give up at once rather than
  // at the timeout (a cluster script that died used to hold a test for 300 s).
  const auto found = [&] {
    return Log().find(text, from) != std::string::npos;
  };
  Eventually([&] { return found() || !running(); }, timeout);
  return found();
}

bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

namespace {

// Below the kernel's ephemeral range: a port handed out by bind(0) can be
// taken again by any process's outgoing connection or port-0 listener (a
// TaskManager's) before our server binds it; a Flink JobManager once lost its
// REST port that way. Consecutive runs come from [20000, 26000), single ports
// from [26000, 32768); scripts/ports.py keeps the same split.
constexpr int kConsecutiveFrom = 20000;
constexpr int kSingleFrom = 26000;

int EphemeralLow() {
  int low = 32768;
  if (std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range"); f) f >> low;
  return low;
}

// n consecutive ports in [lo, hi) free a moment ago and never returned
// before by this process.
int PickPorts(int lo, int hi, int n) {
  static std::mutex mu;
  static std::set<int> given;
  static std::mt19937 rng(static_cast<unsigned>(getpid()) ^
                          static_cast<unsigned>(time(nullptr)));
  std::lock_guard lock(mu);
  for (int attempt = 0; attempt < 1000 && hi - lo >= n; ++attempt) {
    const int base =
        lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo - n + 1));
    bool ok = true;
    for (int p = base; p < base + n && ok; ++p) {
      ok = !given.contains(p) && PortFree(p);
    }
    if (ok) {
      for (int p = base; p < base + n; ++p) given.insert(p);
      return base;
    }
  }
  throw std::runtime_error("no " + std::to_string(n) + " free ports in [" +
                           std::to_string(lo) + ", " + std::to_string(hi) +
                           ")");
}

}  // namespace

int FreePort() {
  return PickPorts(kSingleFrom, std::min(EphemeralLow(), 32768), 1);
}

int FreePortRange(int n) { return PickPorts(kConsecutiveFrom, kSingleFrom, n); }

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base && *base ? base : "/tmp") + "/flinkha-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

HttpResult HttpGet(const std::string& host, int port, const std::string& path,
                   std::chrono::milliseconds timeout) {
  httplib::Client c(host, port);
  c.set_connection_timeout(timeout);
  c.set_read_timeout(timeout);
  auto r = c.Get(path);
  if (!r) return {0, "", httplib::to_string(r.error())};
  return {r->status, r->body, ""};
}

HttpResult HttpPost(const std::string& host, int port, const std::string& path,
                    const std::string& body) {
  httplib::Client c(host, port);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Post(path, body, "text/plain");
  if (!r) return {0, "", httplib::to_string(r.error())};
  return {r->status, r->body, ""};
}

bool Eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

}  // namespace flinkha::testing
