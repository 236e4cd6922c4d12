// --web.config.file on the real binary: a bad file stops start-up with its
// position; a good one protects every endpoint.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <thread>

#include "support/exporter_process.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

std::string WriteConfig(const std::string& dir, int port) {
  return WriteConfigWithoutFlink(dir, port, "web-test");
}

TEST_CASE("web binary: a bad --web.config.file is a fatal start-up error",
          "[web][binary]") {
  TempDir dir;
  const std::string web = dir.path() + "/web.yml";
  WriteFile(web, "tls_server_config:\n  cert_file: a.crt\n  keyfile: a.key\n");
  Subprocess exporter({FLINKHA_EXPORTER_BINARY,
                       "--config.file=" + WriteConfig(dir.path(), FreePort()),
                       "--web.config.file=" + web},
                      dir.path() + "/exporter.log");
  CHECK(exporter.Wait(std::chrono::seconds(10)) == 1);
  const std::string log = exporter.Log();
  INFO(log);
  CHECK(log.find(web + ":3:3: error: unknown key \"keyfile\" in "
                       "tls_server_config") != std::string::npos);
  CHECK(log.find(web + ":2:3: error: tls_server_config: missing key_file") !=
        std::string::npos);
}

TEST_CASE("web binary: basic auth from --web.config.file guards /metrics",
          "[web][binary]") {
  TempDir dir;
  std::string line;
  {
    FILE* p = popen("htpasswd -nbB -C 5 prometheus pw", "r");
    REQUIRE(p != nullptr);
    char buf[256];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) line.append(buf, n);
    REQUIRE(pclose(p) == 0);
  }
  const std::string web = dir.path() + "/web.yml";
  WriteFile(web, "basic_auth_users:\n  prometheus: '" +
                     line.substr(line.find(':') + 1, 60) + "'\n");
  const int port = FreePort();
  Subprocess exporter({FLINKHA_EXPORTER_BINARY,
                       "--config.file=" + WriteConfig(dir.path(), port),
                       "--web.config.file=" + web},
                      dir.path() + "/exporter.log");
  REQUIRE(Eventually(
      [&] { return HttpGet("127.0.0.1", port, "/healthz").status != 0; },
      std::chrono::seconds(10)));
  CHECK(HttpGet("127.0.0.1", port, "/metrics").status == 401);
  httplib::Client c("127.0.0.1", port);
  c.set_basic_auth("prometheus", "pw");
  auto res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("flinkha_build_info") != std::string::npos);
  CHECK(exporter.Stop() == 0);
}

// A connected, idle TCP socket to 127.0.0.1:port (-1 on failure).
TEST_CASE(
    "web binary: --web.max-connections and --web.request-head-timeout set "
    "the listener's limits",
    "[web][binary]") {
  TempDir dir;
  const int port = FreePort();
  Subprocess exporter(
      {FLINKHA_EXPORTER_BINARY,
       "--config.file=" + WriteConfig(dir.path(), port),
       "--web.max-connections=2", "--web.request-head-timeout=1500ms"},
      dir.path() + "/exporter.log");
  REQUIRE(Eventually(
      [&] { return HttpGet("127.0.0.1", port, "/healthz").status == 200; },
      std::chrono::seconds(10)));
  // Two idle connections fill the limit: a third client is refused. (First
  // let the listener see the probe's connection close, or it holds a slot.)
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int a = ConnectLoopback(port), b = ConnectLoopback(port);
  REQUIRE(a >= 0);
  REQUIRE(b >= 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(HttpGet("127.0.0.1", port, "/healthz").status == 503);
  // After the head deadline the idle two are closed: room again.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(Eventually(
      [&] { return HttpGet("127.0.0.1", port, "/healthz").status == 200; },
      std::chrono::seconds(8)));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(4));
  char c;
  CHECK(read(a, &c, 1) == 0);  // closed by the exporter
  close(a);
  close(b);
  // Published at most once a second.
  CHECK(Eventually(
      [&] {
        return HttpGet("127.0.0.1", port, "/metrics")
                   .body.find("flinkha_http_request_head_timeouts_total 2") !=
               std::string::npos;
      },
      std::chrono::seconds(5)));
  CHECK(exporter.Stop() == 0);
}

}  // namespace
}  // namespace flinkha::testing
