// ZooKeeper C client adapter: handles, watches and async reads as queued
// events.
#include "sources/zookeeper/zk_client.h"

// We link libzookeeper_mt: THREADED declares its synchronous calls too.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/logging.h"

namespace flinkha {

// Context of one asynchronous read; freed by its completion (or at once if the
// call fails).
struct ZkClient::Request {
  ZkClient* self;
  uint64_t generation;
  std::string path;
};

namespace {

std::string WatchName(int type) {
  if (type == ZOO_CREATED_EVENT) return "created";
  if (type == ZOO_DELETED_EVENT) return "deleted";
  if (type == ZOO_CHANGED_EVENT) return "changed";
  if (type == ZOO_CHILD_EVENT) return "child";
  return "";
}

void SetResult(int rc, ZkEvent* e) {
  if (rc == ZOK) {
    e->code = ZkEvent::Code::kOk;
  } else if (rc == ZNONODE) {
    e->code = ZkEvent::Code::kNoNode;
  } else {
    e->code = ZkEvent::Code::kError;
    e->error = zerror(rc);
  }
}

// The C client's own log goes to our logger at debug level: the adapter's owner
// reports what matters (session state, read errors) once per change through
// FaultLog.
std::once_flag g_log_once;

}  // namespace

ZkSessionState SessionStateFromC(int state) {
  if (state == ZOO_CONNECTED_STATE || state == ZOO_READONLY_STATE)
    return ZkSessionState::kConnected;
  if (state == ZOO_EXPIRED_SESSION_STATE) return ZkSessionState::kExpired;
  if (state == ZOO_AUTH_FAILED_STATE) return ZkSessionState::kAuthFailed;
  if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE)
    return ZkSessionState::kConnecting;
  return ZkSessionState::kClosed;
}

ZkClient::ZkClient(Options options) : options_(std::move(options)) {
  std::call_once(g_log_once, [] { zoo_set_debug_level(ZOO_LOG_LEVEL_WARN); });
}

ZkClient::~ZkClient() { Close(); }

void ZkClient::OnLog(const char* message) {
  Logger("zookeeper_client")->debug("{}", message ? message : "");
}

Status ZkClient::Open() {
  Close();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
    queue_.clear();
  }
  // Bounded: a zero or huge timeout would make the server pick an extreme (or
  // refuse).
  const auto timeout =
      std::clamp<int64_t>(options_.session_timeout.count(), 500, 120000);
  errno = 0;
  zh_ = zookeeper_init2(options_.hosts.c_str(), &ZkClient::OnWatch,
                        static_cast<int>(timeout), nullptr, this, 0,
                        &ZkClient::OnLog);
  if (!zh_) {
    return Error{
        "zookeeper client refused quorum \"" + options_.hosts + "\": " +
        (errno ? std::string(strerror(errno)) : "invalid connect string")};
  }
  if (!options_.auth_digest.empty()) {
    const int rc = zoo_add_auth(zh_, "digest", options_.auth_digest.data(),
                                static_cast<int>(options_.auth_digest.size()),
                                &ZkClient::OnAuth, this);
    if (rc != ZOK)
      return Error{std::string("zookeeper digest auth: ") + zerror(rc)};
  }
  return Ok{};
}

void ZkClient::Close() {
  if (!zh_) return;
  // Joins the C client's threads: no callback runs after this returns.
  zookeeper_close(zh_);
  zh_ = nullptr;
}

uint64_t ZkClient::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

int64_t ZkClient::session_id() const {
  if (!zh_ || zoo_state(zh_) != ZOO_CONNECTED_STATE) return 0;
  const clientid_t* id = zoo_client_id(zh_);
  return id ? id->client_id : 0;
}

std::string ZkClient::current_server() const {
  if (!zh_ || zoo_state(zh_) != ZOO_CONNECTED_STATE) return "";
  // The C client formats into a per-thread buffer: copy it at once.
  const char* server = zoo_get_current_server(zh_);
  return server && server[0] != '[' ? std::string(server) : "";
}

ZkClient::Request* ZkClient::NewRequest(const std::string& path) {
  return new Request{this, generation(), path};
}

Status ZkClient::GetChildren(const std::string& path) {
  if (!zh_) return Error{"zookeeper session not open"};
  Request* r = NewRequest(path);
  const int rc = zoo_awget_children2(zh_, path.c_str(), &ZkClient::OnWatch,
                                     this, &ZkClient::OnChildren, r);
  if (rc != ZOK) {
    delete r;
    return Error{"get children " + path + ": " + zerror(rc)};
  }
  return Ok{};
}

Status ZkClient::GetData(const std::string& path) {
  if (!zh_) return Error{"zookeeper session not open"};
  Request* r = NewRequest(path);
  const int rc = zoo_awget(zh_, path.c_str(), &ZkClient::OnWatch, this,
                           &ZkClient::OnData, r);
  if (rc != ZOK) {
    delete r;
    return Error{"get data " + path + ": " + zerror(rc)};
  }
  return Ok{};
}

Status ZkClient::Exists(const std::string& path) {
  if (!zh_) return Error{"zookeeper session not open"};
  Request* r = NewRequest(path);
  const int rc = zoo_awexists(zh_, path.c_str(), &ZkClient::OnWatch, this,
                              &ZkClient::OnExists, r);
  if (rc != ZOK) {
    delete r;
    return Error{"exists " + path + ": " + zerror(rc)};
  }
  return Ok{};
}

void ZkClient::Push(ZkEvent e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (e.generation != generation_) return;
  queue_.push_back(std::move(e));
  cv_.notify_all();
}

void ZkClient::OnWatch(zhandle_t*, int type, int state, const char* path,
                       void* ctx) {
  auto* self = static_cast<ZkClient*>(ctx);
  ZkEvent e;
  e.generation = self->generation();
  if (type == ZOO_SESSION_EVENT) {
    e.kind = ZkEvent::Kind::kSession;
    e.session_state = SessionStateFromC(state);
  } else {
    e.watch_type = WatchName(type);
    if (e.watch_type.empty())
      return;  // ZOO_NOTWATCHING_EVENT: nothing to re-read
    e.kind = ZkEvent::Kind::kWatch;
    e.path = path ? path : "";
  }
  self->Push(std::move(e));
}

void ZkClient::OnChildren(int rc, const String_vector* strings, const Stat*,
                          const void* data) {
  std::unique_ptr<const Request> r(static_cast<const Request*>(data));
  ZkEvent e;
  e.kind = ZkEvent::Kind::kChildren;
  e.generation = r->generation;
  e.path = r->path;
  SetResult(rc, &e);
  if (rc == ZOK && strings) {
    for (int i = 0; i < strings->count; ++i)
      e.children.emplace_back(strings->data[i]);
  }
  r->self->Push(std::move(e));
}

void ZkClient::OnData(int rc, const char* value, int len, const Stat* stat,
                      const void* data) {
  std::unique_ptr<const Request> r(static_cast<const Request*>(data));
  ZkEvent e;
  e.kind = ZkEvent::Kind::kData;
  e.generation = r->generation;
  e.path = r->path;
  SetResult(rc, &e);
  if (rc == ZOK && value && len > 0)
    e.data.assign(value, static_cast<size_t>(len));
  if (rc == ZOK && stat) e.mtime_ms = stat->mtime;
  r->self->Push(std::move(e));
}

void ZkClient::OnExists(int rc, const Stat*, const void* data) {
  std::unique_ptr<const Request> r(static_cast<const Request*>(data));
  ZkEvent e;
  e.kind = ZkEvent::Kind::kExists;
  e.generation = r->generation;
  e.path = r->path;
  SetResult(rc, &e);
  r->self->Push(std::move(e));
}

void ZkClient::OnAuth(int rc, const void*) {
  if (rc != ZOK)
    Logger("zookeeper")->warn("digest authentication failed: {}", zerror(rc));
}

std::vector<ZkEvent> ZkClient::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout,
               [this] { return !queue_.empty() || interrupted_; });
  interrupted_ = false;
  std::vector<ZkEvent> out(std::make_move_iterator(queue_.begin()),
                           std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

void ZkClient::Interrupt() {
  std::lock_guard<std::mutex> lock(mu_);
  interrupted_ = true;
  cv_.notify_all();
}

}  // namespace flinkha
