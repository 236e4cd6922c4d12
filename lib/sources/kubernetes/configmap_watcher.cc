// ConfigMapWatcher: a sync thread (list, then watch; or list every poll
// interval) owns the ConfigMaps; a publisher thread turns them into
// observations at every change and once a second (HA timers).
#include "sources/kubernetes/configmap_watcher.h"

#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "config/kubeconfig.h"
#include "model/ha_analysis.h"
#include "model/k8s_ha.h"
#include "sources/rest/http_client.h"
#include "util/logging.h"

namespace flinkha {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kSource = "kubernetes";
constexpr milliseconds kTick{1000};
constexpr int kWatchTimeoutSeconds = 60;
// After a watch failed (refused, not supported), list every poll interval and
// try a watch again this much later.
constexpr milliseconds kWatchRetry{300000};
// A first report waits this long for the first list.
constexpr milliseconds kStartupGrace{3000};

// What identifies a token file's content without reading it.
struct FileStamp {
  bool exists = false;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp Stamp(const std::string& path) {
  FileStamp s;
  struct stat st {};
  if (path.empty() || stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.inode = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

// The error for a non-2xx answer to a request with RBAC verb `verb`.
std::string HttpError(int status, const std::string& verb, const KubeTarget& t,
                      const std::string& body) {
  const std::string msg = StatusMessage(body);
  switch (status) {
    case 401:
      return "401 unauthorized: the API server rejected the credentials (" +
             (t.token_file.empty() ? std::string("no token file")
                                   : "token file " + t.token_file) +
             "): " + msg;
    case 403:
      return "403 forbidden: RBAC denies verb \"" + verb +
             "\" on configmaps in namespace " + t.namespace_name +
             " (grant get, list and watch on configmaps in a Role bound to "
             "the exporter's service account): " +
             msg;
    case 404:
      return "404 not found: namespace " + t.namespace_name +
             " or the API path does not exist on " + t.server + ": " + msg;
    default:
      return "HTTP " + std::to_string(status) + " from " + t.server + ": " +
             msg;
  }
}

}  // namespace

class ConfigMapWatcherImpl {
 public:
  ConfigMapWatcherImpl(std::shared_ptr<const ClusterConfig> cluster,
                       StateStore* store)
      : cluster_(std::move(cluster)),
        k8s_(cluster_->kubernetes.value_or(KubernetesConfig{})),
        store_(store),
        faults_("kubernetes") {}

  void Start() {
    auto snap = store_->Get();
    if (auto it = snap->clusters.find(cluster_->name);
        it != snap->clusters.end() && it->second.ha) {
      ha_ = *it->second.ha;
    }
    stop_ = false;
    sync_ = std::thread([this] { SyncLoop(); });
    publisher_ = std::thread([this] { PublishLoop(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      if (list_client_) list_client_->Cancel();
      if (watch_client_) watch_client_->Cancel();
    }
    cv_.notify_all();
    sleep_cv_.notify_all();
    if (sync_.joinable()) sync_.join();
    if (publisher_.joinable()) publisher_.join();
  }

 private:
  // ---- sync thread ----
  void SyncLoop() {
    auto log = Logger(kSource);
    while (!stop_) {
      if (auto st = EnsureClients(); !st.ok()) {
        SetResult(false, st.error().message, "list");
        Sleep(cluster_->poll_interval);
        continue;
      }
      std::string rv;
      if (!List(&rv)) {
        Sleep(cluster_->poll_interval);
        continue;
      }
      if (!k8s_.watch || Clock::now() < watch_retry_at_) {
        Sleep(cluster_->poll_interval);
        continue;
      }
      const WatchEnd end = Watch(rv);
      if (stop_) break;
      if (end == WatchEnd::kExpired) continue;  // list again at once
      if (end == WatchEnd::kFailed) {
        // Fall back to a list every poll interval; a watch again later.
        watch_retry_at_ = Clock::now() + kWatchRetry;
        Sleep(cluster_->poll_interval);
      }
    }
  }

  Status EnsureClients() {
    const bool first = !target_;
    if (first) {
      auto t = ResolveKubeTarget(k8s_);
      if (!t.ok()) return t.error();
      {
        // Written here only; the publisher reads it under the lock.
        std::lock_guard<std::mutex> lock(mu_);
        target_ = std::move(t).value();
      }
      Logger(kSource)->info(
          "watching cluster={} api_server={} ({}) namespace={} cluster_id={}",
          cluster_->name, target_->server, target_->origin,
          target_->namespace_name, k8s_.cluster_id);
    }
    const FileStamp stamp = Stamp(target_->token_file);
    if (list_client_ && watch_client_ && stamp == token_stamp_ && !recreate_) {
      return Ok{};
    }
    if (list_client_ && stamp != token_stamp_) {
      Logger(kSource)->info("token file {} changed: re-reading it",
                            target_->token_file);
    }
    HttpClientOptions o;
    o.base_url = target_->server;
    o.connect_timeout = cluster_->request_timeout;
    o.request_timeout = cluster_->request_timeout;
    o.max_body_bytes = cluster_->max_response_bytes;
    o.tls.ca_file = target_->ca_file;
    o.tls.insecure_skip_verify = target_->insecure_skip_verify;
    o.auth.bearer_token = target_->token;
    o.auth.bearer_token_file = target_->token_file;
    auto list = HttpClient::Create(o);
    if (!list.ok()) return list.error();
    o.request_timeout = std::chrono::seconds(kWatchTimeoutSeconds + 15);
    auto watch = HttpClient::Create(o);
    if (!watch.ok()) return watch.error();
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Error{"stopping"};
    list_client_ = std::move(list).value();
    watch_client_ = std::move(watch).value();
    token_stamp_ = stamp;
    recreate_ = false;
    return Ok{};
  }

  std::string CollectionPath() const {
    return "/api/v1/namespaces/" + target_->namespace_name + "/configmaps";
  }

  bool List(std::string* rv) {
    RestFault fault;
    auto r = list_client_->Get(
        CollectionPath() + "?" + ClusterLabelSelectorQuery(k8s_.cluster_id),
        &fault);
    if (!r.ok()) {
      SetResult(false, "list configmaps: " + r.error().message, "list");
      return false;
    }
    if (r->status != 200) {
      if (r->status == 401) recreate_ = true;  // read the token again
      SetResult(
          false,
          "list configmaps: " + HttpError(r->status, "list", *target_, r->body),
          "list");
      return false;
    }
    auto list = ParseConfigMapList(r->body);
    if (!list.ok()) {
      SetResult(false,
                "list configmaps: invalid answer: " + list.error().message,
                "list");
      return false;
    }
    *rv = list->resource_version;
    std::map<std::string, K8sConfigMap> maps;
    for (auto& cm : list->items) maps[cm.name] = std::move(cm);
    {
      std::lock_guard<std::mutex> lock(mu_);
      maps_ = std::move(maps);
      ++lists_;
    }
    SetResult(true, "",
              k8s_.watch && Clock::now() >= watch_retry_at_ ? "watch" : "list");
    return true;
  }

  enum class WatchEnd { kClosed, kExpired, kFailed };

  WatchEnd Watch(const std::string& rv) {
    std::string buffer;
    std::string error_body;
    bool expired = false;
    std::string event_error;
    auto on_chunk = [&](std::string_view chunk) {
      buffer.append(chunk);
      size_t nl;
      while ((nl = buffer.find('\n')) != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (line.empty()) continue;
        auto e = ParseWatchEvent(line);
        if (!e.ok()) {
          // A non-200 answer is a Status, not an event: kept for the error.
          error_body += line;
          event_error = e.error().message;
          continue;
        }
        if (e->type == "ERROR") {
          expired = e->status_code == 410;
          event_error = "watch error " + std::to_string(e->status_code) + ": " +
                        e->message;
          return false;
        }
        if (e->type == "BOOKMARK") continue;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (e->type == "DELETED") {
            maps_.erase(e->object.name);
          } else {
            maps_[e->object.name] = e->object;
          }
          ++watch_events_;
          changed_ = true;
        }
        cv_.notify_all();
      }
      return buffer.size() < static_cast<size_t>(cluster_->max_response_bytes);
    };
    RestFault fault;
    auto r = watch_client_->Stream(
        CollectionPath() + "?" + ClusterLabelSelectorQuery(k8s_.cluster_id) +
            "&watch=true&allowWatchBookmarks=true&resourceVersion=" + rv +
            "&timeoutSeconds=" + std::to_string(kWatchTimeoutSeconds),
        on_chunk, &fault);
    if (stop_) return WatchEnd::kClosed;
    if (expired) {
      std::lock_guard<std::mutex> lock(mu_);
      ++watch_expired_;
      return WatchEnd::kExpired;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++watch_restarts_;
    }
    if (r.ok() && r->status == 200 && event_error.empty()) {
      return WatchEnd::kClosed;  // the server's timeout: watch again
    }
    std::string why;
    if (!r.ok()) {
      why = event_error.empty() ? r.error().message : event_error;
    } else if (r->status != 200) {
      if (r->status == 401) recreate_ = true;
      why = HttpError(r->status, "watch", *target_, error_body + buffer);
    } else {
      why = event_error;
    }
    if (why != last_watch_error_) {
      Logger(kSource)->warn(
          "watch of configmaps failed cluster={} error=\"{}\"; listing every "
          "poll interval, watching again in {}s",
          cluster_->name, why, kWatchRetry.count() / 1000);
      last_watch_error_ = why;
    }
    SetWatchError("watch configmaps: " + why);
    return WatchEnd::kFailed;
  }

  void SetResult(bool ok, const std::string& error, const std::string& mode) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      reachable_ = ok;
      error_ = error;
      mode_ = mode;
      if (ok && mode == "watch") watch_error_.clear();
      ++results_;
      changed_ = true;
    }
    cv_.notify_all();
  }

  void SetWatchError(const std::string& error) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_error_ = error;
      mode_ = "list";
      changed_ = true;
    }
    cv_.notify_all();
  }

  void Sleep(milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    sleep_cv_.wait_for(lock, d, [this] { return stop_.load(); });
  }

  // ---- publisher thread ----
  void PublishLoop() {
    auto next_tick = Clock::now() + kTick;
    const auto started = Clock::now();
    bool first = true;
    while (!stop_) {
      bool changed = false;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_until(lock, next_tick,
                       [this] { return stop_.load() || changed_; });
        if (stop_) break;
        changed = changed_;
        changed_ = false;
      }
      const bool tick = Clock::now() >= next_tick;
      if (tick) next_tick = Clock::now() + kTick;
      bool answered;
      {
        std::lock_guard<std::mutex> lock(mu_);
        answered = results_ > 0;
      }
      // Hold a first report until the first list answered (usually
      // milliseconds): no "unreachable" at every start.
      if (!answered && Clock::now() - started < kStartupGrace) continue;
      if (changed || tick || first) {
        Publish(tick && !changed);
        first = false;
      }
    }
  }

  void Publish(bool tick_only) {
    const TimePoint now = std::chrono::system_clock::now();
    std::vector<K8sConfigMap> maps;
    K8sObservation k;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [name, cm] : maps_) maps.push_back(cm);
      k.reachable = reachable_;
      k.mode = mode_;
      k.watch_restarts_total = watch_restarts_;
      k.watch_expired_total = watch_expired_;
      k.error = error_;
      k.watch_error = watch_error_;
      if (target_) {
        k.api_server = target_->server;
        k.namespace_name = target_->namespace_name;
      }
    }
    k.cluster_id = k8s_.cluster_id;
    k.configmaps = static_cast<int>(maps.size());
    ZkObservation obs;
    obs.at = now;
    obs.connected = k.reachable;
    obs.session_state =
        k.reachable ? ZkSessionState::kConnected : ZkSessionState::kConnecting;
    FillK8sObservation(maps, k8s_.cluster_id, &obs, &k.locks);
    if (!k.reachable) {
      for (auto& [c, leader] : obs.components) leader.reset();
      obs.job_leaders.clear();
    }
    std::string err = k.reachable ? "" : k.error;
    if (k.reachable) {
      const std::string main_map = ClusterConfigMapName(k8s_.cluster_id);
      bool found = false;
      for (const auto& cm : maps) found = found || cm.name == main_map;
      if (!found) {
        err = "no ConfigMap " + main_map + " in namespace " + k.namespace_name +
              " (wrong kubernetes.cluster_id or namespace, or Flink is not "
              "running with high-availability.type: kubernetes)";
      }
      if (!obs.error.empty()) err += (err.empty() ? "" : "; ") + obs.error;
    }
    obs.error = err;
    k.error = err;
    std::vector<HaEvent> events;
    ha_ = ApplyObservation(std::move(ha_), obs, *cluster_, now, &events);
    auto log = Logger(kSource);
    for (const auto& e : events) {
      log->info(
          "ha event cluster={} kind={} component={} from=\"{}\" to=\"{}\" "
          "duration_seconds={:.3f} detail=\"{}\"",
          cluster_->name, HaEventKindName(e.kind), e.component, e.from, e.to,
          e.duration_seconds, e.detail);
    }
    faults_.Report(cluster_->name, err);
    const auto mono = Clock::now();
    const bool record =
        !tick_only || mono - last_attempt_ >= cluster_->poll_interval;
    if (record) last_attempt_ = mono;
    auto published_obs = std::make_shared<const ZkObservation>(obs);
    auto published_k8s = std::make_shared<const K8sObservation>(k);
    auto published_ha = std::make_shared<const HaState>(ha_);
    store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
      c.zookeeper = published_obs;
      c.kubernetes = published_k8s;
      c.ha = published_ha;
      if (record) RecordSourceAttempt(c, kSource, now, err);
    });
  }

  const std::shared_ptr<const ClusterConfig> cluster_;
  const KubernetesConfig k8s_;
  StateStore* const store_;
  FaultLog faults_;
  std::thread sync_;
  std::thread publisher_;
  std::atomic<bool> stop_{false};

  std::mutex mu_;
  std::condition_variable cv_;        // publisher: something changed
  std::condition_variable sleep_cv_;  // sync thread's sleeps (Stop wakes it)
  // Guarded by mu_.
  std::map<std::string, K8sConfigMap> maps_;
  bool changed_ = true;
  bool reachable_ = false;
  std::string error_;
  std::string watch_error_;
  std::string mode_ = "list";
  uint64_t lists_ = 0;
  uint64_t results_ = 0;  // lists answered or failed
  uint64_t watch_events_ = 0;
  uint64_t watch_restarts_ = 0;
  uint64_t watch_expired_ = 0;
  std::unique_ptr<HttpClient> list_client_;
  std::unique_ptr<HttpClient> watch_client_;

  // Written by the sync thread only (under mu_), read by the publisher.
  std::optional<KubeTarget> target_;
  // Sync thread only.
  FileStamp token_stamp_;
  bool recreate_ = false;
  Clock::time_point watch_retry_at_{};
  std::string last_watch_error_;

  // Publisher thread only.
  HaState ha_;
  Clock::time_point last_attempt_{};
};

ConfigMapWatcher::ConfigMapWatcher(std::shared_ptr<const ClusterConfig> cluster,
                                   StateStore* store)
    : impl_(std::make_unique<ConfigMapWatcherImpl>(std::move(cluster), store)) {
}
ConfigMapWatcher::~ConfigMapWatcher() { Stop(); }
void ConfigMapWatcher::Start() { impl_->Start(); }
void ConfigMapWatcher::Stop() {
  if (impl_) impl_->Stop();
}

}  // namespace flinkha
