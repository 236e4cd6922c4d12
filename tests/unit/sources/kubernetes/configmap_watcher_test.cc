// ConfigMapWatcher against an in-process HTTP server that answers with the
// ConfigMaps recorded from real JobManagers (tests/fixtures/flink-real/2.3.0/
// k8s) or with the errors an API server gives: 403, 404, garbage, and a watch
// refused the way fabric8's mock refuses a plain HTTP watch.
#include "sources/kubernetes/configmap_watcher.h"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "model/json_reader.h"
#include "support/process.h"

namespace flinkha {
namespace {

using Clock = std::chrono::steady_clock;

bool WaitFor(const std::function<bool()>& cond, double seconds = 8) {
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  while (Clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

// A loopback API server: GET .../configmaps answers list_status/list_body; a
// watch (watch=true) is refused with 400 like fabric8's mock does.
class FakeApi {
 public:
  FakeApi() {
    server_.Get(
        "/api/v1/namespaces/flink/configmaps",
        [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          auth_.insert(req.get_header_value("Authorization"));
          if (req.has_param("watch") && !watch_events_.empty()) {
            ++watches_;
            // A chunked watch stream: the events queued for this watch, one
            // per line; then it stays open a moment and ends (as at the
            // server's timeout).
            std::vector<std::string> events = watch_events_.front();
            watch_events_.erase(watch_events_.begin());
            res.status = 200;
            res.set_chunked_content_provider(
                "application/json", [events](size_t, httplib::DataSink& sink) {
                  for (const auto& e : events) {
                    const std::string line = e + "\n";
                    sink.write(line.data(), line.size());
                  }
                  std::this_thread::sleep_for(std::chrono::milliseconds(300));
                  sink.done();
                  return true;
                });
            return;
          }
          if (req.has_param("watch")) {
            ++watches_;
            res.status = 400;
            res.set_content("\"Connection\" header must be \"Upgrade\".",
                            "text/plain");
            return;
          }
          ++lists_;
          if (!req.has_param("labelSelector") ||
              req.get_param_value("labelSelector") !=
                  "app=realtime-pipeline,type=flink-native-kubernetes") {
            res.status = 500;
            return;
          }
          res.status = status_;
          res.set_content(body_, "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~FakeApi() {
    server_.stop();
    thread_.join();
  }
  // The events the next watch streams (each call: one more watch).
  void QueueWatch(std::vector<std::string> events) {
    std::lock_guard<std::mutex> lock(mu_);
    watch_events_.push_back(std::move(events));
  }
  void Answer(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  bool SawAuth(const std::string& a) {
    std::lock_guard<std::mutex> lock(mu_);
    return auth_.count(a) > 0;
  }
  int lists() {
    std::lock_guard<std::mutex> lock(mu_);
    return lists_;
  }
  int watches() {
    std::lock_guard<std::mutex> lock(mu_);
    return watches_;
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  int status_ = 200;
  std::string body_;
  std::set<std::string> auth_;
  int lists_ = 0;
  int watches_ = 0;
  std::vector<std::vector<std::string>> watch_events_;
};

std::shared_ptr<const ClusterConfig> Cluster(const std::string& api,
                                             const std::string& token_file) {
  auto c = std::make_shared<ClusterConfig>();
  c->name = "k8s";
  c->jobmanagers = {{"jm-1", "http://127.0.0.1:18081", "127.0.0.1:18081"},
                    {"jm-2", "http://127.0.0.1:18082", "127.0.0.1:18082"}};
  c->poll_interval = std::chrono::milliseconds(200);
  c->request_timeout = std::chrono::milliseconds(150);
  KubernetesConfig k;
  k.api_server = api;
  k.namespace_name = "flink";
  k.cluster_id = "realtime-pipeline";
  k.token_file = token_file;
  c->kubernetes = k;
  return c;
}

struct View {
  std::shared_ptr<const K8sObservation> k8s;
  std::shared_ptr<const ZkObservation> obs;
  std::shared_ptr<const HaState> ha;
  SourceStatus source;
};

View Get(const StateStore& store) {
  auto s = store.Get();
  auto it = s->clusters.find("k8s");
  if (it == s->clusters.end()) return {};
  View v{it->second.kubernetes, it->second.zookeeper, it->second.ha, {}};
  if (it->second.sources.count("kubernetes")) {
    v.source = it->second.sources.at("kubernetes");
  }
  return v;
}

std::string Fixture(const std::string& name) {
  return testing::ReadFile(std::string(FLINKHA_SOURCE_DIR) +
                           "/tests/fixtures/flink-real/2.3.0/k8s/" + name);
}

struct TokenFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("flinkha-k8s-token-" + std::to_string(getpid())))
                         .string();
  explicit TokenFile(const std::string& token) { Write(token); }
  ~TokenFile() { std::filesystem::remove(path); }
  void Write(const std::string& token) const {
    // Like a projected token: a new file renamed over the old one.
    std::ofstream(path + ".new") << token << "\n";
    std::filesystem::rename(path + ".new", path);
  }
};

}  // namespace

TEST_CASE("ConfigMapWatcher: recorded ConfigMaps give leaders and the lock",
          "[k8s][source]") {
  FakeApi api;
  api.Answer(200, Fixture("configmaps_steady.json"));
  TokenFile token("token-a");
  StateStore store(TimePoint{});
  ConfigMapWatcher w(Cluster(api.url(), token.path), &store);
  w.Start();
  REQUIRE(WaitFor([&] { return Get(store).k8s != nullptr; }));
  auto v = Get(store);
  CHECK(v.k8s->reachable);
  CHECK(v.k8s->error.empty());
  REQUIRE(v.k8s->locks.size() == 1);
  CHECK(v.k8s->locks[0].record.lease_duration_seconds == 15);
  REQUIRE(v.obs->components.at("rest_server"));
  CHECK(v.obs->components.at("rest_server")->address ==
        "http://127.0.0.1:18081");
  CHECK(v.ha->components.at("rest_server").jobmanager == "jm-1");
  CHECK(v.source.up);
  CHECK(api.SawAuth("Bearer token-a"));

  // The watch is refused: it lists every poll interval instead, without a
  // source error, and says why.
  REQUIRE(WaitFor([&] { return api.watches() >= 1 && api.lists() >= 3; }));
  v = Get(store);
  CHECK(v.k8s->mode == "list");
  CHECK(v.k8s->watch_error.find("HTTP 400") != std::string::npos);
  CHECK(v.source.up);
  CHECK(api.watches() == 1);  // not retried at every list

  // The recorded SIGKILL: jm-2 leads, one failover.
  api.Answer(200, Fixture("configmaps_after_leader_kill.json"));
  REQUIRE(WaitFor([&] {
    auto h = Get(store).ha;
    return h && h->components.at("rest_server").jobmanager == "jm-2";
  }));
  CHECK(Get(store).ha->failovers_total == 1);

  // A rotated token is read again.
  token.Write("token-b");
  REQUIRE(WaitFor([&] { return api.SawAuth("Bearer token-b"); }));
  w.Stop();
}

TEST_CASE(
    "ConfigMapWatcher: errors name the RBAC verb, the namespace, the JSON",
    "[k8s][source]") {
  FakeApi api;
  TokenFile token("t");
  StateStore store(TimePoint{});
  api.Answer(
      403,
      R"({"kind":"Status","code":403,"message":"configmaps is forbidden: User \"system:serviceaccount:flink:x\" cannot list resource \"configmaps\""})");
  ConfigMapWatcher w(Cluster(api.url(), token.path), &store);
  w.Start();
  REQUIRE(WaitFor([&] {
    auto v = Get(store);
    return v.k8s && !v.k8s->error.empty();
  }));
  auto v = Get(store);
  CHECK(!v.k8s->reachable);
  CHECK(v.k8s->error.find("403 forbidden: RBAC denies verb \"list\" on "
                          "configmaps in namespace flink") !=
        std::string::npos);
  CHECK(v.k8s->error.find("cannot list resource") != std::string::npos);
  CHECK(!v.source.up);
  CHECK(!v.obs->components.at("rest_server"));

  api.Answer(
      404,
      R"({"kind":"Status","code":404,"message":"namespaces \"flink\" not found"})");
  REQUIRE(WaitFor([&] {
    return Get(store).k8s->error.find("404 not found: namespace flink") !=
           std::string::npos;
  }));
  api.Answer(200, "<html>502 bad gateway</html>");
  REQUIRE(WaitFor([&] {
    return Get(store).k8s->error.find(
               "list configmaps: invalid answer: invalid JSON") !=
           std::string::npos;
  }));
  api.Answer(
      200,
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"1"},"items":[]})");
  REQUIRE(WaitFor([&] {
    return Get(store).k8s->error.find(
               "no ConfigMap realtime-pipeline-cluster-config-map in "
               "namespace flink") != std::string::npos;
  }));
  CHECK(Get(store).k8s->reachable);
  w.Stop();
}

}  // namespace flinkha

namespace flinkha {

TEST_CASE("ConfigMapWatcher: watch events apply at once; 410 Gone lists again",
          "[k8s][source]") {
  FakeApi api;
  api.Answer(200, Fixture("configmaps_steady.json"));
  // The first watch brings the recorded SIGKILL's cluster ConfigMap (jm-2
  // leads) as a MODIFIED event; the second ends with 410 Gone.
  auto killed = ParseJsonBody(Fixture("configmaps_after_leader_kill.json"));
  REQUIRE(killed.ok());
  Json event;
  for (const auto& item : (*killed)["items"]) {
    if (item["metadata"]["name"] == "realtime-pipeline-cluster-config-map") {
      event = Json{{"type", "MODIFIED"}, {"object", item}};
    }
  }
  REQUIRE(!event.is_null());
  api.QueueWatch({event.dump()});
  api.QueueWatch(
      {R"j({"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old resource version"}})j"});
  TokenFile token("t");
  StateStore store(TimePoint{});
  ConfigMapWatcher w(Cluster(api.url(), token.path), &store);
  w.Start();
  REQUIRE(WaitFor([&] {
    auto h = Get(store).ha;
    return h && h->components.count("rest_server") &&
           h->components.at("rest_server").jobmanager == "jm-2";
  }));
  // From the watch: the list still answers the steady state.
  CHECK(Get(store).ha->failovers_total == 1);
  REQUIRE(WaitFor([&] {
    auto k = Get(store).k8s;
    return k && k->watch_expired_total >= 1;
  }));
  CHECK(api.lists() >= 2);  // listed again after the 410
  w.Stop();
}

}  // namespace flinkha
