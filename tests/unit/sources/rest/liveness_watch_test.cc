// LivenessWatch against a real HTTP server process on loopback that is
// killed, stopped (hung) and continued: the evidence and its time.
#include "sources/rest/liveness_watch.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "support/process.h"

namespace flinkha {
namespace {

using std::chrono::milliseconds;
using testing::FreePort;
using testing::Subprocess;
using testing::TempDir;

double Secs(TimePoint a, TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Bed {
  TempDir dir;
  int port = FreePort();
  std::unique_ptr<Subprocess> server;
  StateStore store{std::chrono::system_clock::now()};
  std::unique_ptr<LivenessWatch> watch;

  explicit Bed(milliseconds interval = milliseconds(200),
               milliseconds timeout = milliseconds(500)) {
    // Python's HTTP server: a real process whose kernel closes its sockets
    // when it dies. It answers HTTP/1.0 and closes after each answer, as an
    // idle-closing server would.
    server = std::make_unique<Subprocess>(
        std::vector<std::string>{"python3", "-m", "http.server",
                                 std::to_string(port), "--bind", "127.0.0.1",
                                 "--directory", dir.path()},
        dir.path() + "/server.log");
    auto cluster = std::make_shared<ClusterConfig>();
    cluster->name = "c";
    cluster->liveness_interval = interval;
    cluster->request_timeout = timeout;
    JobManagerConfig jm{"jm-1", "http://127.0.0.1:" + std::to_string(port),
                        "127.0.0.1:" + std::to_string(port)};
    cluster->jobmanagers = {jm};
    watch = std::make_unique<LivenessWatch>(cluster, jm, &store);
  }
  ~Bed() { watch->Stop(); }

  std::optional<JobManagerLiveness> Now() const {
    auto s = store.Get();
    auto c = s->clusters.find("c");
    if (c == s->clusters.end()) return std::nullopt;
    auto l = c->second.liveness.find("jm-1");
    if (l == c->second.liveness.end()) return std::nullopt;
    return l->second;
  }
  bool WaitFor(const std::function<bool(const JobManagerLiveness&)>& pred,
               milliseconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (auto l = Now(); l && pred(*l)) return true;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return false;
  }
};

TEST_CASE(
    "LivenessWatch: a killed process is lost within 100 ms, whatever "
    "the poll interval",
    "[sources][liveness]") {
  Bed bed;
  // Until the server listens, it is down (and never alive: no loss).
  bed.watch->Start();
  REQUIRE(bed.WaitFor([](const auto& l) { return l.reachable; },
                      milliseconds(10000)));
  // Alive through a second of pings, though the server closes every
  // connection after its answer (an idle close is no loss).
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    REQUIRE(bed.Now()->reachable);
  }
  const TimePoint killed = std::chrono::system_clock::now();
  bed.server->Signal(SIGKILL);
  REQUIRE(bed.WaitFor([](const auto& l) { return !l.reachable; },
                      milliseconds(2000)));
  const JobManagerLiveness l = *bed.Now();
  CHECK(l.fault == RestFault::kConnect);
  REQUIRE(l.down_since);
  INFO("detected " << Secs(killed, *l.down_since) << " s after the kill");
  CHECK(Secs(killed, *l.down_since) >= -0.005);
  CHECK(Secs(killed, *l.down_since) <= 0.1);
  REQUIRE(l.last_alive);
  CHECK(*l.last_alive <= *l.down_since);
  // What the kernel said (refused, or reset when a connection the listener's
  // backlog had accepted died with it) names the endpoint.
  INFO(l.error);
  CHECK(l.error.find(std::to_string(bed.port)) != std::string::npos);
}

TEST_CASE(
    "LivenessWatch: a hung process is lost at its first unanswered "
    "ping, after its last answer, and back when it answers",
    "[sources][liveness]") {
  Bed bed(milliseconds(200), milliseconds(500));
  bed.watch->Start();
  REQUIRE(bed.WaitFor([](const auto& l) { return l.reachable; },
                      milliseconds(10000)));
  std::this_thread::sleep_for(milliseconds(500));
  const TimePoint stopped = std::chrono::system_clock::now();
  bed.server->Signal(SIGSTOP);
  REQUIRE(bed.WaitFor([](const auto& l) { return !l.reachable; },
                      milliseconds(3000)));
  const JobManagerLiveness l = *bed.Now();
  CHECK(l.fault == RestFault::kTimeout);
  REQUIRE(l.down_since);
  REQUIRE(l.last_alive);
  // The truth (the stop) lies between the last answer and the evidence.
  CHECK(*l.last_alive <= stopped + milliseconds(5));
  CHECK(*l.down_since >= stopped);
  // Told within one ping interval plus the answer's deadline (and slack).
  CHECK(Secs(stopped, *l.down_since) <= 0.2 + 0.5 + 0.3);
  bed.server->Signal(SIGCONT);
  CHECK(bed.WaitFor([](const auto& back) { return back.reachable; },
                    milliseconds(3000)));
}

TEST_CASE(
    "LivenessWatch: an endpoint that never listened is down, never "
    "alive",
    "[sources][liveness]") {
  Bed bed;
  bed.server->Signal(SIGKILL);
  bed.server->Wait(milliseconds(2000));
  bed.watch->Start();
  REQUIRE(bed.WaitFor([](const auto& l) { return !l.reachable; },
                      milliseconds(2000)));
  CHECK_FALSE(bed.Now()->last_alive);
  CHECK(bed.Now()->fault == RestFault::kConnect);
}

}  // namespace
}  // namespace flinkha
