// An epoll front for the HTTP server: accepts connections, reads request
// heads (and TLS handshakes) without blocking, and hands only complete
// requests to a small worker pool, so slow or silent clients never hold one.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/shared_body.h"
#include "util/result.h"

namespace flinkha {

struct ListenerOptions {
  // Open connections beyond this are refused (503 over plain HTTP, closed
  // over TLS) and counted.
  int max_connections = 512;
  // A whole request head (and the TLS handshake) must arrive within this of
  // the connection opening or of the previous response; idle keep-alive
  // connections close after it too.
  std::chrono::milliseconds request_head_timeout{5000};
  // Time to write one response to a client that reads slowly.
  std::chrono::milliseconds write_timeout{10000};
  size_t max_head_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
  int workers = 4;
};

// One complete request as read from the wire, for a worker.
struct RawRequest {
  std::string bytes;  // head and body
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
};

struct RawResponse {
  std::string bytes;  // status line, headers and (unless `body`) the body
  // A shared body written after `bytes` without copying it (the cached
  // /metrics body); null for most responses.
  SharedBodyPtr body;
  bool close = false;  // close the connection once written
};

// Runs on a worker thread, concurrently with other calls.
using RequestHandler = std::function<RawResponse(const RawRequest&)>;

struct ListenerStats {
  uint64_t connections_rejected_total = 0;
  uint64_t request_head_timeouts_total = 0;
  bool operator==(const ListenerStats&) const = default;
};

// Owns the listening socket, every connection, one event-loop thread and the
// workers. Start() and Stop() are for one thread; stats() is thread-safe.
class HttpListener {
 public:
  // tls, when not null, must outlive the listener; every connection then
  // speaks TLS. on_stats runs on the event loop when the counters changed, at
  // most once a second.
  HttpListener(ListenerOptions options, RequestHandler handler, SSL_CTX* tls,
               std::function<void(const ListenerStats&)> on_stats);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds and listens; port 0 picks a free one (see port()).
  Status Bind(const std::string& host, int port);
  // Starts the event loop and the workers.
  void Start();
  // Closes every connection; requests still with a worker get no answer.
  void Stop();
  int port() const { return port_; }
  ListenerStats stats() const;

 private:
  struct Connection;
  struct Done {
    int fd;
    uint64_t id;
    RawResponse response;
  };
  using Clock = std::chrono::steady_clock;

  void Loop();
  void Work();
  void Accept();
  void Refuse(int fd);
  void OnEvent(Connection* c, uint32_t events);
  // Reads what is available; false when the connection was closed.
  bool ReadAvailable(Connection* c);
  // Hands a complete request to the workers, or answers a bad one.
  void TryDispatch(Connection* c);
  void Reply(Connection* c, RawResponse response);
  // Writes what the socket takes; false when the connection was closed.
  bool WriteAvailable(Connection* c);
  void Watch(Connection* c, uint32_t events);
  void Close(Connection* c);
  void CheckDeadlines(Clock::time_point now);
  void DrainDone();
  void UpdateLimitState();
  void MaybePublish(Clock::time_point now);

  const ListenerOptions options_;
  const RequestHandler handler_;
  SSL_CTX* const tls_;
  const std::function<void(const ListenerStats&)> on_stats_;

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: workers finished, or Stop()
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
  std::vector<std::thread> workers_;

  // Event loop only.
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;  // by fd
  uint64_t next_id_ = 1;
  bool at_limit_ = false;       // for one log line per change of state
  bool accept_paused_ = false;  // out of file descriptors
  ListenerStats published_;
  Clock::time_point last_publish_{};

  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> head_timeouts_{0};

  std::mutex mu_;  // guards jobs_, done_, workers_stop_
  std::condition_variable work_cv_;
  std::deque<std::pair<RawRequest, std::pair<int, uint64_t>>> jobs_;
  std::vector<Done> done_;
  bool workers_stop_ = false;
};

}  // namespace flinkha
