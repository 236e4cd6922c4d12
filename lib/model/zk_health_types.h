// Health of each ZooKeeper quorum member, from the four-letter-word commands.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model/rest_types.h"

namespace flinkha {

struct ZkServerHealth {
  std::string server;  // host:port as configured
  TimePoint at{};
  bool up = false;   // answered srvr (or ruok/mntr)
  std::string mode;  // leader | follower | standalone | observer | "" unknown
  std::string command_used;                      // srvr | mntr | ruok
  std::map<std::string, bool> commands_allowed;  // command -> whitelisted
  std::optional<double> latency_min_seconds;
  std::optional<double> latency_avg_seconds;
  std::optional<double> latency_max_seconds;
  std::optional<int64_t> outstanding_requests;
  std::optional<int64_t> znode_count;
  std::optional<int64_t> connections;
  // srvr's "Zxid: 0x200000014": the high 32 bits are the epoch, which every
  // established ZooKeeper leader election increments.
  std::optional<int64_t> zxid;
  std::string error;
};

}  // namespace flinkha
