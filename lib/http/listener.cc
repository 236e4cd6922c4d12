// A session per connection: a chain of asynchronous Beast operations on the
// I/O thread (TLS handshake, request head, body, a handler thread, the
// response, and again for the next request), each under a deadline that
// Beast's tcp_stream enforces by closing the socket.
#include "http/listener.h"

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <type_traits>

#include "http/message.h"
#include "util/logging.h"

namespace flinkha {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kPublishInterval = std::chrono::seconds(1);
constexpr auto kLinger = std::chrono::seconds(2);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

// A response the listener writes itself, to a request no handler should see;
// the connection closes after it.
HttpResponse Canned(http::status status) {
  HttpResponse res{status, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = SingleBody(std::make_shared<const std::string>(
      std::string(http::obsolete_reason(status)) + "\n"));
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// Sockets are not inherited by processes the exporter's process starts (the
// tests run curl beside an in-process server): a child holding a copy would
// keep a connection open after the listener closed it.
void CloseOnExec(int fd) {
  fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

bool IsHttpError(const beast::error_code& ec) {
  return ec.category() ==
         http::make_error_code(http::error::end_of_stream).category();
}

}  // namespace

class HttpListener::Impl {
 public:
  Impl(ListenerOptions options, RequestHandler handler, SSL_CTX* tls,
       std::function<void(const ListenerStats&)> on_stats)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        on_stats_(std::move(on_stats)),
        keep_alive_("timeout=" +
                    std::to_string(std::max<int64_t>(
                        1, std::chrono::duration_cast<std::chrono::seconds>(
                               options_.request_head_timeout)
                               .count()))),
        io_(std::make_unique<asio::io_context>(1)) {
    if (tls) tls_ = std::make_unique<asio::ssl::context>(tls);
  }
  ~Impl() { Stop(); }

  Status Bind(const std::string& host, int port, int* bound_port);
  void Start();
  void Stop();
  ListenerStats stats() const {
    return ListenerStats{rejected_.load(), head_timeouts_.load()};
  }

  // For the sessions: on the I/O thread unless said otherwise.
  const ListenerOptions& options() const { return options_; }
  const std::string& keep_alive() const { return keep_alive_; }
  // On a handler thread.
  void Handle(HttpExchange& exchange) const { handler_(exchange); }
  asio::thread_pool& workers() { return *workers_; }
  void CountHeadTimeout() {
    ++head_timeouts_;
    CountersChanged();
  }
  // A session ended (on any thread).
  void Closed();

 private:
  void Accept();
  void OnAccept(const beast::error_code& ec, tcp::socket socket);
  void Refuse(tcp::socket socket);
  void CountersChanged();

  const ListenerOptions options_;
  const RequestHandler handler_;
  const std::function<void(const ListenerStats&)> on_stats_;
  const std::string keep_alive_;  // the Keep-Alive header's value

  // Destroyed in Stop() in this order: the handler threads' queue, then
  // everything waiting on the I/O context, then the context, so that the
  // sessions they hold end while the rest of this object is alive.
  std::unique_ptr<asio::io_context> io_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> accept_timer_;   // after EMFILE and such
  std::optional<asio::steady_timer> publish_timer_;  // stats, once a second
  std::unique_ptr<asio::ssl::context> tls_;          // null: plain HTTP
  std::optional<asio::thread_pool> workers_;
  std::thread io_thread_;

  std::atomic<int> open_{0};
  std::atomic<bool> at_limit_{false};  // for one log line per change of state
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> head_timeouts_{0};
  // I/O thread only.
  bool publish_armed_ = false;
  ListenerStats published_;
  Clock::time_point last_publish_{};
};

namespace {

// One connection. Stream is beast::tcp_stream or an ssl_stream over one.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... Args>
  Session(HttpListener::Impl* listener, Args&&... stream_args)
      : listener_(listener), stream_(std::forward<Args>(stream_args)...) {}
  ~Session() { listener_->Closed(); }

  void Start() {
    // The handshake and the first request share one deadline.
    Lowest().expires_after(listener_->options().request_head_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](const beast::error_code& ec) {
            self->OnHandshake(ec);
          });
    } else {
      ReadRequest();
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void OnHandshake(const beast::error_code& ec) {
    if (ec == beast::error::timeout) listener_->CountHeadTimeout();
    if (!ec) ReadRequest();
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<uint32_t>(listener_->options().max_head_bytes));
    parser_->body_limit(listener_->options().max_body_bytes);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const beast::error_code& ec, size_t) {
          self->OnHead(ec);
        });
  }

  void OnHead(const beast::error_code& ec) {
    if (ec) return OnReadError(ec);
    // Chunked bodies are legal but no endpoint takes a body (RFC 9112 6.3
    // lets a server ask for a length instead).
    if (parser_->get().count(http::field::transfer_encoding) > 0) {
      return Reply(Canned(http::status::length_required));
    }
    if (parser_->content_length().value_or(0) >
        listener_->options().max_body_bytes) {
      return Reply(Canned(http::status::payload_too_large));
    }
    if (parser_->is_done()) return Dispatch();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      // The client waits for this before it sends the body.
      continue_.emplace(http::status::continue_, 11);
      http::async_write(stream_, *continue_,
                        [self = this->shared_from_this()](
                            const beast::error_code& write_ec, size_t) {
                          self->continue_.reset();
                          if (!write_ec) self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const beast::error_code& ec, size_t) {
          if (ec) return self->OnReadError(ec);
          self->Dispatch();
        });
  }

  // Blank lines before a request are ignored (RFC 9112 2.2): Beast's parser
  // refuses them, so they go and the head is parsed again.
  bool SkipBlankLines() {
    const std::string_view in(static_cast<const char*>(buffer_.data().data()),
                              buffer_.size());
    size_t n = 0;
    while (in.substr(n, 2) == "\r\n") n += 2;
    buffer_.consume(n);
    return n > 0;
  }

  void OnReadError(const beast::error_code& ec) {
    if (ec == beast::error::timeout) {
      // An idle keep-alive connection closing is normal; a request that did
      // not arrive in time is not.
      if (!served_ || parser_->got_some() || buffer_.size() > 0) {
        listener_->CountHeadTimeout();
      }
      return;
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return Reply(Canned(http::status::request_header_fields_too_large));
    }
    if (ec == http::error::body_limit) {
      return Reply(Canned(http::status::payload_too_large));
    }
    if (ec == http::error::bad_transfer_encoding) {
      return Reply(Canned(http::status::length_required));
    }
    if (IsHttpError(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      if (SkipBlankLines()) return ReadRequest();
      return Reply(Canned(http::status::bad_request));
    }
    // The client closed or the connection failed: nothing to answer.
  }

  // Hands the request to a handler thread; the response comes back here.
  void Dispatch() {
    Lowest().expires_never();
    auto exchange = std::make_shared<HttpExchange>();
    exchange->request = parser_->release();
    asio::post(listener_->workers(),
               [self = this->shared_from_this(), exchange] {
                 self->listener_->Handle(*exchange);
                 asio::post(self->stream_.get_executor(),
                            [self, exchange] { self->Respond(*exchange); });
               });
  }

  void Respond(HttpExchange& exchange) {
    HttpResponse& res = exchange.response;
    const HttpRequest& req = exchange.request;
    res.version(11);
    // HTTP/1.0 clients get one response per connection.
    const bool keep_alive = req.version() >= 11 && req.keep_alive();
    res.keep_alive(keep_alive);
    if (keep_alive) res.set(http::field::keep_alive, listener_->keep_alive());
    res.prepare_payload();
    // A HEAD response has the headers of the GET, Content-Length included.
    if (req.method() == http::verb::head) res.body() = nullptr;
    Reply(std::move(res));
  }

  void Reply(HttpResponse res) {
    response_.emplace(std::move(res));
    Lowest().expires_after(listener_->options().write_timeout);
    http::async_write(
        stream_, *response_,
        [self = this->shared_from_this()](const beast::error_code& ec, size_t) {
          self->OnWritten(ec);
        });
  }

  void OnWritten(const beast::error_code& ec) {
    const bool close = !response_->keep_alive();
    response_.reset();
    if (ec) return;
    served_ = true;
    if (close) return Linger();
    Lowest().expires_after(listener_->options().request_head_timeout);
    ReadRequest();  // the next request may already be in buffer_
  }

  // Closing with unread input would reset the connection, and the client
  // could lose the response: end our side, then discard input until the
  // client closes too or a short while passes, as nginx's lingering close.
  void Linger() {
    Lowest().expires_after(kLinger);
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](const beast::error_code&) {});
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  void Drain() {
    Lowest().async_read_some(
        asio::buffer(drain_),
        [self = this->shared_from_this()](const beast::error_code& ec, size_t) {
          if (!ec) self->Drain();
        });
  }

  HttpListener::Impl* const listener_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<HttpResponse> response_;                      // being written
  std::optional<http::response<http::empty_body>> continue_;  // being written
  bool served_ = false;  // at least one response written
  char drain_[4096];
};

}  // namespace

Status HttpListener::Impl::Bind(const std::string& host, int port,
                                int* bound_port) {
  const std::string where = host + ":" + std::to_string(port);
  beast::error_code ec;
  tcp::resolver resolver(*io_);
  const auto results = resolver.resolve(
      host, std::to_string(port),
      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return Error{"cannot listen on " + where + ": " + ec.message()};
  std::string last_error = "no address";
  for (const auto& entry : results) {
    const tcp::endpoint endpoint = entry.endpoint();
    tcp::acceptor acceptor(*io_);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.protocol() == tcp::v6()) {
      acceptor.set_option(asio::ip::v6_only(false), ec);  // "::" takes IPv4
    }
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      last_error = ec.message();
      continue;
    }
    CloseOnExec(acceptor.native_handle());
    *bound_port = acceptor.local_endpoint(ec).port();
    acceptor_.emplace(std::move(acceptor));
    return Ok{};
  }
  return Error{"cannot listen on " + where + ": " + last_error};
}

void HttpListener::Impl::Start() {
  if (!acceptor_ || io_thread_.joinable()) return;
  workers_.emplace(static_cast<size_t>(std::max(1, options_.workers)));
  accept_timer_.emplace(*io_);
  publish_timer_.emplace(*io_);
  Accept();
  io_thread_ = std::thread([this] {
    auto work = asio::make_work_guard(*io_);
    io_->run();
  });
}

void HttpListener::Impl::Stop() {
  if (!io_) return;
  io_->stop();
  if (io_thread_.joinable()) io_thread_.join();
  if (workers_) {
    workers_->stop();
    workers_->join();
    workers_.reset();  // requests not yet handled, and their sessions
  }
  acceptor_.reset();
  accept_timer_.reset();
  publish_timer_.reset();
  io_.reset();  // every other session, with its pending operation
}

void HttpListener::Impl::Accept() {
  acceptor_->async_accept(
      *io_, [this](const beast::error_code& ec, tcp::socket socket) {
        OnAccept(ec, std::move(socket));
      });
}

void HttpListener::Impl::OnAccept(const beast::error_code& ec,
                                  tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    if (ec == asio::error::no_descriptors || ec == asio::error::no_memory ||
        ec == asio::error::no_buffer_space ||
        ec == beast::errc::too_many_files_open_in_system) {
      // The listening socket stays readable: wait a little instead of
      // spinning on it.
      Logger("http")->warn("cannot accept a connection error=\"{}\"",
                           ec.message());
      accept_timer_->expires_after(kAcceptRetry);
      accept_timer_->async_wait([this](const beast::error_code& wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    Accept();
    return;
  }
  CloseOnExec(socket.native_handle());
  if (open_.load() >= options_.max_connections) {
    Refuse(std::move(socket));
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    ++open_;
    if (tls_) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          this, std::move(socket), *tls_)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(this, std::move(socket))
          ->Start();
    }
  }
  Accept();
}

void HttpListener::Impl::Refuse(tcp::socket socket) {
  ++rejected_;
  if (!at_limit_.exchange(true)) {
    Logger("http")->warn(
        "connection limit reached max_connections={}; refusing new "
        "connections",
        options_.max_connections);
  }
  if (!tls_) {
    // Reads what the client already sent, so that closing does not reset
    // the connection before the client reads the answer; never waits.
    static const std::string kBusy = [] {
      std::ostringstream out;
      out << Canned(http::status::service_unavailable);
      return out.str();
    }();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    char buf[4096];
    while (!ec && socket.read_some(asio::buffer(buf), ec) > 0) {
    }
    socket.write_some(asio::buffer(kBusy), ec);
  }
  CountersChanged();
}

void HttpListener::Impl::Closed() {
  const int open = --open_;
  // Some room below the limit, so that a client at the edge does not log a
  // pair of lines per connection.
  const int max = options_.max_connections;
  if (open < max - max / 10 && at_limit_.exchange(false)) {
    Logger("http")->info(
        "below the connection limit again open_connections={} "
        "rejected_total={}",
        open, rejected_.load());
  }
}

void HttpListener::Impl::CountersChanged() {
  if (!on_stats_ || publish_armed_) return;
  publish_armed_ = true;
  publish_timer_->expires_at(
      std::max(Clock::now(), last_publish_ + kPublishInterval));
  publish_timer_->async_wait([this](const beast::error_code& ec) {
    publish_armed_ = false;
    if (ec) return;
    const ListenerStats s = stats();
    if (s == published_) return;
    on_stats_(s);
    published_ = s;
    last_publish_ = Clock::now();
  });
}

HttpListener::HttpListener(ListenerOptions options, RequestHandler handler,
                           SSL_CTX* tls,
                           std::function<void(const ListenerStats&)> on_stats)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), tls,
                                   std::move(on_stats))) {}

HttpListener::~HttpListener() = default;

Status HttpListener::Bind(const std::string& host, int port) {
  return impl_->Bind(host, port, &port_);
}

void HttpListener::Start() { impl_->Start(); }

void HttpListener::Stop() { impl_->Stop(); }

ListenerStats HttpListener::stats() const { return impl_->stats(); }

}  // namespace flinkha
