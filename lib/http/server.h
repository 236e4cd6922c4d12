// The exporter's HTTP server: /metrics, /healthz, /ready, /api/v1/status,
// /api/v1/history, /, POST /-/reload.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/listener.h"
#include "http/metrics_cache.h"
#include "model/history.h"
#include "model/store.h"
#include "util/result.h"

namespace flinkha {

class BasicAuthVerifier;

struct ServerOptions {
  std::string listen = ":9879";  // [host]:port; port 0 picks a free one
  std::string telemetry_path = "/metrics";
  std::string web_config_file;     // TLS, basic auth; empty: plain, no auth
  std::function<Status()> reload;  // POST /-/reload; null disables it
  ListenerOptions limits;          // connections, deadlines, workers
  // The exporter's history for / and /api/v1/history (borrowed, outlives the
  // server); null: the page has the checks only.
  const History* history = nullptr;
};

// Owns the listener (socket, I/O thread, handler threads) and the routes.
// Handlers only read the store; the listener's counters are published into
// it.
class HttpServer {
 public:
  HttpServer(StateStore* store, ServerOptions options);
  ~HttpServer();

  // Loads the web config (TLS, basic auth, headers), binds the socket and
  // serves on background threads. Every error here is a start-up error.
  Status Start();
  void Stop();
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  // Answers one request (on a handler thread): authentication, the route,
  // the web config's headers.
  void Handle(HttpExchange& exchange);
  void Route(HttpExchange& exchange);

  StateStore* store_;
  ServerOptions options_;
  MetricsCache metrics_;
  std::unique_ptr<BasicAuthVerifier> auth_;  // null: no authentication
  std::vector<std::pair<std::string, std::string>> headers_;
  std::unique_ptr<HttpListener> listener_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace flinkha
