// FakeFlink: a fake Flink JobManager REST endpoint on 127.0.0.1 (a real
// loopback server) that serves fixture bodies per path and can switch to the
// failure modes the exporter must survive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace flinkha::testing {

// Reads tests/fixtures/flink-rest/<relative> (e.g. "1.18/overview.json"); fails
// the test (throws) when the file is missing.
std::string ReadFlinkFixture(const std::string& relative);

// Optional TLS for the fake (files, e.g. generated at test time with the
// openssl CLI).
struct FakeFlinkTls {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: require a client cert it signed
};

// Usage:
//   FakeFlink f;                 // serves nothing yet (404 for every path)
//   f.ServeVersion("1.18");      // /config, /overview, /jobs/overview,
//                                // /taskmanagers
//   f.Serve("/jobs/<jid>/checkpoints", body);  // any path, optional status
//   f.Start();                   // then f.port(), f.url()
//   f.SetMode(FakeFlink::Mode::kHang);  // or kElection, kGarbage, kHuge,
//                                       // kNormal
//   f.Kill(); f.Revive();        // stop listening, listen again on the port
//   f.Stop();                    // also done by the destructor
// Thread-safe: tests change routes and modes while the exporter polls.
class FakeFlink {
 public:
  enum class Mode {
    kNormal,    // serve the routes
    kElection,  // 503 {"errors":["Service temporarily unavailable ..."]}
    kHang,      // read the request, never answer (until a mode change, Stop)
    kGarbage,   // 200 with a body that is not JSON
    kHuge,      // 200 with a body of huge_bytes() bytes
  };

  FakeFlink();
  explicit FakeFlink(FakeFlinkTls tls);
  ~FakeFlink();
  FakeFlink(const FakeFlink&) = delete;
  FakeFlink& operator=(const FakeFlink&) = delete;

  // Binds 127.0.0.1 on a free port and serves on a background thread. Throws on
  // failure.
  void Start();
  // Stops serving and releases any hanging request; safe to call twice.
  void Stop();
  // Stops listening (connections are refused) but keeps port, routes and
  // counters.
  void Kill();
  // Listens again on the same port after Kill(). Throws when the port cannot be
  // bound.
  void Revive();

  int port() const { return port_; }
  std::string url() const;  // http(s)://127.0.0.1:<port>

  // Serves body with status for GET path (path may include a query, matched
  // exactly first, then without the query). Replaces an earlier route for the
  // same path.
  void Serve(const std::string& path, const std::string& body,
             int status = 200);
  void Remove(const std::string& path);
  // Answers GET path with a redirect (as Flink 1.5-1.7 standbys did) to
  // location.
  void Redirect(const std::string& path, const std::string& location,
                int status = 307);
  // Serves the cluster endpoints of one fixture version directory (/config,
  // /overview, /jobs/overview, /taskmanagers), from
  // tests/fixtures/flink-rest/<version>/.
  void ServeVersion(const std::string& version);

  void SetMode(Mode mode);
  void set_huge_bytes(size_t n);

  // Requests received per path (with query), and the headers of the last
  // request.
  int hits(const std::string& path) const;
  int total_hits() const;
  std::string last_header(const std::string& name) const;

  // From now on, logs when each request whose path `which` selects arrived
  // (benches: the request rate over time).
  void LogRequestTimes(std::function<bool(const std::string& path)> which);
  // The logged arrivals at or after since, in seconds after it.
  std::vector<double> RequestTimes(
      std::chrono::steady_clock::time_point since) const;

 private:
  struct Route {
    std::string body;
    int status = 200;
    std::string location;
  };
  void Install();
  void Listen();

  FakeFlinkTls tls_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // wakes hanging handlers
  std::map<std::string, Route> routes_;
  std::map<std::string, int> hits_;
  std::map<std::string, std::string> last_headers_;
  Mode mode_ = Mode::kNormal;
  size_t huge_bytes_ = 64 * 1024 * 1024;
  bool stopping_ = false;
  int hanging_ = 0;  // handlers currently parked in kHang
  std::function<bool(const std::string&)> log_which_;
  std::vector<std::chrono::steady_clock::time_point> request_times_;
};

}  // namespace flinkha::testing
