// The exporter's HTTP server: /metrics, /healthz, /ready, /api/v1/status, /,
// POST /-/reload.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "http/metrics_cache.h"
#include "model/store.h"
#include "util/result.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace flinkha {

class BasicAuthVerifier;

struct ServerOptions {
  std::string listen = ":9879";  // [host]:port; port 0 picks a free one
  std::string telemetry_path = "/metrics";
  std::string
      web_config_file;  // TLS and basic auth; empty: plain HTTP, no auth
  std::function<Status()> reload;  // POST /-/reload; null disables it
};

// Splits "[host]:port" into host and port; ":9879" listens on all addresses.
Result<std::pair<std::string, int>> ParseListenAddress(
    const std::string& listen);

// Owns the listening socket and its thread pool. Handlers only read the store.
class HttpServer {
 public:
  HttpServer(StateStore* store, ServerOptions options);
  ~HttpServer();

  // Loads the web config (TLS, basic auth, headers), binds the socket and
  // serves on a background thread. Every error here is a start-up error.
  Status Start();
  void Stop();
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  void Routes();
  // POST /-/reload, taken before httplib reads a body (see Start()).
  void Reload(httplib::Response& res);

  StateStore* store_;
  ServerOptions options_;
  MetricsCache metrics_;
  std::unique_ptr<BasicAuthVerifier> auth_;  // null: no authentication
  std::vector<std::pair<std::string, std::string>> headers_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace flinkha
