// HttpClient: the exporter's only HTTP(S) client adapter (on cpp-httplib) for
// Flink REST, with timeouts, a per-request deadline, a body size cap, TLS /
// mutual TLS and authentication.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "config/config.h"
#include "model/rest_types.h"
#include "util/result.h"

namespace httplib {
class ClientImpl;
}

namespace flinkha {

struct HttpClientOptions {
  std::string base_url;  // http(s)://host[:port][/prefix]
  Duration connect_timeout{3000};
  Duration request_timeout{
      3000};  // total per request: connect, send, wait, read the body
  int64_t max_body_bytes = 16 * 1024 * 1024;
  TlsClientConfig tls;
  HttpAuthConfig auth;
  std::string user_agent;  // default "flink-ha-exporter/<version>"

  // Options for one configured JobManager of a cluster.
  static HttpClientOptions For(const ClusterConfig& cluster,
                               const JobManagerConfig& jm);
};

struct HttpResponse {
  int status = 0;
  std::string body;
  double seconds = 0;    // wall time of the request
  std::string location;  // Location header (redirects), empty when absent
};

// Keeps one keep-alive connection. Get() is called from one thread at a time
// (the owning poller); Cancel() may be called from any thread to abort it
// promptly (used by Stop()).
class HttpClient {
 public:
  // Reads password / token files and validates the URL and TLS files. Errors
  // name the file.
  static Result<std::unique_ptr<HttpClient>> Create(
      const HttpClientOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET base_url + path_and_query. Any HTTP status is a response; failing to
  // get a complete response (connect, TLS, timeout, too large, cancelled) is an
  // error, classified in *fault. Messages are short and lower case, e.g.
  // "timeout after 3s", without the path.
  Result<HttpResponse> Get(const std::string& path_and_query,
                           RestFault* fault = nullptr);

  // GET with the body handed to on_chunk as it arrives (a watch stream): no
  // body cap and no deadline for the whole body; each wait for bytes is still
  // bounded by request_timeout. on_chunk returns false to end the request.
  // The response's body stays empty.
  using ChunkFn = std::function<bool(std::string_view)>;
  Result<HttpResponse> Stream(const std::string& path_and_query,
                              const ChunkFn& on_chunk,
                              RestFault* fault = nullptr);

  // Aborts the request in flight (if any) and makes every later Get() fail at
  // once.
  void Cancel();

  const std::string& base_url() const { return options_.base_url; }

 private:
  explicit HttpClient(HttpClientOptions options);
  Status Init();
  Result<HttpResponse> Fetch(const std::string& path_and_query,
                             RestFault* fault, const ChunkFn* stream);

  HttpClientOptions options_;
  bool https_ = false;
  std::string host_;  // as in the URL
  int port_ = 0;
  std::string prefix_;  // path prefix from the URL, without a trailing slash
  std::unique_ptr<httplib::ClientImpl> client_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace flinkha
