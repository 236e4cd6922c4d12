// The Java serialization facts of Flink's leader data: read by the parser
// (model/leader_info.cc), written by the tests' encoder
// (tests/support/leader_info_encode.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace flinkha {

// java.io.ObjectStreamConstants.
inline constexpr uint8_t kTcNull = 0x70;
inline constexpr uint8_t kTcClassDesc = 0x72;
inline constexpr uint8_t kTcObject = 0x73;
inline constexpr uint8_t kTcBlockData = 0x77;
inline constexpr uint8_t kTcEndBlockData = 0x78;
inline constexpr uint8_t kTcBlockDataLong = 0x7A;
inline constexpr uint8_t kScSerializable = 0x02;
// ObjectOutputStream's block buffer: longer block data is split into blocks of
// this size.
inline constexpr size_t kMaxBlockSize = 1024;
inline constexpr uint64_t kUuidSerialVersionUid = 0xBC9903F7986D852FULL;

}  // namespace flinkha
