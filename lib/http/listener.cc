// Level-triggered epoll over non-blocking sockets. A connection is in one
// state at a time: handshaking, reading a request, waiting for a worker, or
// writing the response; only the worker step runs off the event loop.
#include "http/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include "util/logging.h"

namespace flinkha {
namespace {

constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kPublishInterval = std::chrono::seconds(1);
constexpr auto kLinger = std::chrono::seconds(2);

std::string ErrnoText() { return std::strerror(errno); }

void Address(const sockaddr_storage& ss, socklen_t len, std::string* ip,
             int* port) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host,
                  sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    *ip = host;
    *port = std::atoi(serv);
  }
}

// A response the front writes itself, for requests no handler should see.
std::string Canned(int status, std::string_view reason) {
  std::string body = std::string(reason) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// How a request head frames its body.
struct Framing {
  int error_status = 0;  // non-zero: answer this and close
  size_t body_bytes = 0;
};

Framing ParseFraming(std::string_view head, size_t max_body) {
  Framing f;
  bool have_length = false;
  size_t pos = head.find("\r\n");  // past the request line
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t start = pos + 2;
    pos = head.find("\r\n", start);
    std::string_view line = head.substr(start, pos == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : pos - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "Transfer-Encoding")) {
      // Chunked bodies are legal but no endpoint takes a body (RFC 9112
      // 6.3 lets a server ask for a length instead).
      f.error_status = 411;
      return f;
    }
    if (IEquals(name, "Content-Length")) {
      size_t n = 0;
      auto [p, ec] =
          std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() ||
          (have_length && n != f.body_bytes)) {
        f.error_status = 400;
        return f;
      }
      have_length = true;
      f.body_bytes = n;
    }
  }
  if (f.body_bytes > max_body) f.error_status = 413;
  return f;
}

std::string_view Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

struct HttpListener::Connection {
  enum class State { kHandshake, kReading, kProcessing, kWriting, kLingering };
  uint64_t id = 0;
  int fd = -1;
  SSL* ssl = nullptr;
  State state = State::kReading;
  std::string in;          // received, not yet handed to a worker
  std::string out;         // head (and small bodies)
  SharedBodyPtr out_body;  // shared body after `out`
  size_t out_pos = 0;      // in out, then in the current piece of out_body
  size_t out_piece = 0;    // the piece of out_body being written
  bool close_after_write = false;
  bool eof = false;     // the client closed its side
  bool served = false;  // at least one response written
  uint32_t watched = 0;
  bool registered = false;
  Clock::time_point deadline;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;
};

HttpListener::HttpListener(ListenerOptions options, RequestHandler handler,
                           SSL_CTX* tls,
                           std::function<void(const ListenerStats&)> on_stats)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      tls_(tls),
      on_stats_(std::move(on_stats)) {}

HttpListener::~HttpListener() { Stop(); }

Status HttpListener::Bind(const std::string& host, int port) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
      rc != 0) {
    return Error{"cannot listen on " + where + ": " + gai_strerror(rc)};
  }
  std::string last_error = "no address";
  for (addrinfo* ai = list; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
               ai->ai_protocol);
    if (fd < 0) {
      last_error = ErrnoText();
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) {
      int zero = 0;  // "::" takes IPv4 too, as httplib did
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, SOMAXCONN) != 0) {
      last_error = ErrnoText();
      close(fd);
      continue;
    }
    listen_fd_ = fd;
  }
  freeaddrinfo(list);
  if (listen_fd_ < 0) {
    return Error{"cannot listen on " + where + ": " + last_error};
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  std::string ip;
  Address(ss, len, &ip, &port_);

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    return Error{"cannot create the event loop: " + ErrnoText()};
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenId;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeId;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  next_id_ = kWakeId + 1;
  return Ok{};
}

void HttpListener::Start() {
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
  loop_ = std::thread([this] { Loop(); });
}

void HttpListener::Stop() {
  if (loop_.joinable()) {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
    loop_.join();
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    workers_stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  for (auto& [id, c] : connections_) {
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd);
  }
  connections_.clear();
  for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

ListenerStats HttpListener::stats() const {
  return ListenerStats{rejected_.load(), head_timeouts_.load()};
}

void HttpListener::Loop() {
  epoll_event events[256];
  Clock::time_point last_check = Clock::now();
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events, 256, static_cast<int>(kTick.count()));
    if (n < 0 && errno != EINTR) {
      Logger("http")->error("epoll_wait failed error=\"{}\"", ErrnoText());
      return;
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events[i].data.u64;
      if (id == kListenId) {
        Accept();
      } else if (id == kWakeId) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof count);
        DrainDone();
      } else if (auto it = connections_.find(id); it != connections_.end()) {
        OnEvent(it->second.get(), events[i].events);
      }
    }
    const Clock::time_point now = Clock::now();
    if (now - last_check >= kTick) {
      CheckDeadlines(now);
      last_check = now;
    }
    MaybePublish(now);
  }
}

void HttpListener::Work() {
  for (;;) {
    std::unique_lock<std::mutex> l(mu_);
    work_cv_.wait(l, [this] { return workers_stop_ || !jobs_.empty(); });
    if (workers_stop_) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    l.unlock();
    RawResponse response = handler_(job.first);
    l.lock();
    done_.push_back(
        Done{job.second.first, job.second.second, std::move(response)});
    l.unlock();
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
  }
}

void HttpListener::Accept() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        // The listening socket stays readable: stop watching it until the
        // next tick instead of spinning.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_paused_ = true;
        Logger("http")->warn("cannot accept a connection error=\"{}\"",
                             ErrnoText());
      }
      break;
    }
    if (connections_.size() >= static_cast<size_t>(options_.max_connections)) {
      Refuse(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->id = next_id_++;
    c->fd = fd;
    Address(ss, len, &c->remote_ip, &c->remote_port);
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
      Address(local, local_len, &c->local_ip, &c->local_port);
    }
    c->deadline = Clock::now() + options_.request_head_timeout;
    if (tls_) {
      c->ssl = SSL_new(tls_);
      if (c->ssl == nullptr) {
        ERR_clear_error();
        close(fd);
        continue;
      }
      SSL_set_fd(c->ssl, fd);
      SSL_set_accept_state(c->ssl);
      SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
      c->state = Connection::State::kHandshake;
    }
    Connection* raw = c.get();
    connections_.emplace(c->id, std::move(c));
    Watch(raw, EPOLLIN);
  }
  UpdateLimitState();
}

void HttpListener::Refuse(int fd) {
  ++rejected_;
  if (!at_limit_) {
    at_limit_ = true;
    Logger("http")->warn(
        "connection limit reached max_connections={}; refusing new "
        "connections",
        options_.max_connections);
  }
  if (!tls_) {
    // Reads what the client already sent so that closing does not reset the
    // connection before the client reads the answer.
    char buf[4096];
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    static const std::string kBusy = Canned(503, "Service Unavailable");
    [[maybe_unused]] ssize_t n =
        send(fd, kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  close(fd);
}

void HttpListener::UpdateLimitState() {
  // Some room below the limit, so that a client at the edge does not log a
  // pair of lines per connection.
  const size_t max = static_cast<size_t>(options_.max_connections);
  if (at_limit_ && connections_.size() < max - max / 10) {
    at_limit_ = false;
    Logger("http")->info(
        "below the connection limit again open_connections={} "
        "rejected_total={}",
        connections_.size(), rejected_.load());
  }
}

void HttpListener::OnEvent(Connection* c, uint32_t events) {
  if (events & EPOLLERR) {
    Close(c);
    return;
  }
  switch (c->state) {
    case Connection::State::kHandshake: {
      ERR_clear_error();
      const int r = SSL_do_handshake(c->ssl);
      if (r == 1) {
        c->state = Connection::State::kReading;
        if (ReadAvailable(c)) TryDispatch(c);
        return;
      }
      const int err = SSL_get_error(c->ssl, r);
      if (err == SSL_ERROR_WANT_READ) {
        Watch(c, EPOLLIN);
      } else if (err == SSL_ERROR_WANT_WRITE) {
        Watch(c, EPOLLOUT);
      } else {
        ERR_clear_error();
        Close(c);
      }
      return;
    }
    case Connection::State::kReading:
      if (ReadAvailable(c)) TryDispatch(c);
      return;
    case Connection::State::kWriting:
      WriteAvailable(c);
      return;
    case Connection::State::kLingering: {
      char buf[4096];
      ssize_t n;
      while ((n = recv(c->fd, buf, sizeof buf, 0)) > 0) {
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) Close(c);
      return;
    }
    case Connection::State::kProcessing:
      return;  // not watched
  }
}

bool HttpListener::ReadAvailable(Connection* c) {
  char buf[16 * 1024];
  const size_t cap = options_.max_head_bytes + options_.max_body_bytes;
  while (!c->eof && c->in.size() <= cap) {
    ssize_t n;
    if (c->ssl) {
      ERR_clear_error();
      n = SSL_read(c->ssl, buf, sizeof buf);
      if (n <= 0) {
        const int err = SSL_get_error(c->ssl, static_cast<int>(n));
        if (err == SSL_ERROR_WANT_READ) {
          Watch(c, EPOLLIN);
          return true;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
          Watch(c, EPOLLOUT);
          return true;
        }
        ERR_clear_error();
        if (err != SSL_ERROR_ZERO_RETURN) {
          Close(c);
          return false;
        }
        n = 0;
      }
    } else {
      n = recv(c->fd, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          Watch(c, EPOLLIN);
          return true;
        }
        Close(c);
        return false;
      }
    }
    if (n == 0) {
      // Requests already read are still answered; nothing more can come.
      c->eof = true;
      Watch(c, 0);
      break;
    }
    c->in.append(buf, static_cast<size_t>(n));
  }
  // Full or at end of input: TryDispatch decides; waiting on EPOLLIN now
  // would spin.
  if (c->in.size() > cap) Watch(c, 0);
  return true;
}

void HttpListener::TryDispatch(Connection* c) {
  // Blank lines before a request are ignored (RFC 9112 2.2).
  size_t skip = 0;
  while (c->in.compare(skip, 2, "\r\n") == 0) skip += 2;
  c->in.erase(0, skip);

  const size_t end = c->in.find("\r\n\r\n");
  if (end == std::string::npos || end + 4 > options_.max_head_bytes) {
    if (c->in.size() > options_.max_head_bytes) {
      Reply(c, RawResponse{Canned(431, Reason(431)), nullptr, true});
    } else if (c->eof) {
      Close(c);
    }
    return;
  }
  const size_t head_bytes = end + 4;
  const Framing framing = ParseFraming(
      std::string_view(c->in).substr(0, head_bytes), options_.max_body_bytes);
  if (framing.error_status != 0) {
    Reply(c, RawResponse{
                 Canned(framing.error_status, Reason(framing.error_status)),
                 nullptr, true});
    return;
  }
  const size_t total = head_bytes + framing.body_bytes;
  if (c->in.size() < total) {
    if (c->eof) Close(c);
    return;
  }
  RawRequest request;
  request.bytes = c->in.substr(0, total);
  c->in.erase(0, total);
  request.remote_ip = c->remote_ip;
  request.remote_port = c->remote_port;
  request.local_ip = c->local_ip;
  request.local_port = c->local_port;
  c->state = Connection::State::kProcessing;
  // Unwatched while a worker has it: nothing to read, and a hang-up must not
  // wake the loop over and over.
  Watch(c, 0);
  {
    std::lock_guard<std::mutex> l(mu_);
    jobs_.emplace_back(std::move(request), std::make_pair(c->fd, c->id));
  }
  work_cv_.notify_one();
}

void HttpListener::DrainDone() {
  std::vector<Done> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    done.swap(done_);
  }
  for (Done& d : done) {
    auto it = connections_.find(d.id);
    if (it != connections_.end())
      Reply(it->second.get(), std::move(d.response));
  }
}

void HttpListener::Reply(Connection* c, RawResponse response) {
  c->out = std::move(response.bytes);
  c->out_body = std::move(response.body);
  c->out_pos = 0;
  c->out_piece = 0;
  c->close_after_write = response.close || c->eof;
  c->state = Connection::State::kWriting;
  c->deadline = Clock::now() + options_.write_timeout;
  WriteAvailable(c);
}

bool HttpListener::WriteAvailable(Connection* c) {
  // The bytes still to write: the rest of the head, then of each piece of
  // the shared body. out_pos counts within the head while out_piece is 0 and
  // the head is not done, else within the current piece.
  auto pending = [c](const char** p) -> size_t {
    if (!c->out.empty()) {
      if (c->out_pos < c->out.size()) {
        *p = c->out.data() + c->out_pos;
        return c->out.size() - c->out_pos;
      }
      std::string().swap(c->out);
      c->out_pos = 0;
    }
    while (c->out_body && c->out_piece < c->out_body->pieces.size()) {
      const std::string& piece = *c->out_body->pieces[c->out_piece];
      if (c->out_pos < piece.size()) {
        *p = piece.data() + c->out_pos;
        return piece.size() - c->out_pos;
      }
      ++c->out_piece;
      c->out_pos = 0;
    }
    return 0;
  };
  const char* data = nullptr;
  for (size_t left; (left = pending(&data)) > 0;) {
    ssize_t n;
    if (c->ssl) {
      ERR_clear_error();
      n = SSL_write(c->ssl, data,
                    static_cast<int>(std::min<size_t>(left, 1 << 30)));
      if (n <= 0) {
        const int err = SSL_get_error(c->ssl, static_cast<int>(n));
        if (err == SSL_ERROR_WANT_WRITE) {
          Watch(c, EPOLLOUT);
          return true;
        }
        if (err == SSL_ERROR_WANT_READ) {
          Watch(c, EPOLLIN);
          return true;
        }
        ERR_clear_error();
        Close(c);
        return false;
      }
    } else {
      n = send(c->fd, data, left, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          Watch(c, EPOLLOUT);
          return true;
        }
        Close(c);
        return false;
      }
    }
    c->out_pos += static_cast<size_t>(n);
  }
  std::string().swap(c->out);
  c->out_body.reset();
  c->out_pos = 0;
  c->out_piece = 0;
  c->served = true;
  if (c->close_after_write) {
    if (c->ssl) {
      ERR_clear_error();
      SSL_shutdown(c->ssl);  // one try; the client need not answer
      ERR_clear_error();
    }
    if (c->eof) {
      Close(c);
      return false;
    }
    // Closing with unread input would reset the connection, and the client
    // could lose the response: send FIN, then discard input until the client
    // closes too (or a short while passes), as nginx's lingering close does.
    shutdown(c->fd, SHUT_WR);
    c->state = Connection::State::kLingering;
    c->deadline = Clock::now() + kLinger;
    Watch(c, EPOLLIN);
    return false;
  }
  c->state = Connection::State::kReading;
  c->deadline = Clock::now() + options_.request_head_timeout;
  // The next request may already be here, in c->in or inside TLS.
  if (ReadAvailable(c)) TryDispatch(c);
  return false;  // c may be gone
}

void HttpListener::Watch(Connection* c, uint32_t events) {
  if (events == 0) {
    if (c->registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
    c->registered = false;
    c->watched = 0;
    return;
  }
  if (c->registered && c->watched == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c->id;
  epoll_ctl(epoll_fd_, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd,
            &ev);
  c->registered = true;
  c->watched = events;
}

void HttpListener::Close(Connection* c) {
  Watch(c, 0);
  if (c->ssl) SSL_free(c->ssl);
  close(c->fd);
  connections_.erase(c->id);
  UpdateLimitState();
}

void HttpListener::CheckDeadlines(Clock::time_point now) {
  if (accept_paused_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenId;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
    accept_paused_ = false;
  }
  std::vector<Connection*> expired;
  for (auto& [id, c] : connections_) {
    if (c->state != Connection::State::kProcessing && now >= c->deadline) {
      expired.push_back(c.get());
    }
  }
  for (Connection* c : expired) {
    // An idle keep-alive connection closing is normal; a head that did not
    // arrive in time is not.
    const bool waiting_for_head = c->state == Connection::State::kHandshake ||
                                  (c->state == Connection::State::kReading &&
                                   (!c->served || !c->in.empty()));
    if (waiting_for_head) ++head_timeouts_;
    Close(c);
  }
}

void HttpListener::MaybePublish(Clock::time_point now) {
  if (!on_stats_) return;
  const ListenerStats s = stats();
  if (s == published_ || now - last_publish_ < kPublishInterval) return;
  on_stats_(s);
  published_ = s;
  last_publish_ = now;
}

}  // namespace flinkha
