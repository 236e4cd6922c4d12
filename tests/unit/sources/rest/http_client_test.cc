// HttpClient against real loopback servers: timeouts, size cap, auth, TLS and
// mutual TLS with certificates generated at test time by the openssl CLI.
#include "sources/rest/http_client.h"

#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "model/rest_parsers.h"
#include "support/fake_flink.h"
#include "util/build_info.h"

namespace flinkha {
namespace {

using testing::FakeFlink;
using testing::FakeFlinkTls;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "flinkha-rest-XXXXXX")
            .string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(File(name)) << content;
    return File(name);
  }

 private:
  std::string path_;
};

// A test CA, a server certificate for localhost/127.0.0.1/jobmanager.test and a
// client certificate, plus an unrelated CA; made once per test run with the
// openssl CLI.
struct TestPki {
  TempDir dir;
  std::string ca, other_ca, server_cert, server_key, client_cert, client_key;

  TestPki() {
    const std::string d = dir.File("");
    auto run = [](const std::string& cmd) {
      if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
        throw std::runtime_error("openssl failed: " + cmd);
      }
    };
    const std::string key =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509 " + key + " -keyout " + d + "ca.key -out " + d +
        "ca.pem -days 2 -subj /CN=flinkha-test-ca");
    run("openssl req -x509 " + key + " -keyout " + d + "other.key -out " + d +
        "other.pem -days 2 -subj /CN=flinkha-other-ca");
    dir.Write("server.ext",
              "subjectAltName=DNS:localhost,DNS:jobmanager.test,IP:127.0.0.1\n"
              "extendedKeyUsage=serverAuth\n");
    dir.Write("client.ext", "extendedKeyUsage=clientAuth\n");
    for (const std::string name : {"server", "client"}) {
      run("openssl req " + key + " -keyout " + d + name + ".key -out " + d +
          name + ".csr -subj /CN=" + name);
      run("openssl x509 -req -in " + d + name + ".csr -CA " + d +
          "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " + d + name +
          ".pem -days 2 -extfile " + d + name + ".ext");
    }
    ca = d + "ca.pem";
    other_ca = d + "other.pem";
    server_cert = d + "server.pem";
    server_key = d + "server.key";
    client_cert = d + "client.pem";
    client_key = d + "client.key";
  }

  static const TestPki& Get() {
    static TestPki pki;
    return pki;
  }
};

HttpClientOptions Options(const std::string& url, int timeout_ms = 2000) {
  HttpClientOptions o;
  o.base_url = url;
  o.connect_timeout = Duration(timeout_ms);
  o.request_timeout = Duration(timeout_ms);
  return o;
}

std::unique_ptr<HttpClient> MustCreate(const HttpClientOptions& o) {
  auto c = HttpClient::Create(o);
  INFO((c.ok() ? std::string() : c.error().message));
  REQUIRE(c.ok());
  return std::move(c).value();
}

TEST_CASE("HttpClient gets a body and sends its User-Agent", "[rest][http]") {
  FakeFlink f;
  f.Serve("/overview", R"({"taskmanagers":1})");
  f.Start();
  auto c = MustCreate(Options(f.url()));
  RestFault fault = RestFault::kTimeout;
  auto r = c->Get("/overview", &fault);
  REQUIRE(r.ok());
  CHECK(fault == RestFault::kNone);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"taskmanagers":1})");
  CHECK(r->seconds >= 0);
  CHECK(f.last_header("User-Agent") ==
        "flink-ha-exporter/" + std::string(BuildVersion()));
  // Keep-alive: a second request on the same client works too.
  auto again = c->Get("/missing");
  REQUIRE(again.ok());
  CHECK(again->status == 404);
  CHECK(f.hits("/overview") == 1);
}

TEST_CASE("HttpClient honours a path prefix in the base URL", "[rest][http]") {
  FakeFlink f;
  f.Serve("/flink/overview", "{}");
  f.Start();
  auto c = MustCreate(Options(f.url() + "/flink/"));
  auto r = c->Get("/overview");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
}

TEST_CASE("HttpClient returns a 503 election answer as a response",
          "[rest][http]") {
  FakeFlink f;
  f.Start();
  f.SetMode(FakeFlink::Mode::kElection);
  auto c = MustCreate(Options(f.url()));
  auto r = c->Get("/overview");
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(IsLeaderElectionAnswer(r->status, r->body));
}

TEST_CASE("HttpClient ends a hanging request at request_timeout",
          "[rest][http]") {
  FakeFlink f;
  f.Start();
  f.SetMode(FakeFlink::Mode::kHang);
  auto c = MustCreate(Options(f.url(), 300));
  const auto start = Clock::now();
  RestFault fault = RestFault::kNone;
  auto r = c->Get("/overview", &fault);
  const double took = SecondsSince(start);
  REQUIRE_FALSE(r.ok());
  CHECK(fault == RestFault::kTimeout);
  CHECK(r.error().message == "timeout after 300ms");
  CHECK(took >= 0.25);
  CHECK(took < 1.5);
}

TEST_CASE("HttpClient bounds a trickling body by the request deadline",
          "[rest][http]") {
  httplib::Server slow;
  slow.Get(
      "/jobs/overview", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "application/json", [](size_t offset, httplib::DataSink& sink) {
              if (offset > 100) {
                sink.done();
                return true;
              }
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
              return sink.write(" ", 1);
            });
      });
  const int port = slow.bind_to_any_port("127.0.0.1");
  std::thread t([&] { slow.listen_after_bind(); });
  while (!slow.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    auto c =
        MustCreate(Options("http://127.0.0.1:" + std::to_string(port), 500));
    const auto start = Clock::now();
    RestFault fault = RestFault::kNone;
    auto r = c->Get("/jobs/overview", &fault);
    REQUIRE_FALSE(r.ok());
    CHECK(fault == RestFault::kTimeout);
    CHECK(SecondsSince(start) < 1.5);  // the body would take over 10s
  }
  slow.stop();
  t.join();
}

TEST_CASE("HttpClient rejects a body over max_body_bytes", "[rest][http]") {
  FakeFlink f;
  f.Start();
  SECTION("streamed without a length") {
    f.set_huge_bytes(8 * 1024 * 1024);
    f.SetMode(FakeFlink::Mode::kHuge);
  }
  SECTION("announced by Content-Length") {
    f.Serve("/overview", std::string(2 << 20, ' '));
  }
  auto o = Options(f.url());
  o.max_body_bytes = 1 << 20;
  auto c = MustCreate(o);
  RestFault fault = RestFault::kNone;
  auto r = c->Get("/overview", &fault);
  REQUIRE_FALSE(r.ok());
  CHECK(fault == RestFault::kTooLarge);
  CHECK(r.error().message ==
        "response body larger than max_response_bytes (1048576 bytes)");
}

TEST_CASE("HttpClient reports a refused connection", "[rest][http]") {
  FakeFlink f;
  f.Start();
  const int port = f.port();
  f.Kill();
  auto c = MustCreate(Options(f.url()));
  RestFault fault = RestFault::kNone;
  auto r = c->Get("/overview", &fault);
  REQUIRE_FALSE(r.ok());
  CHECK(fault == RestFault::kConnect);
  CHECK(r.error().message ==
        "cannot connect to 127.0.0.1:" + std::to_string(port));
}

TEST_CASE("HttpClient sends basic auth and bearer tokens read from files",
          "[rest][http]") {
  TempDir dir;
  FakeFlink f;
  f.Serve("/config", "{}");
  f.Start();
  SECTION("basic auth, password from a file") {
    auto o = Options(f.url());
    o.auth.username = "monitor";
    o.auth.password_file = dir.Write("password", "s3cret\n");
    auto c = MustCreate(o);
    REQUIRE(c->Get("/config").ok());
    CHECK(f.last_header("Authorization") ==
          "Basic bW9uaXRvcjpzM2NyZXQ=");  // monitor:s3cret
  }
  SECTION("bearer token from a file") {
    auto o = Options(f.url());
    o.auth.bearer_token_file = dir.Write("token", "eyJhbGciOi.token\n");
    auto c = MustCreate(o);
    REQUIRE(c->Get("/config").ok());
    CHECK(f.last_header("Authorization") == "Bearer eyJhbGciOi.token");
  }
  SECTION("no auth configured sends none") {
    auto c = MustCreate(Options(f.url()));
    REQUIRE(c->Get("/config").ok());
    CHECK(f.last_header("Authorization").empty());
  }
}

TEST_CASE("HttpClient::Create reports configuration errors", "[rest][http]") {
  auto missing = Options("http://127.0.0.1:1");
  missing.auth.bearer_token_file = "/nonexistent/token";
  auto c = HttpClient::Create(missing);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message ==
        "auth.bearer_token_file: cannot read /nonexistent/token");

  auto scheme = HttpClient::Create(Options("ftp://jobmanager:8081"));
  REQUIRE_FALSE(scheme.ok());
  CHECK(scheme.error().message ==
        "url: expected an http:// or https:// URL, found "
        "\"ftp://jobmanager:8081\"");

  auto port = HttpClient::Create(Options("http://jobmanager:80x"));
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().message == "url: expected a port 1-65535, found \"80x\"");

  auto both = Options("http://jobmanager:8081");
  both.auth.username = "u";
  both.auth.bearer_token = "t";
  auto b = HttpClient::Create(both);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message ==
        "auth: expected either basic auth or a bearer token, found both");

  auto half = Options("https://jobmanager:8081");
  half.tls.cert_file = "/x.pem";
  auto h = HttpClient::Create(half);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().message ==
        "tls: expected both cert_file and key_file for mutual TLS, found only "
        "one");
}

TEST_CASE("HttpClient verifies the server certificate against tls.ca_file",
          "[rest][http][tls]") {
  const TestPki& pki = TestPki::Get();
  FakeFlink f(FakeFlinkTls{pki.server_cert, pki.server_key, ""});
  f.Serve("/config", R"({"flink-version":"1.18.1"})");
  f.Start();
  REQUIRE(f.url().rfind("https://", 0) == 0);

  SECTION("trusted CA: the request succeeds") {
    auto o = Options(f.url());
    o.tls.ca_file = pki.ca;
    auto c = MustCreate(o);
    auto r = c->Get("/config");
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  SECTION("no CA file: verification fails and the error says so") {
    auto c = MustCreate(Options(f.url()));
    RestFault fault = RestFault::kNone;
    auto r = c->Get("/config", &fault);
    REQUIRE_FALSE(r.ok());
    CHECK(fault == RestFault::kConnect);
    CHECK_THAT(r.error().message,
               Catch::StartsWith("TLS certificate verification of 127.0.0.1:" +
                                 std::to_string(f.port()) + " failed: "));
    CHECK_THAT(r.error().message, Catch::Contains("set tls.ca_file"));
  }
  SECTION("a CA that did not sign the server certificate fails") {
    auto o = Options(f.url());
    o.tls.ca_file = pki.other_ca;
    auto c = MustCreate(o);
    auto r = c->Get("/config");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message,
               Catch::Contains("TLS certificate verification"));
  }
  SECTION("server_name selects the name checked against the certificate") {
    auto o = Options(f.url());
    o.tls.ca_file = pki.ca;
    o.tls.server_name = "jobmanager.test";
    auto ok = MustCreate(o);
    auto r = ok->Get("/config");
    INFO((r.ok() ? std::string() : r.error().message));
    CHECK(r.ok());
    o.tls.server_name = "other.test";
    auto wrong = MustCreate(o);
    auto w = wrong->Get("/config");
    REQUIRE_FALSE(w.ok());
    CHECK_THAT(w.error().message,
               Catch::Contains("TLS certificate verification"));
  }
  SECTION("insecure_skip_verify accepts the certificate only when configured") {
    auto o = Options(f.url());
    o.tls.insecure_skip_verify = true;
    auto c = MustCreate(o);
    CHECK(c->Get("/config").ok());
  }
}

TEST_CASE("HttpClient presents a client certificate for mutual TLS",
          "[rest][http][tls]") {
  const TestPki& pki = TestPki::Get();
  FakeFlink f(FakeFlinkTls{pki.server_cert, pki.server_key, pki.ca});
  f.Serve("/config", R"({"flink-version":"1.18.1"})");
  f.Start();
  auto o = Options(f.url());
  o.tls.ca_file = pki.ca;
  SECTION("with the client certificate the request succeeds") {
    o.tls.cert_file = pki.client_cert;
    o.tls.key_file = pki.client_key;
    auto c = MustCreate(o);
    auto r = c->Get("/config");
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  SECTION("without it the server refuses the handshake") {
    auto c = MustCreate(o);
    RestFault fault = RestFault::kNone;
    auto r = c->Get("/config", &fault);
    REQUIRE_FALSE(r.ok());
    CHECK(fault == RestFault::kConnect);
    CHECK(f.total_hits() == 0);
  }
  SECTION("a key that does not load is a construction error") {
    o.tls.cert_file = pki.client_cert;
    o.tls.key_file = pki.ca;  // a certificate, not a key
    auto c = HttpClient::Create(o);
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.error().message,
               Catch::StartsWith("tls: cannot load the client certificate"));
  }
}

TEST_CASE("HttpClient::Cancel aborts a hanging request at once",
          "[rest][http]") {
  FakeFlink f;
  f.Start();
  f.SetMode(FakeFlink::Mode::kHang);
  auto c = MustCreate(Options(f.url(), 10000));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c->Cancel();
  });
  const auto start = Clock::now();
  auto r = c->Get("/overview");
  const double took = SecondsSince(start);
  canceller.join();
  REQUIRE_FALSE(r.ok());
  CHECK(took < 3);
  CHECK(r.error().message == "cancelled: the exporter is stopping");
  CHECK_FALSE(c->Get("/overview").ok());  // stays cancelled
}

}  // namespace
}  // namespace flinkha
