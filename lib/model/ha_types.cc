// Names of the ZooKeeper session states and HA event kinds.
#include "model/ha_types.h"

#include "util/enum_names.h"

namespace flinkha {
namespace {

constexpr EnumNames<ZkSessionState, 5> kSessionStates = {{
    {ZkSessionState::kConnecting, "connecting"},
    {ZkSessionState::kConnected, "connected"},
    {ZkSessionState::kExpired, "expired"},
    {ZkSessionState::kAuthFailed, "auth_failed"},
    {ZkSessionState::kClosed, "closed"},
}};

constexpr EnumNames<HaEventKind, 15> kEventKinds = {{
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
    {HaEventKind::kFailoverCause, "failover_cause"},
    {HaEventKind::kExporterRestarted, "exporter_restarted"},
}};

}  // namespace

std::string_view SessionStateName(ZkSessionState state) {
  return NameOf(kSessionStates, state);
}

std::string_view HaEventKindName(HaEventKind kind) {
  return NameOf(kEventKinds, kind);
}

std::optional<HaEventKind> ParseHaEventKind(std::string_view name) {
  return ParseName(kEventKinds, name);
}

}  // namespace flinkha
