// Pure parsers of ZooKeeper four-letter-word answers (srvr, mntr, ruok).
#pragma once

#include <string>
#include <string_view>

#include "model/zk_health_types.h"
#include "util/result.h"

namespace flinkha {

// True when the answer is ZooKeeper's refusal "<cmd> is not executed because it
// is not in the whitelist." (4lw.commands.whitelist): a clear answer, not a
// failure of the server.
bool IsNotWhitelisted(std::string_view answer);

// True for "This ZooKeeper instance is not currently serving requests" (no
// quorum).
bool IsNotServing(std::string_view answer);

// Parses `srvr` ("Mode: follower", "Latency min/avg/max: 0/0.5/3",
// "Outstanding: 0", "Node count: 5", "Connections: 1") into out (mode,
// latencies in seconds, counts). Requires a Mode line; other lines are optional
// and unknown lines are ignored.
Status ParseSrvr(std::string_view answer, ZkServerHealth* out);

// Parses `mntr` (tab-separated "zk_server_state\tleader",
// "zk_avg_latency\t0.5", ...). Requires zk_server_state.
Status ParseMntr(std::string_view answer, ZkServerHealth* out);

// `ruok` answers "imok" when the server runs; anything else is an error.
Status ParseRuok(std::string_view answer);

}  // namespace flinkha
