// Synchronous znode writes with the ZooKeeper C client.
#include "support/zk_writer.h"

// The synchronous C API (zoo_create, ...) exists only in the multi-threaded
// library.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <thread>

namespace flinkha::testing {
namespace {

// Session events need no handling: Connect polls the state.
void IgnoreEvents(zhandle_t*, int, int, const char*, void*) {}

}  // namespace

ZkWriter::~ZkWriter() {
  if (zh_) zookeeper_close(zh_);
}

Status ZkWriter::Connect(const std::string& hosts,
                         std::chrono::milliseconds timeout) {
  if (zh_) return Error{"zookeeper writer already connected"};
  zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
  zh_ = zookeeper_init(hosts.c_str(), IgnoreEvents, 4000, nullptr, nullptr, 0);
  if (!zh_) return Error{"zookeeper client refused \"" + hosts + "\""};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (zoo_state(zh_) != ZOO_CONNECTED_STATE) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Error{"no zookeeper session with " + hosts};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Ok{};
}

Status ZkWriter::Create(const std::string& path, const std::string& data,
                        bool ephemeral) {
  if (!zh_) return Error{"zookeeper writer not connected"};
  // Parents first, persistent, ignoring those that exist.
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    const int rc = zoo_create(zh_, parent.c_str(), nullptr, -1,
                              &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, nullptr, 0);
    if (rc != ZOK && rc != ZNODEEXISTS)
      return Error{"create " + parent + ": " + zerror(rc)};
  }
  const int rc =
      zoo_create(zh_, path.c_str(), data.data(), static_cast<int>(data.size()),
                 &ZOO_OPEN_ACL_UNSAFE,
                 ephemeral ? ZOO_EPHEMERAL : ZOO_PERSISTENT, nullptr, 0);
  if (rc != ZOK) return Error{"create " + path + ": " + zerror(rc)};
  return Ok{};
}

Status ZkWriter::SetData(const std::string& path, const std::string& data) {
  if (!zh_) return Error{"zookeeper writer not connected"};
  const int rc = zoo_set(zh_, path.c_str(), data.data(),
                         static_cast<int>(data.size()), -1);
  if (rc != ZOK) return Error{"set " + path + ": " + zerror(rc)};
  return Ok{};
}

Status ZkWriter::Delete(const std::string& path) {
  if (!zh_) return Error{"zookeeper writer not connected"};
  const int rc = zoo_delete(zh_, path.c_str(), -1);
  if (rc != ZOK && rc != ZNONODE)
    return Error{"delete " + path + ": " + zerror(rc)};
  return Ok{};
}

Result<int64_t> ZkWriter::ModifiedAtMs(const std::string& path) {
  if (!zh_) return Error{"zookeeper writer not connected"};
  struct Stat stat {};
  const int rc = zoo_exists(zh_, path.c_str(), 0, &stat);
  if (rc != ZOK) return Error{"exists " + path + ": " + zerror(rc)};
  return static_cast<int64_t>(stat.mtime);
}

}  // namespace flinkha::testing
