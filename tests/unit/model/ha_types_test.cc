// The printed names of the session states and HA event kinds: the status API,
// the page, the history and the logs show them, so each is pinned here.
#include "model/ha_types.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("SessionStateName names each ZooKeeper session state", "[model]") {
  const std::vector<std::pair<ZkSessionState, std::string>> names = {
      {ZkSessionState::kConnecting, "connecting"},
      {ZkSessionState::kConnected, "connected"},
      {ZkSessionState::kExpired, "expired"},
      {ZkSessionState::kAuthFailed, "auth_failed"},
      {ZkSessionState::kClosed, "closed"},
  };
  for (const auto& [state, name] : names)
    CHECK(SessionStateName(state) == name);
}

TEST_CASE("HaEventKindName names each HA event kind once", "[model]") {
  const std::vector<std::pair<HaEventKind, std::string>> names = {
      {HaEventKind::kLeaderElected, "leader_elected"},
      {HaEventKind::kLeaderLost, "leader_lost"},
      {HaEventKind::kLeaderChanged, "leader_changed"},
      {HaEventKind::kLeadersReplaced, "leaders_replaced"},
      {HaEventKind::kLeaderRecovered, "leader_recovered"},
      {HaEventKind::kFailover, "failover"},
      {HaEventKind::kLeaderUnreachable, "leader_unreachable"},
      {HaEventKind::kRestOutageEnded, "rest_outage_ended"},
      {HaEventKind::kSplitBrain, "split_brain"},
      {HaEventKind::kSplitBrainResolved, "split_brain_resolved"},
      {HaEventKind::kFlapping, "flapping"},
      {HaEventKind::kZookeeperSessionLost, "zookeeper_session_lost"},
      {HaEventKind::kZookeeperSessionRestored, "zookeeper_session_restored"},
  };
  std::set<std::string> seen;
  for (const auto& [kind, name] : names) {
    CHECK(HaEventKindName(kind) == name);
    seen.insert(std::string(HaEventKindName(kind)));
  }
  CHECK(seen.size() == names.size());  // no two kinds print alike
}

}  // namespace
}  // namespace flinkha
