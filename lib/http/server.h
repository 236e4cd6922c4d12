// The exporter's HTTP server: /metrics, /healthz, /ready, /api/v1/status,
// /api/v1/history, /,
// POST /-/reload.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>

#include "http/listener.h"
#include "http/metrics_cache.h"
#include "model/history.h"
#include "model/store.h"
#include "util/result.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace flinkha {

class BasicAuthVerifier;
class HttpRouter;

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

// Owns the listener (socket, event loop, workers) and the routes. Handlers
// only read the store; the listener's counters are published into it.
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
  struct FreeSslCtx {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  std::unique_ptr<SSL_CTX, FreeSslCtx> tls_ctx_;  // null: plain HTTP
  std::unique_ptr<HttpRouter> router_;  // httplib's parsing and routing
  std::unique_ptr<HttpListener> listener_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace flinkha
