// HaWatcher: one ZooKeeper session per cluster, watches on Flink's leader
// znodes, and the HA analysis run on every change. All state lives on the
// watcher's own thread.
#include "sources/zookeeper/ha_watcher.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "model/ha_analysis.h"
#include "model/zk_layout.h"
#include "sources/zookeeper/zk_client.h"
#include "util/logging.h"

namespace flinkha {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kSource = "zookeeper";
// HA timers (leaderless time, split-brain grace) advance at least this often.
constexpr milliseconds kTick{1000};
// After (re)connecting, the view is published once every read came back, or
// after this.
constexpr milliseconds kSyncGate{500};
constexpr milliseconds kMinBackoff{100};
constexpr milliseconds kMaxBackoff{10000};

ZkClient::Options ClientOptions(const ZooKeeperConfig& zk) {
  ZkClient::Options o;
  o.hosts = zk.quorum;
  if (!zk.chroot.empty()) {
    o.hosts += (zk.chroot.front() == '/' ? "" : "/") + zk.chroot;
    while (o.hosts.size() > 1 && o.hosts.back() == '/') o.hosts.pop_back();
  }
  o.session_timeout = zk.session_timeout;
  o.auth_digest = zk.auth_digest;
  return o;
}

// What a reader compares to decide whether the view changed.
bool SameView(const ZkObservation& a, const ZkObservation& b) {
  return a.connected == b.connected && a.session_state == b.session_state &&
         a.layout == b.layout && a.components == b.components &&
         a.leader_written == b.leader_written && a.contenders == b.contenders &&
         a.job_leaders == b.job_leaders &&
         a.latest_checkpoint_ids == b.latest_checkpoint_ids &&
         a.error == b.error &&
         a.session_expirations_total == b.session_expirations_total &&
         a.session_server == b.session_server;
}

}  // namespace

class HaWatcherImpl {
 public:
  HaWatcherImpl(std::shared_ptr<const ClusterConfig> cluster, StateStore* store)
      : cluster_(std::move(cluster)),
        zk_(cluster_->zookeeper.value_or(ZooKeeperConfig{})),
        store_(store),
        base_(BasePath(zk_.root, zk_.cluster_id)),
        client_(ClientOptions(zk_)),
        faults_("zookeeper") {}

  void Start() {
    // Continue the HA history of this cluster across a reload (counters, event
    // list).
    auto snap = store_->Get();
    if (auto it = snap->clusters.find(cluster_->name);
        it != snap->clusters.end()) {
      if (it->second.ha) ha_ = *it->second.ha;
      if (it->second.zookeeper) {
        expirations_ = it->second.zookeeper->session_expirations_total;
        server_changes_ = it->second.zookeeper->session_server_changes_total;
        last_server_ = it->second.zookeeper->session_server;
      }
    }
    stop_ = false;
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    stop_ = true;
    client_.Interrupt();
    if (thread_.joinable()) thread_.join();
    client_.Close();
  }

 private:
  void Run() {
    auto log = Logger("zookeeper");
    log->info("watching cluster={} quorum={} base={} layout={}", cluster_->name,
              zk_.quorum, base_, zk_.layout ? LayoutName(*zk_.layout) : "auto");
    const auto started = Clock::now();
    const milliseconds startup_grace =
        std::min<milliseconds>(zk_.session_timeout, milliseconds(3000));
    auto next_open = Clock::now();
    auto next_tick = Clock::now() + kTick;
    milliseconds backoff = kMinBackoff;
    while (!stop_) {
      if (!client_.is_open() && Clock::now() >= next_open) {
        auto st = client_.Open();
        if (st.ok()) {
          session_state_ = ZkSessionState::kConnecting;
        } else {
          session_state_ = ZkSessionState::kClosed;
          open_error_ = st.error().message;
          next_open = Clock::now() + backoff;
          backoff = std::min(backoff * 2, kMaxBackoff);
        }
        dirty_ = true;
      }
      auto wait =
          std::chrono::duration_cast<milliseconds>(next_tick - Clock::now());
      if (!client_.is_open()) {
        wait = std::min(wait, std::chrono::duration_cast<milliseconds>(
                                  next_open - Clock::now()));
      }
      for (const ZkEvent& e : client_.Wait(std::max(wait, milliseconds(1)))) {
        Handle(e, &next_open, &backoff);
      }
      if (stop_) break;
      if (connected_) Reconcile();

      const auto now = Clock::now();
      const bool tick = now >= next_tick;
      if (tick) next_tick = now + kTick;
      // Hold a first disconnected report briefly: connecting usually takes
      // milliseconds.
      const bool starting = !ever_connected_ && now - started < startup_grace;
      const bool syncing =
          connected_ && !pending_.empty() && now - synced_since_ < kSyncGate;
      if ((dirty_ || tick) && !starting && !syncing) {
        Publish(tick);
        dirty_ = false;
      }
    }
  }

  void Handle(const ZkEvent& e, Clock::time_point* next_open,
              milliseconds* backoff) {
    switch (e.kind) {
      case ZkEvent::Kind::kSession:
        OnSession(e.session_state, next_open, backoff);
        break;
      case ZkEvent::Kind::kWatch:
        // One-shot watches: read again (which re-arms the watch) whatever
        // watches this path.
        for (const auto& spec : desired_) {
          if (spec.path == e.path) Read(spec);
        }
        break;
      case ZkEvent::Kind::kChildren:
      case ZkEvent::Kind::kData:
        OnResult(e);
        break;
      case ZkEvent::Kind::kExists:
        Done({WatchKind::kChildren, e.path});
        Done({WatchKind::kData, e.path});
        if (e.code == ZkEvent::Code::kOk) {
          // Created between our read and the exists call: read it now.
          for (const auto& spec : desired_) {
            if (spec.path == e.path) Read(spec);
          }
        } else if (e.code == ZkEvent::Code::kError) {
          read_errors_[e.path] = e.error;
          dirty_ = true;
        }
        break;
    }
  }

  void OnSession(ZkSessionState state, Clock::time_point* next_open,
                 milliseconds* backoff) {
    auto log = Logger("zookeeper");
    dirty_ = true;
    open_error_.clear();
    if (state == ZkSessionState::kConnected) {
      connected_ = true;
      ever_connected_ = true;
      session_state_ = state;
      *backoff = kMinBackoff;
      session_server_ = client_.current_server();
      if (!session_server_.empty() && !last_server_.empty() &&
          session_server_ != last_server_) {
        ++server_changes_;
        log->info("session moved cluster={} from={} to={}", cluster_->name,
                  last_server_, session_server_);
      }
      if (!session_server_.empty()) last_server_ = session_server_;
      log->debug("session connected cluster={} session=0x{:x} server={}",
                 cluster_->name, client_.session_id(), session_server_);
      // After a reconnect or a new session every watch may be gone: read (and
      // watch) all.
      pending_.clear();
      read_errors_.clear();
      synced_since_ = Clock::now();
      desired_ = DesiredWatches(zk_.layout, cache_, base_);
      for (const auto& spec : desired_) Read(spec);
      return;
    }
    connected_ = false;
    session_state_ = state;
    session_server_.clear();
    if (state == ZkSessionState::kExpired ||
        state == ZkSessionState::kAuthFailed) {
      if (state == ZkSessionState::kExpired) ++expirations_;
      // The handle is dead: a new one, with a new session, after a backoff.
      client_.Close();
      pending_.clear();
      *next_open = Clock::now() + (state == ZkSessionState::kAuthFailed
                                       ? std::max(*backoff, milliseconds(5000))
                                       : *backoff);
      *backoff = std::min(*backoff * 2, kMaxBackoff);
    }
  }

  void OnResult(const ZkEvent& e) {
    const WatchSpec spec{e.kind == ZkEvent::Kind::kChildren
                             ? WatchKind::kChildren
                             : WatchKind::kData,
                         e.path};
    Done(spec);
    if (!desired_.count(spec)) return;
    dirty_ = true;
    switch (e.code) {
      case ZkEvent::Code::kOk:
        read_errors_.erase(e.path);
        if (spec.kind == WatchKind::kChildren) {
          cache_.children[e.path] = e.children;
        } else {
          cache_.data[e.path] = e.data;
          cache_.mtime_ms[e.path] = e.mtime_ms;
        }
        break;
      case ZkEvent::Code::kNoNode:
        read_errors_.erase(e.path);
        if (spec.kind == WatchKind::kChildren) {
          cache_.children[e.path] = std::nullopt;
        } else {
          cache_.data[e.path] = std::nullopt;
          cache_.mtime_ms.erase(e.path);
        }
        // A read of an absent node leaves no watch; exists does, and fires on
        // creation.
        if (client_.Exists(e.path).ok()) ++pending_[spec];
        break;
      case ZkEvent::Code::kError:
        read_errors_[e.path] = e.error;
        break;
    }
  }

  void Read(const WatchSpec& spec) {
    auto st = spec.kind == WatchKind::kChildren ? client_.GetChildren(spec.path)
                                                : client_.GetData(spec.path);
    if (st.ok()) {
      ++pending_[spec];
    } else {
      read_errors_[spec.path] =
          st.error().message;  // retried on the next connect
    }
  }

  void Done(const WatchSpec& spec) {
    auto it = pending_.find(spec);
    if (it != pending_.end() && --it->second <= 0) pending_.erase(it);
  }

  // Reads what the layout now asks for (new jobs, a detected layout) and
  // forgets the rest.
  void Reconcile() {
    auto next = DesiredWatches(zk_.layout, cache_, base_);
    if (next == desired_) return;
    for (const auto& spec : next) {
      if (!desired_.count(spec)) Read(spec);
    }
    for (const auto& spec : desired_) {
      if (next.count(spec)) continue;
      if (spec.kind == WatchKind::kChildren) {
        cache_.children.erase(spec.path);
      } else {
        cache_.data.erase(spec.path);
        cache_.mtime_ms.erase(spec.path);
      }
      read_errors_.erase(spec.path);
    }
    desired_ = std::move(next);
    dirty_ = true;
  }

  std::string SourceError(const ZkObservation& obs) const {
    if (!open_error_.empty()) return open_error_;
    if (!connected_) {
      return "zookeeper session " +
             std::string(SessionStateName(session_state_)) + " (quorum " +
             zk_.quorum + ")";
    }
    std::string err;
    for (const auto& [path, e] : read_errors_) {
      err += (err.empty() ? "" : "; ") + ("read " + path + ": " + e);
    }
    if (!obs.error.empty()) err += (err.empty() ? "" : "; ") + obs.error;
    return err;
  }

  void Publish(bool tick) {
    const TimePoint now = std::chrono::system_clock::now();
    ZkObservation obs;
    obs.at = now;
    obs.connected = connected_;
    obs.session_state = session_state_;
    obs.session_expirations_total = expirations_;
    obs.session_server = session_server_;
    obs.session_server_changes_total = server_changes_;
    FillObservation(zk_.layout, cache_, base_, &obs);
    if (!connected_) {
      // Unknown while we cannot see ZooKeeper; checkpoint ids stay true facts.
      for (auto& [c, leader] : obs.components) leader.reset();
      obs.leader_written.clear();
      obs.contenders.clear();
      obs.job_leaders.clear();
    }
    obs.error = SourceError(obs);
    const bool changed = !last_ || !SameView(*last_, obs);
    std::vector<HaEvent> events;
    ha_ = ApplyObservation(std::move(ha_), obs, *cluster_, now, &events);
    auto log = Logger("zookeeper");
    for (const auto& e : events) {
      log->info(
          "ha event cluster={} kind={} component={} from=\"{}\" to=\"{}\" "
          "duration_seconds={:.3f} detail=\"{}\"",
          cluster_->name, HaEventKindName(e.kind), e.component, e.from, e.to,
          e.duration_seconds, e.detail);
    }
    faults_.Report(cluster_->name, obs.error);
    // Watch-driven: each change is an attempt; while nothing changes, one per
    // poll interval keeps source_last_success fresh without inflating
    // source_errors_total.
    const auto mono = Clock::now();
    const bool record =
        changed || !tick || mono - last_attempt_ >= cluster_->poll_interval;
    if (record) last_attempt_ = mono;
    auto published_obs = std::make_shared<const ZkObservation>(obs);
    auto published_ha = std::make_shared<const HaState>(ha_);
    store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
      c.zookeeper = published_obs;
      c.ha = published_ha;
      if (record) RecordSourceAttempt(c, kSource, now, obs.error);
    });
    last_ = std::move(obs);
  }

  const std::shared_ptr<const ClusterConfig> cluster_;
  const ZooKeeperConfig zk_;
  StateStore* const store_;
  const std::string base_;
  ZkClient client_;
  FaultLog faults_;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  // Watcher thread only.
  ZnodeCache cache_;
  std::set<WatchSpec> desired_;
  std::map<WatchSpec, int> pending_;                // reads in flight
  std::map<std::string, std::string> read_errors_;  // path -> error
  bool connected_ = false;
  bool ever_connected_ = false;
  bool dirty_ = true;
  ZkSessionState session_state_ = ZkSessionState::kConnecting;
  std::string open_error_;
  uint64_t expirations_ = 0;
  std::string session_server_;  // "" while disconnected
  std::string last_server_;     // the last server connected to
  uint64_t server_changes_ = 0;
  Clock::time_point synced_since_{};
  Clock::time_point last_attempt_{};
  HaState ha_;
  std::optional<ZkObservation> last_;
};

HaWatcher::HaWatcher(std::shared_ptr<const ClusterConfig> cluster,
                     StateStore* store)
    : impl_(std::make_unique<HaWatcherImpl>(std::move(cluster), store)) {}
HaWatcher::~HaWatcher() { Stop(); }
void HaWatcher::Start() { impl_->Start(); }
void HaWatcher::Stop() {
  if (impl_) impl_->Stop();
}

}  // namespace flinkha
