// TcpProxy: one poll loop that copies bytes both ways between pairs of
// sockets.
#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace flinkha::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  return addr;
}

// Copies what is readable on from to to; false when either side is done.
bool Copy(int from, int to) {
  char buf[16384];
  const ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    const ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
    if (w <= 0) return false;
    off += w;
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = Loopback(0);
  bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listener_, 16);
  socklen_t len = sizeof addr;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  thread_.join();
  CloseAll();
  close(listener_);
}

void TcpProxy::Partition() { partitioned_ = true; }
void TcpProxy::Heal() { partitioned_ = false; }

void TcpProxy::CloseAll() {
  for (const Pair& p : pairs_) {
    close(p.client);
    close(p.upstream);
  }
  pairs_.clear();
}

void TcpProxy::Loop() {
  while (!stop_) {
    if (partitioned_) CloseAll();
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const Pair& p : pairs_) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.upstream, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 50) <= 0) continue;
    std::vector<Pair> kept;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      const Pair& p = pairs_[i];
      const short c = fds[1 + 2 * i].revents;
      const short u = fds[2 + 2 * i].revents;
      bool ok = true;
      if (c) ok = Copy(p.client, p.upstream);
      if (ok && u) ok = Copy(p.upstream, p.client);
      if (ok) {
        kept.push_back(p);
      } else {
        close(p.client);
        close(p.upstream);
      }
    }
    pairs_ = std::move(kept);
    if (fds[0].revents & POLLIN) {
      const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      if (partitioned_) {
        close(client);
        continue;
      }
      const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr = Loopback(target_port_);
      if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) !=
          0) {
        close(upstream);
        close(client);
        continue;
      }
      pairs_.push_back({client, upstream});
    }
  }
}

}  // namespace flinkha::testing
