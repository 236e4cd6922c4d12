// ZooKeeper leader observations and the HA analysis built from them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/zookeeper_settings.h"
#include "model/rest_types.h"

namespace flinkha {

// Leader information Flink stores in a connection_info / <c>_lock znode.
struct LeaderInfo {
  std::string address;     // e.g. http://jobmanager:8081 or
                           // pekko.tcp://flink@jobmanager:6123/...
  std::string session_id;  // UUID as text, most significant half first
  bool operator==(const LeaderInfo&) const = default;
};

// Our ZooKeeper session, as the C client reports it (sources/zookeeper).
enum class ZkSessionState {
  kConnecting,
  kConnected,
  kExpired,
  kAuthFailed,
  kClosed
};
// "connecting" | "connected" | "expired" | "auth_failed" | "closed"
std::string_view SessionStateName(ZkSessionState state);

// What an HaEvent says happened (model/ha_analysis.h, model/failover.h).
enum class HaEventKind {
  kLeaderElected,
  kLeaderLost,
  kLeaderChanged,
  kLeadersReplaced,
  kLeaderRecovered,
  kFailover,
  kLeaderUnreachable,
  kRestOutageEnded,
  kSplitBrain,
  kSplitBrainResolved,
  kFlapping,
  kZookeeperSessionLost,
  kZookeeperSessionRestored,
  kFailoverCause,     // the cause of an ended failover, told after it ended
  kExporterRestarted  // the exporter started again from its state file
};
// The snake_case name the status API, the page and the logs print, e.g.
// "leader_elected", "failover", "zookeeper_session_lost".
std::string_view HaEventKindName(HaEventKind kind);
std::optional<HaEventKind> ParseHaEventKind(std::string_view name);

// Everything read from ZooKeeper for one Flink cluster at one moment.
struct ZkObservation {
  TimePoint at{};
  bool connected = false;
  ZkSessionState session_state = ZkSessionState::kConnecting;
  std::optional<ZkLayout> layout;  // detected or configured; nullopt: unknown
  // component (rest_server, dispatcher, resource_manager) -> leader; nullopt =
  // no leader known.
  std::map<std::string, std::optional<LeaderInfo>> components;
  // component -> when its leader's znode was last written (its mtime, on the
  // ZooKeeper server's clock): Flink writes it once the leader is granted
  // leadership, so it dates the leader also when the exporter started later.
  // Only for components whose leader is known.
  std::map<std::string, TimePoint> leader_written;
  // latch ("shared" for 1.15+, else the component) -> number of contending
  // processes.
  std::map<std::string, int> contenders;
  // job id -> JobMaster leader.
  std::map<std::string, std::optional<LeaderInfo>> job_leaders;
  // job id -> newest checkpoint id among its HA checkpoint pointers
  // (jobs/<job id>/checkpoints from 1.14, checkpoints/<job id> up to 1.13).
  std::map<std::string, int64_t> latest_checkpoint_ids;
  std::string error;                       // empty when the last read succeeded
  uint64_t session_expirations_total = 0;  // of our sessions
  // The ensemble member our session is connected to ("" while disconnected)
  // and how often the session moved to another member (a reconnect to a
  // different server, in the same session or a new one).
  std::string session_server;
  uint64_t session_server_changes_total = 0;
};

// One event of the HA timeline.
struct HaEvent {
  TimePoint at{};
  HaEventKind kind = HaEventKind::kLeaderElected;
  std::string component;  // empty for cluster-wide events
  std::string from;       // configured JobManager name or address
  std::string to;
  double duration_seconds = 0;  // failovers: leaderless time
  std::string detail;
};

struct ComponentLeadership {
  bool known = false;
  LeaderInfo leader;
  std::string jobmanager;  // configured JobManager name matching
                           // leader.address, "" if none
  uint64_t changes_total = 0;
  std::optional<TimePoint> last_change;  // when the exporter saw a change
  // When the leader published its address, as ZooKeeper recorded it
  // (ZkObservation::leader_written); nullopt while not known.
  std::optional<TimePoint> since;
};

// The HA picture of one cluster, derived purely from a sequence of
// ZkObservations.
struct HaState {
  std::map<std::string, ComponentLeadership> components;
  std::map<std::string, int> contenders;
  uint64_t failovers_total = 0;
  std::optional<double> last_failover_duration_seconds;
  double leaderless_seconds_total = 0;
  std::optional<TimePoint> leaderless_since;
  bool split_brain = false;
  std::optional<TimePoint> split_since;
  std::deque<HaEvent> events;  // newest last, bounded
  bool flapping = false;       // many failovers within the flapping window

  // Analysis bookkeeping (model/ha_analysis.h), carried from one observation to
  // the next.
  bool session_down = false;  // ours: leaders unknown, no time counted
  std::optional<TimePoint> last_update;  // time of the last applied observation
  std::optional<TimePoint> failover_started;  // leader lost or replaced
  bool failover_duration_unknown = false;     // partly in our session loss
  std::map<std::string, LeaderInfo> failover_from;  // component -> leader then
  // component -> last leader seen, kept while there is none or it is unknown,
  // so a leader that returns is not counted as a change.
  std::map<std::string, LeaderInfo> last_seen;
  // Shared-latch leader session id -> the configured JobManager whose REST
  // endpoint led with it, newest last (bounded): names the dispatcher and
  // resource manager leaders by session, also after they are gone.
  std::deque<std::pair<std::string, std::string>> jobmanager_by_session;
  std::deque<TimePoint> recent_failovers;  // within the flapping window
};

}  // namespace flinkha
