// The ZooKeeper ensemble as a whole, derived from each member's four-letter
// words (model/zk_health_types.h): how many serve, whether a quorum holds, who
// leads in which epoch, and the elections seen between probes. Pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model/rest_types.h"
#include "model/zk_health_types.h"

namespace flinkha {

struct ZkEnsembleView {
  // Voting members: those configured in the quorum string, less those seen
  // answering as observers (an observer that is down cannot be told apart).
  int servers = 0;
  // Voting members that serve: mode leader, follower or standalone. A running
  // member without a quorum answers "not currently serving requests" and does
  // not count.
  int serving = 0;
  std::string leader;  // the member in mode leader (or standalone); "" none
  // The leader's epoch (high 32 bits of its srvr Zxid); nullopt when unknown.
  std::optional<int64_t> epoch;
  // A leader serves and more than half of the configured members serve.
  bool quorum = false;
};

// Derives the view from one probe round (server -> health; null or down
// members count as not serving). configured is the quorum string's size.
ZkEnsembleView DeriveEnsemble(
    const std::map<std::string, std::shared_ptr<const ZkServerHealth>>& servers,
    int configured);

// Elections across probe rounds. The exporter cannot see an election while it
// runs (no member serves); it sees its result: a leader with a newer epoch.
struct ZkElectionTracker {
  std::optional<int64_t> epoch;  // the newest epoch seen
  std::string leader;            // its leader
  uint64_t elections_total = 0;  // epochs gained since the first one seen
  TimePoint last_election_at{};  // when the last gain was seen
};

// Adds the epochs gained since prev to the count (the first epoch seen is the
// baseline, not an election; an older epoch, e.g. a lagging answer, is
// ignored). *elected is set when this round saw an election.
ZkElectionTracker TrackElections(ZkElectionTracker prev,
                                 const ZkEnsembleView& view, TimePoint now,
                                 bool* elected);

// What the health probe publishes per cluster.
struct ZkEnsembleState {
  ZkEnsembleView view;
  ZkElectionTracker elections;
};

}  // namespace flinkha
