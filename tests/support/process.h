// Test support: child processes, free loopback ports, temporary directories,
// HTTP GET.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkha::testing {

// A child process with a stdin pipe and its stdout+stderr captured to a log
// file. The destructor kills (SIGKILL) and reaps it, so a failing test never
// leaks a server.
class Subprocess {
 public:
  // argv[0] is the program (searched in PATH). log_path: where stdout and
  // stderr go.
  Subprocess(std::vector<std::string> argv, std::string log_path,
             std::map<std::string, std::string> extra_env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int sig);
  // Waits for exit; returns the exit status (128+signal when killed), nullopt
  // on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait up to timeout, then SIGKILL. Returns the exit status.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void WriteStdin(const std::string& text);
  // Waits until the log contains text (searching from `from`); true when found,
  // false at the timeout or as soon as the process has exited without it.
  bool WaitForLog(const std::string& text, std::chrono::milliseconds timeout,
                  size_t from = 0);
  std::string Log() const;
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

// Whether 127.0.0.1:port can be bound right now.
bool PortFree(int port);

// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's
// ephemeral range and never returned twice by this process.
int FreePort();

// The first of n consecutive such ports (Flink's PrometheusReporter numbers
// its ports from a base).
int FreePortRange(int n);

// A blocking TCP connection to 127.0.0.1:port (close-on-exec), or -1.
int ConnectLoopback(int port);

// A fresh directory under $TMPDIR (or /tmp), removed recursively by the
// destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct HttpResult {
  int status = 0;  // 0 when the request failed
  std::string body;
  std::string error;
};

HttpResult HttpGet(const std::string& host, int port, const std::string& path,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
HttpResult HttpPost(const std::string& host, int port, const std::string& path,
                    const std::string& body = "");

// Polls pred every 20 ms until true or timeout; returns the last value.
bool Eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

}  // namespace flinkha::testing
