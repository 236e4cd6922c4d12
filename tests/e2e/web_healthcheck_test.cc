// The container image's HEALTHCHECK script (packaging/container/healthcheck.sh)
// against the real HTTP server: plain, behind basic auth, over TLS, and down.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "http/server.h"
#include "model/store.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

int Run(const std::string& command) {
  int st = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Exit status of the health check probing port.
int HealthCheck(int port) {
  return Run("FLINKHA_HEALTHCHECK_PORT=" + std::to_string(port) + " sh " +
             FLINKHA_SOURCE_DIR + "/packaging/container/healthcheck.sh");
}

struct Server {
  explicit Server(const std::string& web_config) {
    std::string path;
    if (!web_config.empty()) {
      path = dir.path() + "/web.yml";
      WriteFile(path, web_config);
    }
    server = std::make_unique<HttpServer>(
        &store, ServerOptions{"127.0.0.1:0", "/metrics", path, nullptr, {}});
    status = server->Start();
  }
  TempDir dir;
  StateStore store{std::chrono::system_clock::now()};
  std::unique_ptr<HttpServer> server;
  Status status = Ok{};
};

TEST_CASE("container health check: healthy over HTTP, HTTPS and behind auth",
          "[web][healthcheck]") {
  SECTION("plain HTTP") {
    Server s("");
    REQUIRE(s.status.ok());
    CHECK(HealthCheck(s.server->port()) == 0);
  }
  SECTION("basic auth: 401 still means alive") {
    // A valid bcrypt hash of a password nobody knows.
    Server s(
        "basic_auth_users:\n  prometheus: "
        "$2y$10$P1PVtihpGkPAW27TzZpHFOpnIvN/xqLYBlNUa6/7ccrm4S/u8gOmS\n");
    REQUIRE(s.status.ok());
    CHECK(HealthCheck(s.server->port()) == 0);
  }
  SECTION("TLS with a self-signed certificate") {
    TempDir certs;
    REQUIRE(Run("openssl req -x509 -newkey ec -pkeyopt "
                "ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
                "/CN=localhost -keyout " +
                certs.path() + "/k.pem -out " + certs.path() + "/c.pem") == 0);
    Server s("tls_server_config:\n  cert_file: " + certs.path() +
             "/c.pem\n  key_file: " + certs.path() + "/k.pem\n");
    REQUIRE(s.status.ok());
    CHECK(HealthCheck(s.server->port()) == 0);
  }
}

TEST_CASE("container health check: unhealthy when nothing serves",
          "[web][healthcheck]") {
  CHECK(HealthCheck(FreePort()) == 1);
}

}  // namespace
}  // namespace flinkha::testing
