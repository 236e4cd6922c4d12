// HttpClient on cpp-httplib: httplib's errors are classified into RestFault
// here and nowhere else.
#include "sources/rest/http_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <charconv>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "config/address.h"
#include "config/duration.h"
#include "util/build_info.h"
#include "util/logging.h"

namespace flinkha {
namespace {

using Clock = std::chrono::steady_clock;

Result<std::string> ReadSecretFile(const std::string& what,
                                   const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{what + ": cannot read " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  // Secret files usually end with a newline that is not part of the secret.
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return Error{what + ": " + path + " is empty"};
  return s;
}

Status CheckReadable(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{what + ": cannot read " + path};
  return Ok{};
}

// Resolves host to a numeric address for httplib's host->address map (used when
// tls.server_name differs from the URL host, so the name checked and sent as
// SNI is server_name).
std::string ResolveNumeric(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  const void* addr =
      res->ai_family == AF_INET6
          ? static_cast<const void*>(
                &reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr)
          : static_cast<const void*>(
                &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr);
  std::string out;
  if (inet_ntop(res->ai_family, addr, buf, sizeof(buf))) out = buf;
  freeaddrinfo(res);
  return out;
}

// OpenSSL's X509 verify codes in words (the library links libcrypto only
// through httplib, so X509_verify_cert_error_string is not called; the common
// codes are enough for an operator).
std::string VerifyErrorText(long code) {
  switch (code) {
    case X509_V_OK:
      return "host name does not match the certificate";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      return "unable to get local issuer certificate";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return "self-signed certificate";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "self-signed certificate in chain";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate is not yet valid";
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "host name does not match the certificate";
    case X509_V_ERR_INVALID_PURPOSE:
      return "certificate not valid for TLS server use";
    default:
      return "openssl verify error " + std::to_string(code);
  }
}

// Each poller builds its own client: warn once per URL per process, not once
// per client.
void WarnInsecureOnce(const std::string& url) {
  static std::mutex mu;
  static std::set<std::string> warned;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!warned.insert(url).second) return;
  }
  Logger("rest")->warn(
      "tls.insecure_skip_verify is set: the certificate of {} is not verified",
      url);
}

}  // namespace

HttpClientOptions HttpClientOptions::For(const ClusterConfig& cluster,
                                         const JobManagerConfig& jm) {
  HttpClientOptions o;
  o.base_url = jm.url;
  o.connect_timeout = cluster.request_timeout;
  o.request_timeout = cluster.request_timeout;
  o.max_body_bytes = cluster.max_response_bytes;
  o.tls = cluster.tls;
  o.auth = cluster.auth;
  return o;
}

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)) {}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::Create(
    const HttpClientOptions& options) {
  std::unique_ptr<HttpClient> c(new HttpClient(options));
  if (auto st = c->Init(); !st.ok()) return st.error();
  return c;
}

Status HttpClient::Init() {
  // URL: scheme://host[:port][/prefix], by the config's grammar.
  const std::string& url = options_.base_url;
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return Error{"url: " + parsed.error().message};
  https_ = parsed->https;
  host_ = parsed->host;
  port_ = parsed->port;
  prefix_ = parsed->path_prefix;

  // Authentication: secrets from files are read once, here.
  const HttpAuthConfig& a = options_.auth;
  std::string password = a.password;
  if (!a.password_file.empty()) {
    auto p = ReadSecretFile("auth.password_file", a.password_file);
    if (!p.ok()) return p.error();
    password = *p;
  }
  std::string token = a.bearer_token;
  if (!a.bearer_token_file.empty()) {
    auto t = ReadSecretFile("auth.bearer_token_file", a.bearer_token_file);
    if (!t.ok()) return t.error();
    token = *t;
  }
  if (!a.username.empty() && !token.empty()) {
    return Error{
        "auth: expected either basic auth or a bearer token, found both"};
  }

  const TlsClientConfig& tls = options_.tls;
  if (!https_ && (!tls.ca_file.empty() || !tls.cert_file.empty())) {
    return Error{
        "tls: certificates are configured but the url is not https: \"" + url +
        "\""};
  }
  const std::string connect_host =
      https_ && !tls.server_name.empty() ? tls.server_name : host_;
  if (https_) {
    if (tls.cert_file.empty() != tls.key_file.empty()) {
      return Error{
          "tls: expected both cert_file and key_file for mutual TLS, found "
          "only one"};
    }
    if (!tls.ca_file.empty()) {
      if (auto st = CheckReadable("tls.ca_file", tls.ca_file); !st.ok())
        return st;
    }
    std::unique_ptr<httplib::SSLClient> ssl;
    if (!tls.cert_file.empty()) {
      if (auto st = CheckReadable("tls.cert_file", tls.cert_file); !st.ok())
        return st;
      if (auto st = CheckReadable("tls.key_file", tls.key_file); !st.ok())
        return st;
      ssl = std::make_unique<httplib::SSLClient>(connect_host, port_,
                                                 tls.cert_file, tls.key_file);
      if (!ssl->is_valid()) {
        return Error{"tls: cannot load the client certificate " +
                     tls.cert_file + " with key " + tls.key_file +
                     " (expected matching PEM files)"};
      }
    } else {
      ssl = std::make_unique<httplib::SSLClient>(connect_host, port_);
    }
    if (!tls.ca_file.empty()) ssl->set_ca_cert_path(tls.ca_file);
    ssl->enable_server_certificate_verification(!tls.insecure_skip_verify);
    if (tls.insecure_skip_verify) WarnInsecureOnce(url);
    client_ = std::move(ssl);
  } else {
    client_ = std::make_unique<httplib::ClientImpl>(host_, port_);
  }

  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // small requests on a kept-alive connection
  client_->set_follow_location(
      false);  // a 307 from an old standby is reported, not followed
  auto secs = [](Duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d);
  };
  const auto connect = secs(options_.connect_timeout);
  const auto request = secs(options_.request_timeout);
  client_->set_connection_timeout(connect.count() / 1000000,
                                  connect.count() % 1000000);
  client_->set_read_timeout(request.count() / 1000000,
                            request.count() % 1000000);
  client_->set_write_timeout(request.count() / 1000000,
                             request.count() % 1000000);
  if (!a.username.empty()) client_->set_basic_auth(a.username, password);
  if (!token.empty()) client_->set_bearer_token_auth(token);
  if (options_.user_agent.empty()) {
    options_.user_agent = "flink-ha-exporter/" + std::string(BuildVersion());
  }
  return Ok{};
}

void HttpClient::Cancel() {
  cancelled_ = true;
  // httplib's stop() only shuts the socket down while a request is in flight,
  // which makes the blocked read in Get() return at once; it is meant to be
  // called from another thread.
  if (client_) client_->stop();
}

Result<HttpResponse> HttpClient::Get(const std::string& path_and_query,
                                     RestFault* fault) {
  return Fetch(path_and_query, fault, nullptr);
}

Result<HttpResponse> HttpClient::Stream(const std::string& path_and_query,
                                        const ChunkFn& on_chunk,
                                        RestFault* fault) {
  return Fetch(path_and_query, fault, &on_chunk);
}

Result<HttpResponse> HttpClient::Fetch(const std::string& path_and_query,
                                       RestFault* fault,
                                       const ChunkFn* stream) {
  auto fail = [&](RestFault f, std::string message) -> Result<HttpResponse> {
    if (fault) *fault = f;
    return Error{std::move(message)};
  };
  if (fault) *fault = RestFault::kNone;
  if (cancelled_)
    return fail(RestFault::kConnect, "cancelled: the exporter is stopping");

  const TlsClientConfig& tls = options_.tls;
  if (https_ && !tls.server_name.empty() && tls.server_name != host_) {
    const std::string ip = ResolveNumeric(host_);
    if (ip.empty())
      return fail(RestFault::kConnect, "cannot resolve host " + host_);
    client_->set_hostname_addr_map({{tls.server_name, ip}});
  }

  const auto start = Clock::now();
  const auto deadline = start + options_.request_timeout;
  const auto max = static_cast<size_t>(options_.max_body_bytes);
  enum class Abort {
    kNone,
    kTooLarge,
    kDeadline,
    kCancelled
  } abort = Abort::kNone;
  std::string body;
  httplib::Headers headers{{"User-Agent", options_.user_agent},
                           {"Accept", "application/json"}};

  auto res = client_->Get(
      prefix_ + path_and_query, headers,
      [&](const httplib::Response& r) {
        // Refuse early when the server announces a body over the cap.
        if (!stream && r.has_header("Content-Length")) {
          const std::string v = r.get_header_value("Content-Length");
          uint64_t n = 0;
          auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
          if (ec == std::errc() && n > max) {
            abort = Abort::kTooLarge;
            return false;
          }
        }
        if (cancelled_) {
          abort = Abort::kCancelled;
          return false;
        }
        return true;
      },
      [&](const char* data, size_t n) {
        if (stream) {
          if (cancelled_) {
            abort = Abort::kCancelled;
            return false;
          }
          return (*stream)(std::string_view(data, n));
        }
        if (body.size() + n > max) {
          abort = Abort::kTooLarge;
          return false;
        }
        // The read timeout bounds each wait for bytes; this bounds the whole
        // body, so a server trickling bytes cannot hold the poll past the
        // deadline.
        if (Clock::now() > deadline) {
          abort = Abort::kDeadline;
          return false;
        }
        if (cancelled_) {
          abort = Abort::kCancelled;
          return false;
        }
        body.append(data, n);
        return true;
      });
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  const std::string timeout = FormatDuration(options_.request_timeout);

  if (res) {
    HttpResponse out;
    out.status = res->status;
    out.body = std::move(body);
    out.seconds = seconds;
    out.location = res->get_header_value("Location");
    return out;
  }
  if (cancelled_)
    return fail(RestFault::kConnect, "cancelled: the exporter is stopping");
  const std::string where = host_ + ":" + std::to_string(port_);
  switch (res.error()) {
    case httplib::Error::Canceled:
      switch (abort) {
        case Abort::kTooLarge:
          return fail(RestFault::kTooLarge,
                      "response body larger than max_response_bytes (" +
                          std::to_string(max) + " bytes)");
        case Abort::kDeadline:
          return fail(RestFault::kTimeout, "timeout after " + timeout);
        default:
          return fail(RestFault::kConnect, "request cancelled");
      }
    case httplib::Error::ConnectionTimeout:
      return fail(RestFault::kTimeout,
                  "connect timeout after " +
                      FormatDuration(options_.connect_timeout) + " to " +
                      where);
    case httplib::Error::Connection:
      return fail(RestFault::kConnect, "cannot connect to " + where);
    case httplib::Error::Read:
      // httplib reports a read timeout and a closed connection alike; elapsed
      // time tells.
      if (seconds + 0.05 >=
          std::chrono::duration<double>(options_.request_timeout).count()) {
        return fail(RestFault::kTimeout, "timeout after " + timeout);
      }
      return fail(
          RestFault::kConnect,
          "connection to " + where + " closed before a complete response");
    case httplib::Error::Write:
      return fail(RestFault::kConnect,
                  "sending the request to " + where + " failed");
    case httplib::Error::SSLConnection:
      return fail(
          RestFault::kConnect,
          "TLS handshake with " + where +
              " failed (check the server's TLS setup and, for mutual TLS, "
              "tls.cert_file and tls.key_file)");
    case httplib::Error::SSLLoadingCerts:
      return fail(
          RestFault::kConnect,
          "cannot load CA certificates" +
              (tls.ca_file.empty() ? std::string(" from the system store")
                                   : " from " + tls.ca_file));
    case httplib::Error::SSLServerVerification: {
      auto* ssl = static_cast<httplib::SSLClient*>(client_.get());
      const long code = ssl->get_openssl_verify_result();
      const std::string reason = VerifyErrorText(code);
      return fail(
          RestFault::kConnect,
          "TLS certificate verification of " + where + " failed: " + reason +
              (tls.ca_file.empty() ? " (set tls.ca_file to the CA that signed "
                                     "the server certificate)"
                                   : " (tls.ca_file " + tls.ca_file + ")"));
    }
    default:
      return fail(RestFault::kConnect, "request to " + where + " failed: " +
                                           httplib::to_string(res.error()));
  }
}

}  // namespace flinkha
