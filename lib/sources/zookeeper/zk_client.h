// Adapter over the ZooKeeper C client (libzookeeper_mt): the only exporter code
// that calls it. Turns sessions, watches and asynchronous reads into events on
// one queue.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "model/ha_types.h"
#include "util/result.h"

// The C client's types, declared here so only zk_client.cc includes its header.
typedef struct _zhandle zhandle_t;  // NOLINT
struct String_vector;
struct Stat;

namespace flinkha {

// One thing the C client reported. Results carry the path they were read for.
struct ZkEvent {
  enum class Kind { kSession, kWatch, kChildren, kData, kExists };
  enum class Code { kOk, kNoNode, kError };
  Kind kind = Kind::kSession;
  uint64_t generation = 0;  // the handle it came from (see ZkClient::Open)
  std::string path;
  ZkSessionState session_state = ZkSessionState::kConnecting;  // kSession
  // kWatch: created | deleted | changed | child.
  std::string watch_type;
  // Results (kChildren, kData, kExists).
  Code code = Code::kOk;
  std::string error;  // the C client's text when code is kError
  std::vector<std::string> children;
  std::string data;  // kData: the bytes (null data reads as empty)
  // kData: the node's last modification, ms since the epoch on the ZooKeeper
  // server's clock (Stat.mtime); 0 when the read failed.
  int64_t mtime_ms = 0;
};

// The C client's session state (ZOO_*_STATE) as ours; read-only counts as
// connected, an unknown state as closed.
ZkSessionState SessionStateFromC(int state);

// Owns at most one C client handle (one ZooKeeper session). Open, Close and the
// reads are called from one owner thread; the C client's threads only append to
// the event queue, which Wait drains. Events of an older handle are dropped, so
// a new session starts clean.
class ZkClient {
 public:
  struct Options {
    std::string hosts;  // "host:port,host:port" [+ "/chroot"]
    std::chrono::milliseconds session_timeout{10000};
    std::string auth_digest;  // digest "user:password"; empty: none
  };

  explicit ZkClient(Options options);
  ~ZkClient();
  ZkClient(const ZkClient&) = delete;
  ZkClient& operator=(const ZkClient&) = delete;

  // Closes the current handle if any and starts a new session; connecting
  // continues in the background and is reported as kSession events. Errors when
  // the client refuses the connect string.
  Status Open();
  void Close();
  bool is_open() const { return zh_ != nullptr; }
  uint64_t generation() const;
  int64_t session_id() const;  // 0 while not connected
  // The server the session is connected to ("127.0.0.1:2181"); "" while not
  // connected.
  std::string current_server() const;

  // Asynchronous reads that leave a watch; each produces one result event (and
  // later one kWatch event when the node changes). Exists is for nodes that do
  // not exist yet: its watch fires when they are created.
  Status GetChildren(const std::string& path);
  Status GetData(const std::string& path);
  Status Exists(const std::string& path);

  // Waits up to timeout for events and returns those of the current handle,
  // oldest first.
  std::vector<ZkEvent> Wait(std::chrono::milliseconds timeout);
  // Makes a concurrent Wait return at once (used to stop).
  void Interrupt();

 private:
  struct Request;
  static void OnWatch(zhandle_t* zh, int type, int state, const char* path,
                      void* ctx);
  static void OnChildren(int rc, const ::String_vector* strings,
                         const ::Stat* stat, const void* data);
  static void OnData(int rc, const char* value, int len, const ::Stat* stat,
                     const void* data);
  static void OnExists(int rc, const ::Stat* stat, const void* data);
  static void OnAuth(int rc, const void* data);
  static void OnLog(const char* message);
  void Push(ZkEvent e);
  Request* NewRequest(const std::string& path);

  const Options options_;
  zhandle_t* zh_ = nullptr;  // owner thread only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ZkEvent> queue_;
  uint64_t generation_ = 0;
  bool interrupted_ = false;
};

}  // namespace flinkha
