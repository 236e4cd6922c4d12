// ZooKeeper ensemble derivation: quorum and elections from four-letter words.
#include "model/zk_ensemble.h"

namespace flinkha {

ZkEnsembleView DeriveEnsemble(
    const std::map<std::string, std::shared_ptr<const ZkServerHealth>>& servers,
    int configured) {
  ZkEnsembleView v;
  v.servers = configured;
  for (const auto& [server, h] : servers) {
    if (!h || !h->up) continue;
    if (h->mode == "observer") {
      --v.servers;  // not a voter: neither part of the quorum nor needed
      continue;
    }
    if (h->mode != "leader" && h->mode != "follower" &&
        h->mode != "standalone") {
      continue;  // unknown (ruok only) proves nothing
    }
    ++v.serving;
    if (h->mode == "follower") continue;
    // Two leaders at once: a deposed one still answering. The newer epoch
    // leads.
    const std::optional<int64_t> epoch =
        h->zxid ? std::optional<int64_t>(*h->zxid >> 32) : std::nullopt;
    if (v.leader.empty() || (epoch && (!v.epoch || *epoch > *v.epoch))) {
      v.leader = server;
      v.epoch = epoch;
    }
  }
  v.quorum = !v.leader.empty() && v.servers > 0 && 2 * v.serving > v.servers;
  return v;
}

ZkElectionTracker TrackElections(ZkElectionTracker prev,
                                 const ZkEnsembleView& view, TimePoint now,
                                 bool* elected) {
  *elected = false;
  if (!view.epoch || view.leader.empty()) return prev;
  if (!prev.epoch) {
    prev.epoch = view.epoch;
    prev.leader = view.leader;
    return prev;
  }
  if (*view.epoch <= *prev.epoch) {
    if (*view.epoch == *prev.epoch) prev.leader = view.leader;
    return prev;
  }
  prev.elections_total += static_cast<uint64_t>(*view.epoch - *prev.epoch);
  prev.epoch = view.epoch;
  prev.leader = view.leader;
  prev.last_election_at = now;
  *elected = true;
  return prev;
}

}  // namespace flinkha
