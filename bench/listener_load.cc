// /healthz and /metrics latency from fresh clients while 256 idle and 64
// trickling connections are open: the exporter's listener ("after") and, in
// the same run, a plain httplib::Server with a 4-thread pool and the same
// handlers ("before"). Prints max, p50, p99 and failures (2 s client timeout).
// Usage: listener_load [requests per path]
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "http/server.h"
#include "model/store.h"
#include "support/process.h"

using namespace flinkha;  // NOLINT: a benchmark main

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

struct Figures {
  double p50 = 0, p99 = 0, max = 0;
  int failed = 0;
};

// Opens the attackers, then times `requests` GETs of path from fresh clients.
Figures Measure(int port, const char* path, int requests) {
  std::vector<int> idle, trickling;
  for (int i = 0; i < 256; ++i) idle.push_back(testing::ConnectLoopback(port));
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  for (int i = 0; i < 64; ++i) {
    trickling.push_back(testing::ConnectLoopback(port));
    send(trickling.back(), head.data(), head.size(), MSG_NOSIGNAL);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (int fd : trickling) send(fd, "a", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Figures f;
  std::vector<double> ms;
  for (int i = 0; i < requests; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(2));
    const auto t0 = Clock::now();
    auto r = client.Get(path);
    ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r || r->status != 200) ++f.failed;
  }
  stop = true;
  trickle.join();
  for (int fd : idle) close(fd);
  for (int fd : trickling) close(fd);
  f.p50 = Percentile(ms, 0.5);
  f.p99 = Percentile(ms, 0.99);
  f.max = Percentile(ms, 1.0);
  return f;
}

void Print(const char* who, const char* path, const Figures& f) {
  std::printf("%-7s %-9s p50 %9.3f ms  p99 %9.3f ms  max %9.3f ms  failed %d\n",
              who, path, f.p50, f.p99, f.max, f.failed);
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 10;
  StateStore store(std::chrono::system_clock::now());
  auto collectors = AllCollectors();

  // Before: what lib/http/server.cc ran until the listener.
  httplib::Server before;
  before.new_task_queue = [] { return new httplib::ThreadPool(4); };
  before.set_tcp_nodelay(true);
  before.set_read_timeout(10, 0);
  before.set_write_timeout(10, 0);
  before.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK\n", "text/plain");
  });
  before.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderMetrics(collectors, *store.Get()), "text/plain");
  });
  const int before_port = before.bind_to_any_port("127.0.0.1");
  std::thread before_thread([&] { before.listen_after_bind(); });

  HttpServer after(&store,
                   ServerOptions{"127.0.0.1:0", "/metrics", "", nullptr, {}});
  if (!after.Start().ok()) return 1;

  std::printf(
      "256 idle + 64 trickling connections, %d fresh clients per path\n",
      requests);
  Figures a_h = Measure(after.port(), "/healthz", requests);
  Figures a_m = Measure(after.port(), "/metrics", requests);
  Print("after", "/healthz", a_h);
  Print("after", "/metrics", a_m);
  Figures b_h = Measure(before_port, "/healthz", requests);
  Figures b_m = Measure(before_port, "/metrics", requests);
  Print("before", "/healthz", b_h);
  Print("before", "/metrics", b_m);
  std::printf("before/after max: /healthz %.0fx  /metrics %.0fx\n",
              b_h.max / a_h.max, b_m.max / a_m.max);
  before.stop();
  before_thread.join();
  after.Stop();
  return 0;
}
