// The HTTP server's connections, on Boost.Beast and Boost.Asio: one I/O
// thread accepts, does TLS handshakes, reads requests and writes responses,
// all asynchronously, so idle and slow clients hold a socket and a buffer but
// no thread; only complete requests reach a small pool of handler threads.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "util/result.h"

namespace flinkha {

struct HttpExchange;  // http/message.h

struct ListenerOptions {
  // Open connections beyond this are refused (503 over plain HTTP, closed
  // over TLS) and counted.
  int max_connections = 512;
  // A whole request (and the TLS handshake) must arrive within this of the
  // connection opening or of the previous response; idle keep-alive
  // connections close after it too.
  std::chrono::milliseconds request_head_timeout{5000};
  // Time to write one response to a client that reads slowly.
  std::chrono::milliseconds write_timeout{10000};
  size_t max_head_bytes = 16 * 1024;  // beyond: 431
  size_t max_body_bytes = 64 * 1024;  // beyond: 413; chunked bodies: 411
  int workers = 4;                    // threads running the handler
};

// Fills in exchange.response from exchange.request; runs on a handler
// thread, concurrently with other calls.
using RequestHandler = std::function<void(HttpExchange& exchange)>;

struct ListenerStats {
  uint64_t connections_rejected_total = 0;
  uint64_t request_head_timeouts_total = 0;
  bool operator==(const ListenerStats&) const = default;
};

// Owns the listening socket, every connection, the I/O thread and the handler
// threads. Bind(), Start() and Stop() are for one thread; stats() is
// thread-safe.
class HttpListener {
 public:
  // tls, when not null, is taken over (freed by the listener); every
  // connection then speaks TLS. on_stats runs on the I/O thread when the
  // counters changed, at most once a second.
  HttpListener(ListenerOptions options, RequestHandler handler, SSL_CTX* tls,
               std::function<void(const ListenerStats&)> on_stats);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds and listens; port 0 picks a free one (see port()).
  Status Bind(const std::string& host, int port);
  // Starts the I/O thread and the handler threads.
  void Start();
  // Closes every connection; requests still with a handler get no answer.
  void Stop();
  int port() const { return port_; }
  ListenerStats stats() const;

  class Impl;  // listener.cc

 private:
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace flinkha
