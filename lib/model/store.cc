// StateStore implementation and small helpers over the cluster state.
#include "model/store.h"

#include <memory>
#include <vector>

#include "model/derive.h"
#include "util/logging.h"

namespace flinkha {

StateStore::StateStore(TimePoint started_at) {
  auto s = std::make_shared<Snapshot>();
  s->started_at = started_at;
  current_ = std::move(s);
}

SnapshotPtr StateStore::Get() const {
  std::lock_guard<std::mutex> lock(read_mu_);
  return current_;
}

void StateStore::Update(const std::function<void(Snapshot&)>& fn) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  auto next = std::make_shared<Snapshot>(*Get());
  fn(*next);
  std::lock_guard<std::mutex> lock(read_mu_);
  current_ = std::move(next);
}

void StateStore::UpdateCluster(const std::string& cluster,
                               const std::function<void(ClusterState&)>& fn) {
  Update([&](Snapshot& s) {
    ClusterState& c = s.clusters[cluster];
    c.name = cluster;
    fn(c);
    std::vector<HaEvent> events;
    DeriveCluster(c, std::chrono::system_clock::now(), &events);
    for (const auto& e : events) {
      Logger("failover")
          ->info(
              "ha event cluster={} kind={} from=\"{}\" to=\"{}\" "
              "duration_seconds={:.3f} detail=\"{}\"",
              cluster, HaEventKindName(e.kind), e.from, e.to,
              e.duration_seconds, e.detail);
    }
  });
}

void RecordSourceAttempt(ClusterState& cluster, const std::string& source,
                         TimePoint now, const std::string& error) {
  SourceStatus& st = cluster.sources[source];
  st.reported = true;
  st.up = error.empty();
  st.last_error = error;
  if (error.empty()) {
    st.last_success = now;
  } else {
    ++st.errors_total;
  }
}

}  // namespace flinkha
