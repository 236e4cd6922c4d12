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
