// FakeFlink implementation on cpp-httplib's server (loopback only).
#include "support/fake_flink.h"

#include <httplib.h>
#include <strings.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace flinkha::testing {

std::string ReadFlinkFixture(const std::string& relative) {
  const std::string path = std::string(FLINKHA_SOURCE_DIR) +
                           "/tests/fixtures/flink-rest/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

FakeFlink::FakeFlink() = default;
FakeFlink::FakeFlink(FakeFlinkTls tls) : tls_(std::move(tls)) {}
FakeFlink::~FakeFlink() { Stop(); }

std::string FakeFlink::url() const {
  return std::string(tls_.cert_file.empty() ? "http" : "https") +
         "://127.0.0.1:" + std::to_string(port_);
}

void FakeFlink::Install() {
  if (tls_.cert_file.empty()) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    server_ = std::make_unique<httplib::SSLServer>(
        tls_.cert_file.c_str(), tls_.key_file.c_str(),
        tls_.client_ca_file.empty() ? nullptr : tls_.client_ca_file.c_str());
    if (!server_->is_valid())
      throw std::runtime_error("fake flink: invalid TLS certificate/key");
  }
  server_->Get(".*", [this](const httplib::Request& req,
                            httplib::Response& res) {
    // Key: the path plus the decoded query, e.g.
    // "/jobs/x/metrics?get=numRestarts,fullRestarts" (parameters in name order,
    // as httplib keeps them).
    std::string key = req.path;
    char sep = '?';
    for (const auto& [name, value] : req.params) {
      key += sep + name + "=" + value;
      sep = '&';
    }
    std::unique_lock<std::mutex> lock(mu_);
    ++hits_[key];
    if (log_which_ && log_which_(req.path))
      request_times_.push_back(std::chrono::steady_clock::now());
    last_headers_.clear();
    for (const auto& [k, v] : req.headers) last_headers_[k] = v;
    switch (mode_) {
      case Mode::kElection:
        res.status = 503;
        res.set_content(
            R"({"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]})",
            "application/json; charset=UTF-8");
        return;
      case Mode::kHang:
        ++hanging_;
        cv_.wait(lock, [this] { return stopping_ || mode_ != Mode::kHang; });
        --hanging_;
        cv_.notify_all();
        res.status = 500;
        res.set_content(R"({"errors":["released"]})", "application/json");
        return;
      case Mode::kGarbage:
        res.status = 200;
        res.set_content("\x01\x02<html>not json {{{", "application/json");
        return;
      case Mode::kHuge: {
        const size_t total = huge_bytes_;
        res.status = 200;
        res.set_chunked_content_provider(
            "application/json",
            [total](size_t offset, httplib::DataSink& sink) {
              static const std::string chunk(64 * 1024, ' ');
              if (offset >= total) {
                sink.done();
                return true;
              }
              return sink.write(chunk.data(),
                                std::min(chunk.size(), total - offset));
            });
        return;
      }
      case Mode::kNormal:
        break;
    }
    auto it = routes_.find(key);
    if (it == routes_.end()) it = routes_.find(req.path);
    if (it == routes_.end()) {
      res.status = 404;
      res.set_content(R"({"errors":["Not found: )" + req.path + R"("]})",
                      "application/json");
      return;
    }
    res.status = it->second.status;
    if (!it->second.location.empty())
      res.set_header("Location", it->second.location);
    res.set_content(it->second.body, "application/json; charset=UTF-8");
  });
}

void FakeFlink::Listen() {
  httplib::Server* s = server_.get();
  thread_ = std::thread([s] { s->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it before
  // returning.
  for (int i = 0; i < 2000 && !s->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void FakeFlink::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  Install();
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake flink: cannot bind 127.0.0.1");
  Listen();
}

void FakeFlink::Kill() {
  if (!server_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ =
        true;  // release hanging handlers so the server's workers can end
    cv_.notify_all();
  }
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void FakeFlink::Revive() {
  if (server_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  Install();
  if (!server_->bind_to_port("127.0.0.1", port_)) {
    server_.reset();
    throw std::runtime_error("fake flink: cannot bind 127.0.0.1:" +
                             std::to_string(port_));
  }
  Listen();
}

void FakeFlink::Stop() { Kill(); }

void FakeFlink::Serve(const std::string& path, const std::string& body,
                      int status) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[path] = Route{body, status, ""};
}

void FakeFlink::Redirect(const std::string& path, const std::string& location,
                         int status) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[path] = Route{"", status, location};
}

void FakeFlink::Remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_.erase(path);
}

void FakeFlink::ServeVersion(const std::string& version) {
  Serve("/config", ReadFlinkFixture(version + "/config.json"));
  Serve("/overview", ReadFlinkFixture(version + "/overview.json"));
  Serve("/jobs/overview", ReadFlinkFixture(version + "/jobs_overview.json"));
  Serve("/taskmanagers", ReadFlinkFixture(version + "/taskmanagers.json"));
}

void FakeFlink::SetMode(Mode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  mode_ = mode;
  cv_.notify_all();
}

void FakeFlink::set_huge_bytes(size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  huge_bytes_ = n;
}

int FakeFlink::hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

int FakeFlink::total_hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [k, v] : hits_) n += v;
  return n;
}

std::string FakeFlink::last_header(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, v] : last_headers_) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

void FakeFlink::LogRequestTimes(
    std::function<bool(const std::string& path)> which) {
  std::lock_guard<std::mutex> lock(mu_);
  log_which_ = std::move(which);
}

std::vector<double> FakeFlink::RequestTimes(
    std::chrono::steady_clock::time_point since) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> out;
  for (auto t : request_times_) {
    if (t >= since) {
      out.push_back(std::chrono::duration<double>(t - since).count());
    }
  }
  return out;
}

}  // namespace flinkha::testing
