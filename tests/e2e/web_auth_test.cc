// Basic auth and response headers from --web.config.file over plain HTTP, with
// bcrypt hashes made at test time by htpasswd (apache2-utils), an
// implementation independent of ours.
#include <httplib.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "http/server.h"
#include "model/store.h"
#include "support/process.h"

namespace flinkha::testing {
namespace {

// "user:hash" from htpasswd -nbB; the hash only.
std::string Htpasswd(const std::string& user, const std::string& password) {
  std::string out;
  FILE* p = popen(
      ("htpasswd -nbB -C 5 '" + user + "' '" + password + "'").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  auto colon = out.find(':');
  REQUIRE(colon != std::string::npos);
  return out.substr(colon + 1, 60);
}

struct Server {
  explicit Server(const std::string& web_config) {
    WriteFile(dir.path() + "/web.yml", web_config);
    server = std::make_unique<HttpServer>(
        &store, ServerOptions{"127.0.0.1:0",
                              "/metrics",
                              dir.path() + "/web.yml",
                              [] { return Status(Ok{}); },
                              {}});
    status = server->Start();
  }
  TempDir dir;
  StateStore store{std::chrono::system_clock::now()};
  std::unique_ptr<HttpServer> server;
  Status status = Ok{};
};

httplib::Result Get(int port, const std::string& path,
                    const std::string& user = "",
                    const std::string& password = "") {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(5));
  if (!user.empty()) c.set_basic_auth(user, password);
  return c.Get(path);
}

TEST_CASE("web auth: every path needs the password when users are set",
          "[web][auth]") {
  Server s("basic_auth_users:\n  alice: '" + Htpasswd("alice", "s3cret") +
           "'\n  bob: '" + Htpasswd("bob", "hunter2") + "'\n");
  REQUIRE(s.status.ok());
  const int port = s.server->port();

  // Like the exporter-toolkit, health and readiness are not exempt.
  for (const char* path : {"/metrics", "/healthz", "/-/healthy", "/ready", "/",
                           "/api/v1/status"}) {
    INFO(path);
    auto res = Get(port, path);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(res->get_header_value("WWW-Authenticate").rfind("Basic ", 0) == 0);
    CHECK(res->body.find("flinkha_") == std::string::npos);
  }
  httplib::Client c("127.0.0.1", port);
  auto reload = c.Post("/-/reload", "", "text/plain");
  REQUIRE(reload);
  CHECK(reload->status == 401);

  auto alice = Get(port, "/metrics", "alice", "s3cret");
  REQUIRE(alice);
  CHECK(alice->status == 200);
  CHECK(alice->body.find("flinkha_build_info") != std::string::npos);
  struct Case {
    const char* path;
    const char* user;
    const char* password;
    int status;
  };
  for (const Case& t :
       {Case{"/healthz", "bob", "hunter2", 200},
        Case{"/metrics", "alice", "s3cret!", 401},      // wrong password
        Case{"/metrics", "bob", "s3cret", 401},         // alice's
        Case{"/metrics", "mallory", "s3cret", 401}}) {  // no such user
    INFO(t.user << ":" << t.password << " " << t.path);
    auto res = Get(port, t.path, t.user, t.password);
    REQUIRE(res);
    CHECK(res->status == t.status);
  }
}

// Only the first colon separates the user from the password.
TEST_CASE("web auth: a password containing a colon and spaces", "[web][auth]") {
  Server s("basic_auth_users:\n  carol: '" + Htpasswd("carol", "a:b c") +
           "'\n");
  REQUIRE(s.status.ok());
  auto ok = Get(s.server->port(), "/healthz", "carol", "a:b c");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto bad = Get(s.server->port(), "/healthz", "carol", "a:b");
  REQUIRE(bad);
  CHECK(bad->status == 401);
}

TEST_CASE("web auth: configured headers are on every response, 401s too",
          "[web][headers]") {
  Server s("basic_auth_users:\n  alice: '" + Htpasswd("alice", "s3cret") +
           "'\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"
           "    X-Content-Type-Options: nosniff\n");
  REQUIRE(s.status.ok());
  auto denied = Get(s.server->port(), "/");
  REQUIRE(denied);
  CHECK(denied->status == 401);
  CHECK(denied->get_header_value("X-Frame-Options") == "deny");
  auto ok = Get(s.server->port(), "/", "alice", "s3cret");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->get_header_value("X-Frame-Options") == "deny");
  CHECK(ok->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("web auth: no web config file means no authentication",
          "[web][auth]") {
  StateStore store{std::chrono::system_clock::now()};
  HttpServer server(&store,
                    ServerOptions{"127.0.0.1:0", "/metrics", "", nullptr, {}});
  REQUIRE(server.Start().ok());
  CHECK_FALSE(server.tls());
  auto res = Get(server.port(), "/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("web auth: a bad web config file is a start-up error with a position",
          "[web][auth]") {
  Server s("basic_auth_users:\n  alice: plaintext\n");
  REQUIRE_FALSE(s.status.ok());
  CHECK(s.status.error().message ==
        s.dir.path() +
            "/web.yml:2:10: error: basic_auth_users.alice: expected a bcrypt "
            "hash ($2y$, $2b$ or $2a$, e.g. from htpasswd -nbB), found another "
            "string");
}

}  // namespace
}  // namespace flinkha::testing
