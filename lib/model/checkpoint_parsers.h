// Pure parsers for a job's checkpoint statistics and checkpoint configuration
// (Flink REST).
#pragma once

#include <string_view>

#include "model/checkpoint_types.h"
#include "util/result.h"

namespace flinkha {

// GET /jobs/<jid>/checkpoints. Each latest.* may be null; `summary` and
// `history` are ignored (their percentiles are the string "NaN" before the
// first checkpoint). Before Flink 1.15 there is no checkpointed_size:
// state_size stands in for it.
Result<CheckpointStats> ParseCheckpointStats(std::string_view body);

// GET /jobs/<jid>/checkpoints/config
Result<CheckpointConfigInfo> ParseCheckpointConfig(std::string_view body);

}  // namespace flinkha
