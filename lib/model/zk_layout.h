// Pure path logic of Flink's HA znodes per layout
// (1.13, 1.14, 1.15-1.18, 1.19+), layout auto-detection, which znodes to watch,
// and the ZkObservation built from what was read.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/zookeeper_settings.h"
#include "model/ha_types.h"
#include "model/job_id.h"

namespace flinkha {

// The components Flink elects, in the order Flink starts them.
inline constexpr std::array<std::string_view, 3> kHaComponents = {
    "resource_manager", "dispatcher", "rest_server"};

// root + cluster_id as one absolute path without a trailing slash; missing or
// doubled slashes are normalised:
//   ("/flink", "/pipeline") -> "/flink/pipeline"
//   ("", "")                -> "/"
std::string BasePath(std::string_view root, std::string_view cluster_id);
std::string JoinPath(std::string_view parent, std::string_view child);

// A leader latch: `latch` is the label ("shared" for 1.15+, else the
// component).
struct LatchPath {
  std::string latch;
  std::string path;
};
std::vector<LatchPath> LatchPaths(ZkLayout layout, std::string_view base);
std::string ComponentLeaderPath(ZkLayout layout, std::string_view base,
                                std::string_view component);
// The znode whose children name the jobs that have (or had) a JobMaster leader.
std::string JobsParentPath(ZkLayout layout, std::string_view base);
// The job id a child of JobsParentPath stands for, nullopt for other children.
// For the shared latch layouts both "<jid>" (1.15-1.18) and "job-<jid>" (1.19+)
// are accepted, so a wrong guess between them never hides a job.
std::optional<std::string> JobIdFromChild(ZkLayout layout,
                                          std::string_view child);
// The leader data node of the job behind a child of JobsParentPath.
std::string JobLeaderPathForChild(ZkLayout layout, std::string_view base,
                                  std::string_view child);
// Canonical path of a job's leader data node for this layout.
std::string JobLeaderPath(ZkLayout layout, std::string_view base,
                          std::string_view job_id);
// The znode whose children name the jobs that have HA checkpoint pointers:
// `checkpoints` up to 1.13, `jobs` from 1.14 (in 1.14 that is also
// JobsParentPath). Children that are not job ids are to be ignored.
std::string CheckpointJobsParentPath(ZkLayout layout, std::string_view base);
// The znode whose children are the job's completed checkpoints (<%019d id>):
// `checkpoints/<jid>` up to 1.13, `jobs/<jid>/checkpoints` from 1.14.
std::string JobCheckpointsPath(ZkLayout layout, std::string_view base,
                               std::string_view job_id);
// "0000000000000000042" -> 42; nullopt unless exactly 19 decimal digits.
std::optional<int64_t> ParseCheckpointNodeName(std::string_view name);
// Curator LeaderLatch children ("_c_<uuid>-latch-0000000003") count as
// contenders.
bool IsLatchNode(std::string_view child);

// What the watcher has read so far, by absolute path. An absent key: not read
// yet; nullopt: the node does not exist.
struct ZnodeCache {
  std::map<std::string, std::optional<std::vector<std::string>>> children;
  std::map<std::string, std::optional<std::string>> data;
  // Of the data nodes that exist: last modification (Stat.mtime), ms since the
  // epoch on the ZooKeeper server's clock.
  std::map<std::string, int64_t> mtime_ms;
};

enum class WatchKind { kChildren, kData };
struct WatchSpec {
  WatchKind kind;
  std::string path;
  auto operator<=>(const WatchSpec&) const = default;
};

// The layout the nodes in the cache reveal (see docs/flink-facts.md), nullopt
// while nothing tells.
std::optional<ZkLayout> DetectLayout(const ZnodeCache& cache,
                                     std::string_view base);

// Every znode to read and watch now: the layout-detection nodes when the layout
// is not configured; once the layout is known (configured or detected), the
// latches, component leaders, the job parent and each job's leader node, the
// checkpoint parent and each job's checkpoint pointers. Grows as reads reveal
// the layout and jobs.
std::set<WatchSpec> DesiredWatches(std::optional<ZkLayout> configured,
                                   const ZnodeCache& cache,
                                   std::string_view base);

// Fills layout, components (with leader_written), contenders, job_leaders and
// latest_checkpoint_ids of out from the cache; connection_info that does not
// parse leaves that leader unknown and is reported in out->error. Without a
// layout, components are all unknown and there are no contenders, job leaders
// or checkpoint ids.
void FillObservation(std::optional<ZkLayout> configured,
                     const ZnodeCache& cache, std::string_view base,
                     ZkObservation* out);

}  // namespace flinkha
