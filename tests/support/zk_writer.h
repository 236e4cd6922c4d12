// Test support: writes znodes as Flink does, for tests and benchmarks that play
// Flink's part. The exporter only reads (sources/zookeeper/zk_client.h); this
// talks to the ZooKeeper C client (zookeeper_mt) directly and synchronously.
#pragma once

#include <chrono>
#include <string>

#include "util/result.h"

typedef struct _zhandle zhandle_t;  // NOLINT: the C client's handle

namespace flinkha::testing {

// One session; not thread safe.
class ZkWriter {
 public:
  ZkWriter() = default;
  ~ZkWriter();
  ZkWriter(const ZkWriter&) = delete;
  ZkWriter& operator=(const ZkWriter&) = delete;

  // Opens a session to hosts ("host:port[,host:port...]") and waits up to
  // timeout until it is connected.
  Status Connect(const std::string& hosts,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Makes missing parents (persistent); ephemeral nodes belong to this session.
  Status Create(const std::string& path, const std::string& data,
                bool ephemeral);
  Status SetData(const std::string& path, const std::string& data);
  Status Delete(const std::string& path);  // absent nodes are fine
  // The node's last modification (Stat.mtime), ms since the epoch on the
  // server's clock: ZooKeeper's own record, read without the exporter's client.
  Result<int64_t> ModifiedAtMs(const std::string& path);

 private:
  zhandle_t* zh_ = nullptr;
};

}  // namespace flinkha::testing
