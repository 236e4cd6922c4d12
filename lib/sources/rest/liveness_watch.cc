// LivenessWatch: a kept-open connection per JobManager whose close is the
// earliest evidence of a dead process, and pings on it for a hung one.
#include "sources/rest/liveness_watch.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "config/address.h"
#include "util/errno_text.h"

namespace flinkha {
namespace {

using Steady = std::chrono::steady_clock;

int Millis(Duration d) { return static_cast<int>(d.count()); }

int RemainingMs(Steady::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - Steady::now());
  return std::max<int>(0, static_cast<int>(left.count()));
}

}  // namespace

LivenessWatch::LivenessWatch(std::shared_ptr<const ClusterConfig> cluster,
                             JobManagerConfig jm, StateStore* store)
    : cluster_(std::move(cluster)), jm_(std::move(jm)), store_(store) {
  auto url = ParseHttpUrl(jm_.url);
  if (!url.ok()) {
    config_error_ = url.error().message;
    return;
  }
  host_ = url->host;
  port_ = url->port;
  ping_ = !url->https && cluster_->liveness_interval.count() > 0;
  const std::string host_header =
      FormatHostPort(HostPort{url->host, url->port});
  ping_request_ = "GET " + url->path_prefix +
                  "/config HTTP/1.1\r\nHost: " + host_header +
                  "\r\nUser-Agent: flink-ha-exporter\r\n\r\n";
}

LivenessWatch::~LivenessWatch() { Stop(); }

void LivenessWatch::Start() {
  if (!config_error_.empty() || thread_.joinable()) return;
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    faults_.Report(cluster_->name + "/" + jm_.name + "/connection",
                   "cannot create a wake-up pipe: " + ErrnoText(errno));
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void LivenessWatch::Stop() {
  stopping_ = true;
  if (wake_[1] >= 0) {
    const char c = 1;
    [[maybe_unused]] ssize_t n = write(wake_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int& fd : wake_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

bool LivenessWatch::Sleep(int ms) {
  pollfd p{wake_[0], POLLIN, 0};
  poll(&p, 1, ms);
  return !stopping_;
}

int LivenessWatch::Connect(std::string* error, bool* refused) {
  *refused = false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(port_);
  if (int rc = getaddrinfo(host_.c_str(), port.c_str(), &hints, &res);
      rc != 0) {
    *error = "resolve " + host_ + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                a->ai_protocol);
    if (fd < 0) {
      *error = "socket: " + ErrnoText(errno);
      continue;
    }
    int err = 0;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p[2] = {{fd, POLLOUT, 0}, {wake_[0], POLLIN, 0}};
        const int n = poll(p, 2, Millis(cluster_->request_timeout));
        if (n == 0) {
          err = ETIMEDOUT;
        } else if (stopping_) {
          err = ECANCELED;
        } else {
          socklen_t len = sizeof err;
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
      }
    }
    if (err != 0) {
      *refused = err == ECONNREFUSED;
      *error = "connect " + FormatHostPort(HostPort{host_, port_}) + ": " +
               ErrnoText(err);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

void LivenessWatch::Publish(const JobManagerLiveness& l) {
  faults_.Report(cluster_->name + "/" + jm_.name + "/connection", l.error);
  store_->UpdateCluster(cluster_->name,
                        [&](ClusterState& c) { c.liveness[jm_.name] = l; });
}

void LivenessWatch::Run() {
  // What was last published; nothing until the first connect attempt ends.
  std::optional<JobManagerLiveness> shown;
  std::optional<TimePoint> last_alive;
  auto up = [&](TimePoint now) {
    last_alive = now;
    if (shown && shown->reachable) return;
    JobManagerLiveness l;
    l.reachable = true;
    l.last_alive = now;
    shown = l;
    Publish(l);
  };
  // The first evidence of a loss is kept until the endpoint is back.
  auto down = [&](RestFault fault, TimePoint since, const std::string& error) {
    if (shown && !shown->reachable) return;
    JobManagerLiveness l;
    l.fault = fault;
    l.down_since = since;
    l.last_alive = last_alive;
    l.error = error;
    shown = l;
    Publish(l);
  };
  const int retry_ms =
      std::clamp(Millis(cluster_->liveness_interval), 250, 1000);
  const auto interval = cluster_->liveness_interval;
  int fd = -1;
  bool ping_out = false;  // a ping is unanswered
  Steady::time_point next_ping{}, ping_deadline{};
  while (!stopping_) {
    if (fd < 0) {
      std::string error;
      bool refused = false;
      fd = Connect(&error, &refused);
      if (stopping_) break;
      const TimePoint now = std::chrono::system_clock::now();
      if (fd < 0) {
        down(RestFault::kConnect, now, error);
        if (!Sleep(retry_ms)) break;
        continue;
      }
      up(now);
      ping_out = false;
      next_ping = Steady::now() + interval;
    }
    int wait_ms = -1;
    if (ping_) wait_ms = RemainingMs(ping_out ? ping_deadline : next_ping);
    pollfd p[2] = {{fd, POLLIN | POLLRDHUP, 0}, {wake_[0], POLLIN, 0}};
    const int n = poll(p, 2, wait_ms);
    if (stopping_) break;
    const TimePoint now = std::chrono::system_clock::now();
    if (n > 0 && p[0].revents != 0) {
      char buf[4096];
      const ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got > 0) {  // an answer: alive (the bytes themselves do not matter)
        ping_out = false;
        up(now);
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      // Closed. A dead process's kernel closed it: a new connection is refused
      // (or cannot be made). A live one closed an idle connection: accepted.
      close(fd);
      std::string error;
      bool refused = false;
      fd = Connect(&error, &refused);
      if (stopping_) break;
      if (fd < 0) {
        down(RestFault::kConnect, now,
             "the connection closed and a new one failed: " + error);
        if (!Sleep(retry_ms)) break;
        continue;
      }
      up(std::chrono::system_clock::now());
      ping_out = false;
      next_ping = Steady::now() + interval;
      continue;
    }
    if (!ping_) continue;
    const auto steady = Steady::now();
    if (ping_out && steady >= ping_deadline) {
      down(RestFault::kTimeout, now,
           "no answer to GET /config within " +
               std::to_string(cluster_->request_timeout.count()) + " ms");
      ping_deadline = steady + std::chrono::hours(24);  // wait for any answer
    }
    if (!ping_out && steady >= next_ping) {
      const ssize_t sent =
          send(fd, ping_request_.data(), ping_request_.size(), MSG_NOSIGNAL);
      if (sent != static_cast<ssize_t>(ping_request_.size())) {
        // A failed write means a broken connection: poll() reports the close.
        next_ping = steady + interval;
        continue;
      }
      ping_out = true;
      ping_deadline = steady + cluster_->request_timeout;
      next_ping = steady + interval;
    }
  }
  if (fd >= 0) close(fd);
}

}  // namespace flinkha
