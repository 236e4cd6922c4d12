// HTTP endpoints over the latest snapshot; nothing here waits on Flink or
// ZooKeeper.
#include "http/server.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>

#include "config/address.h"
#include "http/history_json.h"
#include "http/status_json.h"
#include "http/status_page.h"
#include "http/web_config.h"
#include "util/logging.h"

namespace flinkha {
namespace {

// The most recent OpenSSL error as text, and the queue cleared.
std::string OpenSslError() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out = buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

int TlsVersion(const std::string& name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return TLS1_2_VERSION;
}

// Accepts whatever certificate the client sends: RequestClientCert and
// RequireAnyClientCert ask for one without verifying it, as Go's TLS does.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

// Configures a server context from tls_server_config; the error names the
// file that could not be used and OpenSSL's reason.
Status ConfigureTls(SSL_CTX* ctx, const TlsServerConfig& tls) {
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
                               SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (!SSL_CTX_set_min_proto_version(ctx, TlsVersion(tls.min_version)) ||
      (!tls.max_version.empty() &&
       !SSL_CTX_set_max_proto_version(ctx, TlsVersion(tls.max_version)))) {
    return Error{"tls_server_config: cannot set the TLS versions: " +
                 OpenSslError()};
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return Error{"tls_server_config: cannot load cert_file " + tls.cert_file +
                 ": " + OpenSslError()};
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1) {
    return Error{"tls_server_config: cannot load key_file " + tls.key_file +
                 ": " + OpenSslError()};
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Error{"tls_server_config: key_file " + tls.key_file +
                 " does not match cert_file " + tls.cert_file + ": " +
                 OpenSslError()};
  }
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(),
                                      nullptr) != 1) {
      return Error{"tls_server_config: cannot load client_ca_file " +
                   tls.client_ca_file + ": " + OpenSslError()};
    }
    // Tells clients which CAs are accepted, so they pick the right cert.
    if (STACK_OF(X509_NAME)* names =
            SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
  }
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
      break;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         AcceptAnyCertificate);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         nullptr);
      break;
  }
  return Ok{};
}

// Sends the cached body as it is. httplib would compress a body again when
// the request accepts gzip, so the handler's request loses Accept-Encoding
// once the cache has chosen (httplib's request object is not const; only
// the handler's view of it is). A content provider would spare the copy, but
// httplib writes provided content only while its own socket listens, and the
// router never listens (the listener owns the socket).
// The cached body of the /metrics response being handled on this worker
// thread: HttpRouter::Handle hands it to the listener, which writes it after
// httplib's head, so a scrape copies no body.
thread_local SharedBodyPtr tls_metrics_body;

void SendMetrics(MetricsBody body, const httplib::Request& req,
                 httplib::Response& res) {
  constexpr const char* kType = "text/plain; version=0.0.4; charset=utf-8";
  res.set_header("Vary", "Accept-Encoding");
  if (body.gzip) res.set_header("Content-Encoding", "gzip");
  res.set_header("Content-Type", kType);
  // httplib writes the head only (its body stays empty): it must neither
  // compress nor cut ranges out of a body it does not have.
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.headers.erase("Accept-Encoding");
  mutable_req.headers.erase("Range");
  mutable_req.ranges.clear();  // else httplib answers 206 with the whole body
  res.set_header("Content-Length", std::to_string(body.bytes->size));
  if (req.method != "HEAD") tls_metrics_body = std::move(body.bytes);
}

// A request the listener has read, and the response httplib writes, as an
// httplib stream: httplib parses and routes exactly as it did on a socket.
class BufferedStream : public httplib::Stream {
 public:
  explicit BufferedStream(const RawRequest& request) : request_(request) {}

  bool is_readable() const override { return pos_ < request_.bytes.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, request_.bytes.size() - pos_);
    std::memcpy(ptr, request_.bytes.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = request_.remote_ip;
    port = request_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = request_.local_ip;
    port = request_.local_port;
  }
  // No socket: httplib must not wait on one (and skips its FD_SETSIZE check).
  socket_t socket() const override { return INVALID_SOCKET; }

  std::string& out() { return out_; }

 private:
  const RawRequest& request_;
  size_t pos_ = 0;
  std::string out_;
};

}  // namespace

// httplib's request parsing, routing and response writing, without its
// sockets and threads (process_request is protected for subclasses).
class HttpRouter : public httplib::Server {
 public:
  RawResponse Handle(const RawRequest& request) {
    BufferedStream stream(request);
    bool closed = false;
    tls_metrics_body.reset();
    const bool ok = process_request(stream, false, closed, nullptr);
    RawResponse response;
    response.bytes = std::move(stream.out());
    response.body = std::move(tls_metrics_body);
    response.close = closed || !ok;
    return response;
  }
};

HttpServer::HttpServer(StateStore* store, ServerOptions options)
    : store_(store), options_(std::move(options)), metrics_(AllCollectors()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Routes() {
  httplib::Server& s = *router_;
  s.Get(options_.telemetry_path,
        [this](const httplib::Request& req, httplib::Response& res) {
          SendMetrics(
              metrics_.Get(store_->Get(),
                           AcceptsGzip(req.get_header_value("Accept-Encoding"))
                               ? MetricsEncoding::kGzip
                               : MetricsEncoding::kIdentity),
              req, res);
        });
  auto healthy = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK\n", "text/plain");
  };
  s.Get("/healthz", healthy);
  s.Get("/-/healthy", healthy);
  auto ready = [this](const httplib::Request&, httplib::Response& res) {
    if (store_->Get()->AllSourcesReported()) {
      res.set_content("OK\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: waiting for every source to report once\n",
                      "text/plain");
    }
  };
  s.Get("/ready", ready);
  s.Get("/-/ready", ready);
  s.Get("/api/v1/status",
        [this](const httplib::Request&, httplib::Response& res) {
          res.set_content(StatusJson(*store_->Get()).dump(2) + "\n",
                          "application/json");
        });
  s.Get("/api/v1/history",
        [this](const httplib::Request&, httplib::Response& res) {
          nlohmann::json body = nlohmann::json::object();
          if (options_.history) {
            options_.history->Read(
                [&](const HistoryData& d) { body = HistoryJson(d); });
          }
          res.set_content(body.dump() + "\n", "application/json");
        });
  s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    const SnapshotPtr snapshot = store_->Get();
    const auto now = std::chrono::system_clock::now();
    std::string page;
    if (options_.history) {
      options_.history->Read([&](const HistoryData& d) {
        page = StatusPage(*snapshot, options_.telemetry_path, &d, now);
      });
    } else {
      page = StatusPage(*snapshot, options_.telemetry_path, nullptr, now);
    }
    // Inline CSS and SVG only: nothing else may load or run.
    res.set_header("Content-Security-Policy", kStatusPageCsp);
    res.set_content(std::move(page), "text/html; charset=utf-8");
  });
}

void HttpServer::Reload(httplib::Response& res) {
  if (!options_.reload) {
    res.status = 404;
    return;
  }
  Status st = options_.reload();
  if (st.ok()) {
    res.set_content("reloaded\n", "text/plain");
  } else {
    res.status = 500;
    res.set_content("reload failed: " + st.error().message + "\n",
                    "text/plain");
  }
}

Status HttpServer::Start() {
  auto addr = ParseListenAddress(options_.listen);
  if (!addr.ok()) return addr.error();
  WebConfig web;
  if (!options_.web_config_file.empty()) {
    auto loaded = LoadWebConfigFile(options_.web_config_file);
    if (!loaded.ok()) return loaded.error();
    web = std::move(loaded).value();
  }
  if (web.tls) {
    tls_ctx_.reset(SSL_CTX_new(TLS_server_method()));
    if (!tls_ctx_) {
      return Error{options_.web_config_file +
                   ": cannot create the TLS context: " + OpenSslError()};
    }
    Status tls_status = ConfigureTls(tls_ctx_.get(), *web.tls);
    if (!tls_status.ok()) {
      return tls_status.error().Wrap(options_.web_config_file);
    }
    tls_ = true;
  }
  router_ = std::make_unique<HttpRouter>();
  headers_ = web.headers;
  if (!web.basic_auth_users.empty()) {
    auth_ = std::make_unique<BasicAuthVerifier>(web.basic_auth_users);
  }
  // Runs before httplib reads a request body, which is what lets `curl -X POST
  // .../-/reload` (no body, no Content-Length) work: httplib answers 400 to
  // such a POST once it reaches its routes.
  router_->set_pre_routing_handler([this](const httplib::Request& req,
                                          httplib::Response& res) {
    // Every path needs the password, /healthz and /ready included: this is
    // what the exporter-toolkit does (it wraps the whole mux), so operators
    // get the behaviour they know, and nothing about the process (not even
    // that it is up) leaks to an unauthenticated client. Probes that
    // cannot send credentials (a container HEALTHCHECK) must treat 401 as
    // alive.
    if (auth_ && !auth_->Check(req.get_header_value("Authorization"))) {
      res.status = 401;
      res.set_header("WWW-Authenticate",
                     "Basic realm=\"flink-ha-exporter\", charset=\"UTF-8\"");
      res.set_content("Unauthorized\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "POST" && req.path == "/-/reload") {
      Reload(res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  if (!headers_.empty()) {
    router_->set_post_routing_handler(
        [this](const httplib::Request&, httplib::Response& res) {
          for (const auto& [name, value] : headers_)
            res.set_header(name, value);
        });
  }
  // Only the Keep-Alive header: the listener keeps connections open.
  router_->set_keep_alive_timeout(
      std::max<time_t>(1, std::chrono::duration_cast<std::chrono::seconds>(
                              options_.limits.request_head_timeout)
                              .count()));
  router_->set_keep_alive_max_count(1000);
  router_->set_payload_max_length(options_.limits.max_body_bytes);
  Routes();
  listener_ = std::make_unique<HttpListener>(
      options_.limits,
      [this](const RawRequest& request) { return router_->Handle(request); },
      tls_ctx_.get(),
      [this](const ListenerStats& stats) {
        store_->Update([&](Snapshot& snap) {
          snap.http.connections_rejected_total =
              stats.connections_rejected_total;
          snap.http.request_head_timeouts_total =
              stats.request_head_timeouts_total;
        });
      });
  const auto& [host, port] = addr.value();
  if (Status bound = listener_->Bind(host, port); !bound.ok()) {
    return bound.error();
  }
  port_ = listener_->port();
  listener_->Start();
  Logger("http")->info(
      "listening address={} port={} telemetry_path={} tls={} basic_auth={}",
      host, port_, options_.telemetry_path, tls_, auth_ != nullptr);
  return Ok{};
}

void HttpServer::Stop() {
  if (listener_) listener_->Stop();
}

}  // namespace flinkha
