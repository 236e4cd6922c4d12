// HTTP endpoints over the latest snapshot; nothing here waits on Flink or
// ZooKeeper.
#include "http/server.h"

#include <httplib.h>

#include <charconv>

#include "app/app.h"
#include "http/status_json.h"
#include "http/status_page.h"
#include "util/logging.h"

namespace flinkha {

Result<std::pair<std::string, int>> ParseListenAddress(
    const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error{"listen address must be [host]:port, found \"" + listen +
                 "\""};
  }
  std::string host = listen.substr(0, colon);
  std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  int port = -1;
  auto [p, ec] = std::from_chars(port_text.data(),
                                 port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return Error{"listen address port must be 0-65535, found \"" + port_text +
                 "\""};
  }
  return std::make_pair(host, port);
}

HttpServer::HttpServer(StateStore* store, ServerOptions options)
    : store_(store),
      options_(std::move(options)),
      collectors_(AllCollectors()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Routes() {
  httplib::Server& s = *server_;
  s.Get(options_.telemetry_path,
        [this](const httplib::Request&, httplib::Response& res) {
          SnapshotPtr snap = store_->Get();
          res.set_content(RenderMetrics(collectors_, *snap),
                          "text/plain; version=0.0.4; charset=utf-8");
        });
  auto healthy = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK\n", "text/plain");
  };
  s.Get("/healthz", healthy);
  s.Get("/-/healthy", healthy);
  auto ready = [this](const httplib::Request&, httplib::Response& res) {
    if (AllSourcesReported(*store_->Get())) {
      res.set_content("OK\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: waiting for every source to report once\n",
                      "text/plain");
    }
  };
  s.Get("/ready", ready);
  s.Get("/-/ready", ready);
  s.Get("/api/v1/status",
        [this](const httplib::Request&, httplib::Response& res) {
          res.set_content(StatusJson(*store_->Get()).dump(2) + "\n",
                          "application/json");
        });
  s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(StatusPage(*store_->Get(), options_.telemetry_path),
                    "text/html; charset=utf-8");
  });
  s.Post("/-/reload", [this](const httplib::Request&, httplib::Response& res) {
    if (!options_.reload) {
      res.status = 404;
      return;
    }
    Status st = options_.reload();
    if (st.ok()) {
      res.set_content("reloaded\n", "text/plain");
    } else {
      res.status = 500;
      res.set_content("reload failed: " + st.error().message + "\n",
                      "text/plain");
    }
  });
}

Status HttpServer::Start() {
  auto addr = ParseListenAddress(options_.listen);
  if (!addr.ok()) return addr.error();
  server_ = std::make_unique<httplib::Server>();
  server_->new_task_queue = [] { return new httplib::ThreadPool(4); };
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
  server_->set_payload_max_length(64 * 1024);
  Routes();
  const auto& [host, port] = addr.value();
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) return Error{"cannot listen on " + options_.listen};
  } else {
    if (!server_->bind_to_port(host, port)) {
      return Error{"cannot listen on " + options_.listen + ": " +
                   std::strerror(errno)};
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  Logger("http")->info("listening address={} port={} telemetry_path={}", host,
                       port_, options_.telemetry_path);
  return Ok{};
}

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flinkha
