// Four-letter-word client: non-blocking socket, poll() against one deadline.
#include "sources/zookeeper/four_letter_word.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flinkha {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - Clock::now())
                        .count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Closes the socket on every path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

Result<std::string> SendFourLetterWord(const std::string& host, int port,
                                       const std::string& cmd,
                                       std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
      rc != 0) {
    return Error{"resolve " + host + ": " + gai_strerror(rc)};
  }
  std::string last_error = "no address";
  Fd sock;
  for (addrinfo* ai = res; ai && sock.fd < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_error = std::string("socket: ") + strerror(errno);
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::string("connect: ") + strerror(errno);
      close(fd);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    const int n = poll(&p, 1, RemainingMs(deadline));
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (n <= 0) {
      last_error =
          "connect: timed out after " + std::to_string(timeout.count()) + " ms";
      close(fd);
      continue;
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      last_error = std::string("connect: ") + strerror(so_error);
      close(fd);
      continue;
    }
    sock.fd = fd;
  }
  freeaddrinfo(res);
  if (sock.fd < 0) return Error{last_error};

  size_t sent = 0;
  while (sent < cmd.size()) {
    pollfd p{sock.fd, POLLOUT, 0};
    if (poll(&p, 1, RemainingMs(deadline)) <= 0)
      return Error{"send: timed out"};
    const ssize_t n =
        send(sock.fd, cmd.data() + sent, cmd.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Error{std::string("send: ") + strerror(errno)};
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string out;
  constexpr size_t kMaxAnswer =
      1 << 20;  // mntr is a few KB; refuse to buffer without end
  char buf[4096];
  while (true) {
    pollfd p{sock.fd, POLLIN, 0};
    const int n = poll(&p, 1, RemainingMs(deadline));
    if (n == 0) {
      return Error{"no complete answer to " + cmd + " within " +
                   std::to_string(timeout.count()) + " ms"};
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("poll: ") + strerror(errno)};
    }
    const ssize_t r = recv(sock.fd, buf, sizeof buf, 0);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      // The server may reset after writing its answer; keep what arrived.
      if (!out.empty()) break;
      return Error{std::string("recv: ") + strerror(errno)};
    }
    out.append(buf, static_cast<size_t>(r));
    if (out.size() > kMaxAnswer)
      return Error{"answer to " + cmd + " exceeds 1 MiB"};
  }
  return out;
}

}  // namespace flinkha
