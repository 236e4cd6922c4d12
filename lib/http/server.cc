// HTTP endpoints over the latest snapshot; nothing here waits on Flink or
// ZooKeeper.
#include "http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <zlib.h>

#include <chrono>
#include <optional>
#include <string_view>

#include "config/address.h"
#include "http/history_json.h"
#include "http/message.h"
#include "http/request_target.h"
#include "http/status_json.h"
#include "http/status_page.h"
#include "http/web_config.h"
#include "util/logging.h"

namespace flinkha {
namespace {

namespace http = boost::beast::http;

struct FreeSslCtx {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

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

constexpr std::string_view kTextPlain = "text/plain";

void SetBody(HttpResponse& res, std::string body, std::string_view type) {
  res.set(http::field::content_type, type);
  res.body() = SingleBody(std::make_shared<const std::string>(std::move(body)));
}

// One gzip member of text; nullopt when zlib fails (out of memory).
std::optional<std::string> Gzip(const std::string& text) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&zs, text.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(zs.total_out);
  return out;
}

// A page or a JSON document, compressed when the client accepts gzip (as
// cpp-httplib's server did for text bodies).
void SetDocument(HttpResponse& res, const HttpRequest& req, std::string body,
                 std::string_view type) {
  res.set(http::field::vary, "Accept-Encoding");
  if (AcceptsGzip(req[http::field::accept_encoding])) {
    if (auto gz = Gzip(body)) {
      res.set(http::field::content_encoding, "gzip");
      body = std::move(*gz);
    }
  }
  SetBody(res, std::move(body), type);
}

}  // namespace

HttpServer::HttpServer(StateStore* store, ServerOptions options)
    : store_(store), options_(std::move(options)), metrics_(AllCollectors()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(HttpExchange& exchange) {
  HttpResponse& res = exchange.response;
  res.result(http::status::ok);
  // Every path needs the password, /healthz and /ready included: this is
  // what the exporter-toolkit does (it wraps the whole mux), so operators
  // get the behaviour they know, and nothing about the process (not even
  // that it is up) leaks to an unauthenticated client. Probes that cannot
  // send credentials (a container HEALTHCHECK) must treat 401 as alive.
  if (auth_ && !auth_->Check(
                   std::string(exchange.request[http::field::authorization]))) {
    res.result(http::status::unauthorized);
    res.set(http::field::www_authenticate,
            "Basic realm=\"flink-ha-exporter\", charset=\"UTF-8\"");
    SetBody(res, "Unauthorized\n", kTextPlain);
  } else {
    Route(exchange);
  }
  for (const auto& [name, value] : headers_) res.set(name, value);
}

void HttpServer::Route(HttpExchange& exchange) {
  const HttpRequest& req = exchange.request;
  HttpResponse& res = exchange.response;
  const std::string path = RequestPath(req.target());
  if (req.method() == http::verb::post && path == "/-/reload") {
    if (!options_.reload) {
      res.result(http::status::not_found);
      return;
    }
    Status st = options_.reload();
    if (st.ok()) {
      SetBody(res, "reloaded\n", kTextPlain);
    } else {
      res.result(http::status::internal_server_error);
      SetBody(res, "reload failed: " + st.error().message + "\n", kTextPlain);
    }
    return;
  }
  // HEAD is a GET whose body the listener drops.
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res.result(http::status::not_found);
    return;
  }
  if (path == options_.telemetry_path) {
    // The cached body as it is: its pieces are written without a copy.
    MetricsBody body = metrics_.Get(
        store_->Get(), AcceptsGzip(req[http::field::accept_encoding])
                           ? MetricsEncoding::kGzip
                           : MetricsEncoding::kIdentity);
    res.set(http::field::content_type,
            "text/plain; version=0.0.4; charset=utf-8");
    if (body.gzip) res.set(http::field::content_encoding, "gzip");
    res.set(http::field::vary, "Accept-Encoding");
    res.body() = std::move(body.bytes);
  } else if (path == "/healthz" || path == "/-/healthy") {
    SetBody(res, "OK\n", kTextPlain);
  } else if (path == "/ready" || path == "/-/ready") {
    if (store_->Get()->AllSourcesReported()) {
      SetBody(res, "OK\n", kTextPlain);
    } else {
      res.result(http::status::service_unavailable);
      SetBody(res, "not ready: waiting for every source to report once\n",
              kTextPlain);
    }
  } else if (path == "/api/v1/status") {
    SetDocument(res, req, StatusJson(*store_->Get()).dump(2) + "\n",
                "application/json");
  } else if (path == "/api/v1/history") {
    nlohmann::json body = nlohmann::json::object();
    if (options_.history) {
      options_.history->Read(
          [&](const HistoryData& d) { body = HistoryJson(d); });
    }
    SetDocument(res, req, body.dump() + "\n", "application/json");
  } else if (path == "/") {
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
    res.set("Content-Security-Policy", kStatusPageCsp);
    SetDocument(res, req, std::move(page), "text/html; charset=utf-8");
  } else {
    res.result(http::status::not_found);
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
  SSL_CTX* tls_ctx = nullptr;  // the listener takes it over
  if (web.tls) {
    std::unique_ptr<SSL_CTX, FreeSslCtx> ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
      return Error{options_.web_config_file +
                   ": cannot create the TLS context: " + OpenSslError()};
    }
    Status tls_status = ConfigureTls(ctx.get(), *web.tls);
    if (!tls_status.ok()) {
      return tls_status.error().Wrap(options_.web_config_file);
    }
    tls_ctx = ctx.release();
    tls_ = true;
  }
  headers_ = web.headers;
  if (!web.basic_auth_users.empty()) {
    auth_ = std::make_unique<BasicAuthVerifier>(web.basic_auth_users);
  }
  listener_ = std::make_unique<HttpListener>(
      options_.limits, [this](HttpExchange& exchange) { Handle(exchange); },
      tls_ctx,
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
