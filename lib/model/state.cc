// Derivations over ClusterState shared by collectors and the status API.
#include "model/state.h"

#include <algorithm>

#include "config/address.h"

namespace flinkha {

std::string MatchJobManager(const ClusterConfig& config,
                            const std::string& leader_address) {
  const HostPort leader = AddressHostPort(leader_address);
  if (leader.host.empty()) return "";
  for (const auto& jm : config.jobmanagers) {
    const HostPort a = AddressHostPort(jm.advertised);
    if (a.host == leader.host && a.port == leader.port) return jm.name;
  }
  // RPC addresses carry the RPC port (6123), not the REST port: fall back to
  // the host alone when exactly one JobManager has that host.
  std::string found;
  for (const auto& jm : config.jobmanagers) {
    if (AddressHostPort(jm.advertised).host == leader.host) {
      if (!found.empty()) return "";
      found = jm.name;
    }
  }
  return found;
}

ClusterFacts DeriveFacts(const ClusterState& cluster) {
  ClusterFacts f;
  if (cluster.ha) {
    auto it = cluster.ha->components.find("rest_server");
    if (it != cluster.ha->components.end() && it->second.known) {
      f.rest_leader = it->second.jobmanager;
      f.rest_leader_address = it->second.leader.address;
    }
  }
  // Prefers name when it is up with data; true once one is preferred.
  auto prefer = [&](const std::string& name) {
    auto it = cluster.jobmanagers.find(name);
    if (it == cluster.jobmanagers.end() || !it->second || !it->second->up ||
        !it->second->overview.has_value()) {
      return false;
    }
    f.preferred = name;
    f.preferred_observation = it->second;
    return true;
  };
  if (!f.rest_leader.empty() && prefer(f.rest_leader)) return f;
  if (cluster.config) {
    for (const auto& jm : cluster.config->jobmanagers) {
      if (prefer(jm.name)) return f;
    }
  }
  return f;
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
