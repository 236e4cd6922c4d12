// App: source lifecycle and reload.
#include "app/app.h"

#include <set>

#include "config/address.h"
#include "config/loader.h"
#include "http/report.h"
#include "sources/kubernetes/configmap_watcher.h"
#include "sources/output/output_watcher.h"
#include "sources/rest/checkpoint_poller.h"
#include "sources/rest/http_client.h"
#include "sources/rest/jobmanager_poller.h"
#include "sources/rest/liveness_watch.h"
#include "sources/zookeeper/ha_watcher.h"
#include "sources/zookeeper/zk_health_probe.h"
#include "util/logging.h"

namespace flinkha {

std::vector<std::string> ExpectedSources(const ClusterConfig& cluster) {
  std::vector<std::string> ids;
  for (const auto& jm : cluster.jobmanagers) ids.push_back("rest/" + jm.name);
  if (cluster.checkpoints) ids.push_back("checkpoints");
  if (cluster.zookeeper) {
    ids.push_back("zookeeper");
    if (cluster.zookeeper->four_letter_words != FourLetterWords::kOff)
      ids.push_back("zookeeper_health");
  }
  if (cluster.kubernetes) ids.push_back("kubernetes");
  for (const auto& o : cluster.output) ids.push_back("output/" + o.path);
  return ids;
}

App::App(std::string config_file, StateStore* store)
    : config_file_(std::move(config_file)), store_(store) {}

App::~App() { Stop(); }

ConfigPtr App::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

void App::Start(ConfigPtr config) {
  std::lock_guard<std::mutex> lock(mu_);
  StartLocked(std::move(config));
}

void App::StartLocked(ConfigPtr config) {
  config_ = std::move(config);
  const auto now = std::chrono::system_clock::now();
  // Publish the cluster configs first so collectors and /ready know what to
  // expect; keep the state of clusters that survive a reload (HA counters,
  // timelines), drop the others.
  store_->Update([&](Snapshot& s) {
    std::set<std::string> names;
    for (const auto& c : config_->clusters) {
      names.insert(c.name);
      ClusterState& cs = s.clusters[c.name];
      cs.name = c.name;
      cs.config = std::make_shared<const ClusterConfig>(c);
      std::set<std::string> expected;
      for (const auto& id : ExpectedSources(c)) {
        expected.insert(id);
        cs.sources.try_emplace(id);
      }
      std::erase_if(cs.sources,
                    [&](const auto& kv) { return !expected.count(kv.first); });
      std::erase_if(cs.jobmanagers, [&](const auto& kv) {
        for (const auto& jm : c.jobmanagers) {
          if (jm.name == kv.first) return false;
        }
        return true;
      });
      std::erase_if(cs.liveness, [&](const auto& kv) {
        for (const auto& jm : c.jobmanagers) {
          if (jm.name == kv.first) return false;
        }
        return true;
      });
      std::erase_if(cs.outputs, [&](const auto& kv) {
        for (const auto& o : c.output) {
          if (o.path == kv.first) return false;
        }
        return true;
      });
      if (!c.zookeeper && !c.kubernetes) cs.zookeeper.reset();
      if (!c.zookeeper) cs.zookeeper_servers.clear();
      if (!c.kubernetes) cs.kubernetes.reset();
      // The JobManagers and their order may have changed.
      cs.facts = DeriveFacts(cs);
    }
    std::erase_if(s.clusters,
                  [&](const auto& kv) { return !names.count(kv.first); });
    s.config_last_reload_success = now;
    s.display_zone = config_->display_timezone;
  });
  for (const auto& c : config_->clusters) {
    auto cluster = std::make_shared<const ClusterConfig>(c);
    for (const auto& jm : c.jobmanagers) {
      sources_.push_back(
          std::make_unique<JobManagerPoller>(cluster, jm, store_));
      sources_.push_back(std::make_unique<LivenessWatch>(cluster, jm, store_));
    }
    if (c.checkpoints)
      sources_.push_back(std::make_unique<CheckpointPoller>(cluster, store_));
    if (c.zookeeper) {
      sources_.push_back(std::make_unique<HaWatcher>(cluster, store_));
      if (c.zookeeper->four_letter_words != FourLetterWords::kOff) {
        sources_.push_back(std::make_unique<ZkHealthProbe>(cluster, store_));
      }
    }
    if (c.kubernetes) {
      sources_.push_back(std::make_unique<ConfigMapWatcher>(cluster, store_));
    }
    for (const auto& o : c.output) {
      sources_.push_back(std::make_unique<OutputWatcher>(cluster, o, store_));
    }
  }
  for (auto& s : sources_) s->Start();
  Logger("app")->info("started sources={} clusters={}", sources_.size(),
                      config_->clusters.size());
}

void App::StopLocked() {
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) (*it)->Stop();
  sources_.clear();
}

void App::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
}

Status App::Reload() {
  auto loaded = LoadConfigFile(config_file_);
  if (!loaded.ok()) {
    store_->Update(
        [](Snapshot& s) { s.config_last_reload_successful = false; });
    Logger("app")->error(
        "reload rejected, keeping the running configuration: {}",
        loaded.error().message);
    return loaded.error();
  }
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
  auto next = std::make_shared<const Config>(std::move(loaded).value());
  StartLocked(next);
  store_->Update([](Snapshot& s) { s.config_last_reload_successful = true; });
  Logger("app")->info("configuration reloaded file={}", config_file_);
  return Ok{};
}

Result<std::vector<std::string>> FetchFailoverHistory(
    const std::string& listen, std::chrono::milliseconds timeout) {
  auto hp = ParseHostPort(listen, /*host_optional=*/true);
  if (!hp.ok()) return hp.error();
  std::string host = hp.value().host;
  // A wildcard listener is reached on loopback.
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  HttpClientOptions options;
  options.base_url = "http://" + host + ":" + std::to_string(hp.value().port);
  options.connect_timeout = std::chrono::duration_cast<Duration>(timeout);
  options.request_timeout = options.connect_timeout;
  auto client = HttpClient::Create(options);
  if (!client.ok()) return client.error();
  auto response = client.value()->Get("/api/v1/status");
  if (!response.ok()) {
    return Error{"no exporter answered on " + options.base_url + ": " +
                 response.error().message};
  }
  if (response.value().status != 200) {
    return Error{"the exporter on " + options.base_url + " answered HTTP " +
                 std::to_string(response.value().status)};
  }
  auto status = nlohmann::json::parse(response.value().body, nullptr, false);
  return FailoverHistory(status);
}

}  // namespace flinkha
