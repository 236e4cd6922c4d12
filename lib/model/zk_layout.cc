// Flink's HA znode layouts: where latches, leaders, jobs and checkpoint
// pointers live.
#include "model/zk_layout.h"

#include <algorithm>

#include "model/leader_info.h"

namespace flinkha {
namespace {

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

const std::vector<std::string>* Children(const ZnodeCache& cache,
                                         const std::string& path) {
  auto it = cache.children.find(path);
  if (it == cache.children.end() || !it->second) return nullptr;
  return &*it->second;
}

bool HasChild(const ZnodeCache& cache, const std::string& path,
              std::string_view child) {
  const auto* c = Children(cache, path);
  return c && std::find(c->begin(), c->end(), child) != c->end();
}

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view child) {
  std::string out(parent);
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (!child.empty() && child.front() == '/') child.remove_prefix(1);
  out += '/';
  out += child;
  return out;
}

std::string BasePath(std::string_view root, std::string_view cluster_id) {
  std::string out;
  for (std::string_view part : {root, cluster_id}) {
    size_t i = 0;
    while (i < part.size()) {
      const size_t j = std::min(part.find('/', i), part.size());
      if (j > i) {
        out += '/';
        out += part.substr(i, j - i);
      }
      i = j + 1;
    }
  }
  return out.empty() ? "/" : out;
}

std::vector<LatchPath> LatchPaths(ZkLayout layout, std::string_view base) {
  std::vector<LatchPath> out;
  switch (layout) {
    case ZkLayout::k1_13:
      for (auto c : kHaComponents) {
        out.push_back(
            {std::string(c),
             JoinPath(base, "leaderlatch/" + std::string(c) + "_lock")});
      }
      break;
    case ZkLayout::k1_14:
      for (auto c : kHaComponents) {
        out.push_back({std::string(c),
                       JoinPath(base, "leader/" + std::string(c) + "/latch")});
      }
      break;
    case ZkLayout::k1_15:
    case ZkLayout::k1_19:
      out.push_back({"shared", JoinPath(base, "leader/latch")});
      break;
  }
  return out;
}

std::string ComponentLeaderPath(ZkLayout layout, std::string_view base,
                                std::string_view component) {
  if (layout == ZkLayout::k1_13)
    return JoinPath(base, "leader/" + std::string(component) + "_lock");
  return JoinPath(base,
                  "leader/" + std::string(component) + "/connection_info");
}

std::string JobsParentPath(ZkLayout layout, std::string_view base) {
  return JoinPath(base, layout == ZkLayout::k1_14 ? "jobs" : "leader");
}

std::optional<std::string> JobIdFromChild(ZkLayout layout,
                                          std::string_view child) {
  if (IsJobId(child)) return std::string(child);
  if ((layout == ZkLayout::k1_15 || layout == ZkLayout::k1_19) &&
      StartsWith(child, "job-") && IsJobId(child.substr(4))) {
    return std::string(child.substr(4));
  }
  return std::nullopt;
}

std::string JobLeaderPathForChild(ZkLayout layout, std::string_view base,
                                  std::string_view child) {
  const std::string dir = JoinPath(JobsParentPath(layout, base), child);
  switch (layout) {
    case ZkLayout::k1_13:
      return JoinPath(dir, "job_manager_lock");
    case ZkLayout::k1_14:
      return JoinPath(dir, "leader/connection_info");
    case ZkLayout::k1_15:
    case ZkLayout::k1_19:
      return JoinPath(dir, "connection_info");
  }
  return dir;
}

std::string JobLeaderPath(ZkLayout layout, std::string_view base,
                          std::string_view job_id) {
  if (layout == ZkLayout::k1_19) {
    return JobLeaderPathForChild(layout, base, "job-" + std::string(job_id));
  }
  return JobLeaderPathForChild(layout, base, job_id);
}

std::string CheckpointJobsParentPath(ZkLayout layout, std::string_view base) {
  return JoinPath(base, layout == ZkLayout::k1_13 ? "checkpoints" : "jobs");
}

std::string JobCheckpointsPath(ZkLayout layout, std::string_view base,
                               std::string_view job_id) {
  const std::string dir =
      JoinPath(CheckpointJobsParentPath(layout, base), job_id);
  return layout == ZkLayout::k1_13 ? dir : JoinPath(dir, "checkpoints");
}

std::optional<int64_t> ParseCheckpointNodeName(std::string_view name) {
  if (name.size() != 19) return std::nullopt;
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    // 19 digits can exceed INT64_MAX (9223372036854775807): refuse instead of
    // overflowing.
    if (v > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool IsLatchNode(std::string_view child) {
  return child.find("latch-") != std::string_view::npos;
}

std::optional<ZkLayout> DetectLayout(const ZnodeCache& cache,
                                     std::string_view base) {
  const std::string leader = JoinPath(base, "leader");
  if (Children(cache, JoinPath(leader, "latch"))) {
    // Shared latch: the job node names tell 1.19+ (job-<jid>) from 1.15-1.18
    // (<jid>).
    if (const auto* jobs = Children(cache, leader)) {
      for (const auto& c : *jobs) {
        if (StartsWith(c, "job-") && IsJobId(c.substr(4)))
          return ZkLayout::k1_19;
      }
    }
    return ZkLayout::k1_15;
  }
  for (auto c : kHaComponents) {
    if (HasChild(cache, JoinPath(leader, c), "latch")) return ZkLayout::k1_14;
  }
  if (Children(cache, JoinPath(base, "leaderlatch"))) return ZkLayout::k1_13;
  if (const auto* names = Children(cache, leader)) {
    for (auto c : kHaComponents) {
      if (std::find(names->begin(), names->end(), std::string(c) + "_lock") !=
          names->end()) {
        return ZkLayout::k1_13;
      }
    }
  }
  return std::nullopt;
}

std::set<WatchSpec> DesiredWatches(std::optional<ZkLayout> configured,
                                   const ZnodeCache& cache,
                                   std::string_view base) {
  std::set<WatchSpec> out;
  std::optional<ZkLayout> layout = configured;
  if (!configured) {
    const std::string leader = JoinPath(base, "leader");
    out.insert({WatchKind::kChildren, leader});
    out.insert({WatchKind::kChildren, JoinPath(leader, "latch")});
    out.insert({WatchKind::kChildren, JoinPath(base, "leaderlatch")});
    for (auto c : kHaComponents)
      out.insert({WatchKind::kChildren, JoinPath(leader, c)});
    layout = DetectLayout(cache, base);
  }
  if (layout) {
    for (const auto& l : LatchPaths(*layout, base))
      out.insert({WatchKind::kChildren, l.path});
    for (auto c : kHaComponents) {
      out.insert({WatchKind::kData, ComponentLeaderPath(*layout, base, c)});
    }
    const std::string jobs_parent = JobsParentPath(*layout, base);
    out.insert({WatchKind::kChildren, jobs_parent});
    if (const auto* jobs = Children(cache, jobs_parent)) {
      for (const auto& child : *jobs) {
        if (JobIdFromChild(*layout, child)) {
          out.insert(
              {WatchKind::kData, JobLeaderPathForChild(*layout, base, child)});
        }
      }
    }
    // In 1.14 this is jobs_parent again: one watch serves both.
    const std::string checkpoints = CheckpointJobsParentPath(*layout, base);
    out.insert({WatchKind::kChildren, checkpoints});
    if (const auto* jobs = Children(cache, checkpoints)) {
      for (const auto& jid : *jobs) {
        if (IsJobId(jid)) {
          out.insert(
              {WatchKind::kChildren, JobCheckpointsPath(*layout, base, jid)});
        }
      }
    }
  }
  return out;
}

void FillObservation(std::optional<ZkLayout> configured,
                     const ZnodeCache& cache, std::string_view base,
                     ZkObservation* out) {
  const std::optional<ZkLayout> layout =
      configured ? configured : DetectLayout(cache, base);
  out->layout = layout;
  out->components.clear();
  out->leader_written.clear();
  out->contenders.clear();
  out->job_leaders.clear();
  out->latest_checkpoint_ids.clear();
  std::vector<std::string> errors;
  auto leader_at = [&](const std::string& path) -> std::optional<LeaderInfo> {
    auto it = cache.data.find(path);
    if (it == cache.data.end() || !it->second) return std::nullopt;
    auto parsed = ParseLeaderInfo(*it->second);
    if (!parsed.ok()) {
      errors.push_back(path + ": " + parsed.error().message);
      return std::nullopt;
    }
    return parsed.value();
  };
  for (auto c : kHaComponents) {
    const std::string name(c);
    if (!layout) {
      out->components[name] = std::nullopt;
      continue;
    }
    const std::string path = ComponentLeaderPath(*layout, base, c);
    out->components[name] = leader_at(path);
    auto written = cache.mtime_ms.find(path);
    if (out->components[name] && written != cache.mtime_ms.end() &&
        written->second > 0) {
      out->leader_written[name] =
          TimePoint(std::chrono::milliseconds(written->second));
    }
  }
  if (layout) {
    for (const auto& l : LatchPaths(*layout, base)) {
      int n = 0;
      if (const auto* kids = Children(cache, l.path)) {
        n = static_cast<int>(
            std::count_if(kids->begin(), kids->end(),
                          [](const std::string& k) { return IsLatchNode(k); }));
      }
      out->contenders[l.latch] = n;
    }
    if (const auto* jobs = Children(cache, JobsParentPath(*layout, base))) {
      for (const auto& child : *jobs) {
        auto jid = JobIdFromChild(*layout, child);
        if (!jid) continue;
        auto leader = leader_at(JobLeaderPathForChild(*layout, base, child));
        auto& slot = out->job_leaders[*jid];
        if (leader || !slot)
          slot = leader;  // both forms present: the one with data wins
      }
    }
    if (const auto* jobs =
            Children(cache, CheckpointJobsParentPath(*layout, base))) {
      for (const auto& jid : *jobs) {
        if (!IsJobId(jid)) continue;
        const auto* ids =
            Children(cache, JobCheckpointsPath(*layout, base, jid));
        if (!ids) continue;
        // Only 19-digit names are checkpoints (not `locks` or other nodes).
        std::optional<int64_t> newest;
        for (const auto& name : *ids) {
          auto id = ParseCheckpointNodeName(name);
          if (id && (!newest || *id > *newest)) newest = id;
        }
        if (newest) out->latest_checkpoint_ids[jid] = *newest;
      }
    }
  }
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
  out->error = joined;
}

}  // namespace flinkha
