// libFuzzer target: the HA znode tree as ZooKeeper serves it (child names and
// leader data, both written by Flink or anyone with access to the ensemble),
// through layout detection, the watch list and the observation, for every
// layout. The input is a listing like tests/fixtures/flink-real/*/znodes.txt
// (one path per line, its first word), then optionally "\0" and the bytes
// every listed node holds as data (a recorded connection_info).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "model/zk_layout.h"

namespace {

using flinkha::ZkLayout;

constexpr std::string_view kBase = "/flink/cluster";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  std::string_view listing = input.substr(0, nul);
  std::optional<std::string> node_data;
  if (nul != std::string_view::npos) node_data = input.substr(nul + 1);

  flinkha::ZnodeCache cache;
  cache.children[std::string(kBase)].emplace();
  while (!listing.empty()) {
    const size_t eol = listing.find('\n');
    std::string_view line = listing.substr(0, eol);
    listing = eol == std::string_view::npos ? std::string_view()
                                            : listing.substr(eol + 1);
    line = line.substr(0, line.find(' '));
    // Each segment is a child of the path before it; the last one has data.
    std::string parent(kBase);
    while (!line.empty()) {
      while (!line.empty() && line.front() == '/') line.remove_prefix(1);
      const std::string_view name = line.substr(0, line.find('/'));
      line.remove_prefix(name.size());
      if (name.empty()) break;
      auto& kids = cache.children[parent];
      if (!kids) kids.emplace();
      if (std::find(kids->begin(), kids->end(), name) == kids->end()) {
        kids->emplace_back(name);
      }
      parent = flinkha::JoinPath(parent, name);
      cache.children.try_emplace(parent).first->second.emplace();
    }
    cache.data[parent] = node_data;
  }

  for (std::optional<ZkLayout> layout :
       {std::optional<ZkLayout>(), std::optional(ZkLayout::k1_13),
        std::optional(ZkLayout::k1_14), std::optional(ZkLayout::k1_15),
        std::optional(ZkLayout::k1_19)}) {
    (void)flinkha::DesiredWatches(layout, cache, kBase);
    flinkha::ZkObservation obs;
    flinkha::FillObservation(layout, cache, kBase, &obs);
    // A job leader or checkpoint id is only ever reported for a job id.
    for (const auto& [jid, leader] : obs.job_leaders) {
      if (!flinkha::IsJobId(jid)) std::abort();
    }
    for (const auto& [jid, id] : obs.latest_checkpoint_ids) {
      if (!flinkha::IsJobId(jid) || id < 0) std::abort();
    }
  }
  return 0;
}
