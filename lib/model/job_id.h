// Flink's JobID as every source sees it (REST `jid`, ZooKeeper job znodes).
#pragma once

#include <string_view>

namespace flinkha {

// True for 32 lower-case hex digits, the form Flink prints a JobID in. The one
// check for ids that go into znode paths and REST URLs.
bool IsJobId(std::string_view s);

}  // namespace flinkha
