// Pure parser of Flink's leader znode data: Java serialization of (writeUTF
// address, UUID).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/ha_types.h"
#include "util/result.h"

namespace flinkha {

// Parses the bytes of a connection_info (or <c>_lock) znode as written by
// Flink's ZooKeeperUtils: ObjectOutputStream.writeUTF(address) then
// writeObject(java.util.UUID). Empty bytes mean "no leader known" and give
// nullopt; any deviation from the format is an error naming the offset, never a
// crash or a read past the end.
Result<std::optional<LeaderInfo>> ParseLeaderInfo(std::string_view bytes);
// (The inverse, for tests: tests/support/leader_info_encode.h.)

}  // namespace flinkha
