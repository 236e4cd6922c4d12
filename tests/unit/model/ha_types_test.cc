// The printed names of the session states and HA event kinds: the status API,
// the page, the history and the logs show them, so each is pinned here.
#include "model/ha_types.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace flinkha {
namespace {

// The names of values, comma-separated, and how many distinct ones there were.
template <typename T>
std::pair<std::string, size_t> Names(std::string_view (*name)(T),
                                     std::initializer_list<T> values) {
  std::string joined;
  std::set<std::string_view> distinct;
  for (T v : values) {
    joined += (joined.empty() ? "" : ",") + std::string(name(v));
    distinct.insert(name(v));
  }
  return {joined, distinct.size()};
}

TEST_CASE("SessionStateName names each ZooKeeper session state", "[model]") {
  const auto [joined, distinct] =
      Names(&SessionStateName,
            {ZkSessionState::kConnecting, ZkSessionState::kConnected,
             ZkSessionState::kExpired, ZkSessionState::kAuthFailed,
             ZkSessionState::kClosed});
  CHECK(joined == "connecting,connected,expired,auth_failed,closed");
  CHECK(distinct == 5);
}

TEST_CASE("HaEventKindName names each HA event kind once", "[model]") {
  const auto [joined, distinct] =
      Names(&HaEventKindName,
            {HaEventKind::kLeaderElected, HaEventKind::kLeaderLost,
             HaEventKind::kLeaderChanged, HaEventKind::kLeadersReplaced,
             HaEventKind::kLeaderRecovered, HaEventKind::kFailover,
             HaEventKind::kLeaderUnreachable, HaEventKind::kRestOutageEnded,
             HaEventKind::kSplitBrain, HaEventKind::kSplitBrainResolved,
             HaEventKind::kFlapping, HaEventKind::kZookeeperSessionLost,
             HaEventKind::kZookeeperSessionRestored});
  CHECK(joined ==
        "leader_elected,leader_lost,leader_changed,leaders_replaced,"
        "leader_recovered,failover,leader_unreachable,rest_outage_ended,"
        "split_brain,split_brain_resolved,flapping,zookeeper_session_lost,"
        "zookeeper_session_restored");
  CHECK(distinct == 13);  // no two kinds print alike
}

}  // namespace
}  // namespace flinkha
