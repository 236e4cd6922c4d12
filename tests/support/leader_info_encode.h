// Test support: Flink's leader znode data written as a JVM writes it, the
// inverse of model/leader_info.h (the exporter itself only reads it).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace flinkha::testing {

// The exact bytes ObjectOutputStream.writeUTF(address) then
// writeObject(java.util.UUID) produce for this address and UUID text
// (8-4-4-4-12 hex). Addresses are taken as UTF-8 and written as modified
// UTF-8. Returns an error for a malformed UUID or an address whose encoding
// exceeds 65535 bytes.
Result<std::string> EncodeLeaderInfo(std::string_view address,
                                     std::string_view uuid);

}  // namespace flinkha::testing
