// Derivations over ClusterState shared by collectors and the status API.
#include "model/state.h"

#include <algorithm>
#include <cctype>

namespace flinkha {
namespace {

// Lower-cased host:port from a leader address: "http://Host:8081" ->
// "host:8081", "pekko.tcp://flink@host:6123/user/rpc/x" -> "host:6123".
std::string HostPort(std::string address) {
  if (auto p = address.find("://"); p != std::string::npos)
    address = address.substr(p + 3);
  if (auto at = address.find('@'); at != std::string::npos)
    address = address.substr(at + 1);
  if (auto slash = address.find('/'); slash != std::string::npos)
    address.resize(slash);
  std::transform(address.begin(), address.end(), address.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return address;
}

std::string HostOnly(const std::string& host_port) {
  if (!host_port.empty() && host_port.front() == '[') {  // [v6]:port
    auto close = host_port.find(']');
    return close == std::string::npos ? host_port
                                      : host_port.substr(0, close + 1);
  }
  auto colon = host_port.rfind(':');
  return colon == std::string::npos ? host_port : host_port.substr(0, colon);
}

}  // namespace

std::string MatchJobManager(const ClusterConfig& config,
                            const std::string& leader_address) {
  const std::string leader = HostPort(leader_address);
  if (leader.empty()) return "";
  for (const auto& jm : config.jobmanagers) {
    if (HostPort(jm.advertised) == leader) return jm.name;
  }
  // RPC addresses carry the RPC port (6123), not the REST port: fall back to
  // the host alone when exactly one JobManager has that host.
  std::string found;
  for (const auto& jm : config.jobmanagers) {
    if (HostOnly(HostPort(jm.advertised)) == HostOnly(leader)) {
      if (!found.empty()) return "";
      found = jm.name;
    }
  }
  return found;
}

const JobManagerObservation* PreferredJobManager(const ClusterState& cluster,
                                                 std::string* name) {
  auto usable = [](const std::shared_ptr<const JobManagerObservation>& o) {
    return o && o->up && o->overview.has_value();
  };
  if (cluster.ha) {
    auto it = cluster.ha->components.find("rest_server");
    if (it != cluster.ha->components.end() && it->second.known &&
        !it->second.jobmanager.empty()) {
      auto jm = cluster.jobmanagers.find(it->second.jobmanager);
      if (jm != cluster.jobmanagers.end() && usable(jm->second)) {
        if (name) *name = jm->first;
        return jm->second.get();
      }
    }
  }
  if (cluster.config) {
    for (const auto& jm : cluster.config->jobmanagers) {
      auto it = cluster.jobmanagers.find(jm.name);
      if (it != cluster.jobmanagers.end() && usable(it->second)) {
        if (name) *name = it->first;
        return it->second.get();
      }
    }
  }
  return nullptr;
}

bool Snapshot::AllSourcesReported() const {
  for (const auto& [name, cluster] : clusters) {
    for (const auto& [id, st] : cluster.sources) {
      if (!st.reported) return false;
    }
  }
  return true;
}

std::vector<const HaEvent*> ClusterEvents(const ClusterState& cluster) {
  std::vector<const HaEvent*> out;
  if (cluster.ha) {
    for (const auto& e : cluster.ha->events) out.push_back(&e);
  }
  if (cluster.failover) {
    for (const auto& e : cluster.failover->events) out.push_back(&e);
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const HaEvent* a, const HaEvent* b) { return a->at < b->at; });
  return out;
}

}  // namespace flinkha
