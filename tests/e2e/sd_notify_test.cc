// The real binary under a fake systemd: the test binds the NOTIFY_SOCKET
// datagram socket and reads what the daemon sends (READY, WATCHDOG, RELOADING,
// STOPPING), as Type=notify with WatchdogSec= in the unit relies on.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <optional>
#include <string>

#include "support/exporter_process.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

std::string WriteConfig(const std::string& dir, int port) {
  return WriteConfigWithoutFlink(dir, port, "notify-test");
}

// The receiving end of $NOTIFY_SOCKET, as systemd binds it.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.data(), path.size());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { close(fd_); }

  // The next datagram, or nullopt when none arrives in time.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
      return std::nullopt;
    }
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  // Reads until a datagram contains text; the others are counted into seen.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout,
               std::string* seen = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      auto m = Receive(left);
      if (!m) return false;
      if (seen) *seen += *m + "|";
      if (m->find(text) != std::string::npos) return true;
    }
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST_CASE(
    "sd_notify: READY, repeated WATCHDOG, RELOADING on SIGHUP, "
    "STOPPING on SIGTERM",
    "[sd_notify]") {
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify.sock");
  const int port = FreePort();
  const std::string config = WriteConfig(dir.path(), port);
  Subprocess exporter({FLINKHA_EXPORTER_BINARY, "--config.file=" + config},
                      dir.path() + "/exporter.log",
                      {{"NOTIFY_SOCKET", notify.path()},
                       {"WATCHDOG_USEC", "200000"}});  // a ping every 100 ms
  auto first = notify.Receive(std::chrono::seconds(10));
  if (!first) FAIL("no notification; exporter log:\n" << exporter.Log());
  CHECK(first->find("READY=1") != std::string::npos);
  // READY=1 means the port is open: systemd starts dependants at that point.
  CHECK(HttpGet("127.0.0.1", port, "/healthz").status == 200);

  int watchdogs = 0;
  const auto start = std::chrono::steady_clock::now();
  while (watchdogs < 5 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    auto m = notify.Receive(std::chrono::seconds(1));
    if (m && *m == "WATCHDOG=1") ++watchdogs;
  }
  CHECK(watchdogs == 5);
  // Five pings at 100 ms take about half a second, never the whole timeout.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));

  exporter.Signal(SIGHUP);
  std::string seen;
  const bool reloading =
      notify.WaitFor("RELOADING=1", std::chrono::seconds(5), &seen);
  const bool ready_again =
      notify.WaitFor("READY=1", std::chrono::seconds(10), &seen);
  INFO("received after SIGHUP: " << seen);
  CHECK(reloading);
  CHECK(ready_again);

  exporter.Signal(SIGTERM);
  CHECK(notify.WaitFor("STOPPING=1", std::chrono::seconds(10)));
  CHECK(exporter.Wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("sd_notify: without WATCHDOG_USEC only READY and STOPPING are sent",
          "[sd_notify]") {
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify.sock");
  const std::string config = WriteConfig(dir.path(), FreePort());
  Subprocess exporter(
      {FLINKHA_EXPORTER_BINARY, "--config.file=" + config},
      dir.path() + "/exporter.log",
      {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", ""}});
  auto first = notify.Receive(std::chrono::seconds(10));
  if (!first) FAIL("no notification; exporter log:\n" << exporter.Log());
  CHECK(first->find("READY=1") != std::string::npos);
  CHECK_FALSE(notify.Receive(std::chrono::milliseconds(500)));
  exporter.Signal(SIGTERM);
  auto last = notify.Receive(std::chrono::seconds(10));
  REQUIRE(last);
  CHECK(*last == "STOPPING=1");
  CHECK(exporter.Wait(std::chrono::seconds(10)) == 0);
}

}  // namespace
}  // namespace flinkha::testing
