// Listener TLS from --web.config.file: real TLS clients (httplib's SSLClient,
// the curl and openssl CLIs) against certificates the openssl CLI makes at
// test time.
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

// Runs a shell command; returns its exit status and stdout+stderr.
int Run(const std::string& command, std::string* output = nullptr) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (output) *output = out;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// A CA with a server certificate (localhost, 127.0.0.1) and a client
// certificate, plus an unrelated CA with a client certificate of its own.
class Pki {
 public:
  Pki() {
    MakeCa("ca");
    MakeCa("other-ca");
    MakeLeaf("server", "ca",
             "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
             "extendedKeyUsage=serverAuth\n");
    MakeLeaf("client", "ca", "extendedKeyUsage=clientAuth\n");
    MakeLeaf("stranger", "other-ca", "extendedKeyUsage=clientAuth\n");
  }
  std::string Path(const std::string& name) const {
    return dir_.path() + "/" + name;
  }
  const std::string& dir() const { return dir_.path(); }

 private:
  void MakeCa(const std::string& name) {
    Must(
        "openssl req -x509 -newkey ec -pkeyopt "
        "ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" +
        name + " -addext basicConstraints=critical,CA:TRUE " +
        "-addext keyUsage=critical,keyCertSign,cRLSign -keyout " +
        Path(name + ".key") + " -out " + Path(name + ".crt"));
  }
  void MakeLeaf(const std::string& name, const std::string& ca,
                const std::string& extensions) {
    WriteFile(Path(name + ".ext"), extensions);
    Must(
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -subj /CN=" +
        name + " -keyout " + Path(name + ".key") + " -out " +
        Path(name + ".csr"));
    Must("openssl x509 -req -days 2 -in " + Path(name + ".csr") + " -CA " +
         Path(ca + ".crt") + " -CAkey " + Path(ca + ".key") +
         " -CAcreateserial -extfile " + Path(name + ".ext") + " -out " +
         Path(name + ".crt"));
  }
  static void Must(const std::string& command) {
    std::string out;
    const int rc = Run(command, &out);
    INFO(command << "\n" << out);
    REQUIRE(rc == 0);
  }

  TempDir dir_;
};

// The exporter's HTTP server on a free loopback port with a web config file.
struct Server {
  Server(const Pki& pki, const std::string& web_config)
      : path(pki.Path("web.yml")) {
    WriteFile(path, web_config);
    server = std::make_unique<HttpServer>(
        &store, ServerOptions{"127.0.0.1:0", "/metrics", path, nullptr, {}});
    status = server->Start();
  }
  StateStore store{std::chrono::system_clock::now()};
  std::string path;
  std::unique_ptr<HttpServer> server;
  Status status = Ok{};
};

std::string TlsConfig(const Pki& pki, const std::string& extra = "") {
  return "tls_server_config:\n  cert_file: " + pki.Path("server.crt") +
         "\n  key_file: " + pki.Path("server.key") + "\n" + extra;
}

// curl's HTTP status ("000" when the connection or handshake failed).
std::string Curl(const std::string& args, int port, const std::string& path,
                 int* exit_code = nullptr) {
  std::string out;
  int rc =
      Run("curl -sS --noproxy '*' --max-time 10 -o /dev/null -w "
          "'%{http_code}' " +
              args + " https://127.0.0.1:" + std::to_string(port) + path,
          &out);
  if (exit_code) *exit_code = rc;
  // The status is the last three characters; curl's errors come before.
  return out.size() >= 3 ? out.substr(out.size() - 3) : out;
}

std::unique_ptr<httplib::SSLClient> Client(const Pki& pki, int port,
                                           const std::string& ca,
                                           const std::string& cert = "") {
  auto c = cert.empty()
               ? std::make_unique<httplib::SSLClient>("localhost", port)
               : std::make_unique<httplib::SSLClient>("localhost", port,
                                                      pki.Path(cert + ".crt"),
                                                      pki.Path(cert + ".key"));
  c->set_ca_cert_path(pki.Path(ca + ".crt"));
  c->enable_server_certificate_verification(true);
  c->set_connection_timeout(std::chrono::seconds(5));
  c->set_read_timeout(std::chrono::seconds(5));
  return c;
}

TEST_CASE("web TLS: a client trusting the CA gets every endpoint over HTTPS",
          "[web][tls]") {
  Pki pki;
  Server s(pki, TlsConfig(pki));
  REQUIRE(s.status.ok());
  CHECK(s.server->tls());
  auto c = Client(pki, s.server->port(), "ca");
  auto health = c->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "OK\n");
  auto metrics = c->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("flinkha_build_info") != std::string::npos);

  // The curl CLI (its own TLS stack setup) agrees.
  CHECK(Curl("--cacert " + pki.Path("ca.crt"), s.server->port(), "/healthz") ==
        "200");
  // Plain HTTP to the TLS port gets no HTTP answer.
  CHECK(HttpGet("127.0.0.1", s.server->port(), "/healthz",
                std::chrono::seconds(3))
            .status == 0);
}

TEST_CASE("web TLS: a client trusting another CA refuses the server",
          "[web][tls]") {
  Pki pki;
  Server s(pki, TlsConfig(pki));
  REQUIRE(s.status.ok());
  auto c = Client(pki, s.server->port(), "other-ca");
  auto res = c->Get("/healthz");
  CHECK_FALSE(res);
  CHECK(res.error() == httplib::Error::SSLServerVerification);
  int rc = 0;
  CHECK(Curl("--cacert " + pki.Path("other-ca.crt"), s.server->port(),
             "/healthz", &rc) == "000");
  CHECK(rc == 60);  // curl: peer certificate cannot be authenticated
}

TEST_CASE("web TLS: mutual TLS requires a client certificate from the CA",
          "[web][tls]") {
  Pki pki;
  Server s(pki, TlsConfig(pki,
                          "  client_auth_type: RequireAndVerifyClientCert\n"
                          "  client_ca_file: " +
                              pki.Path("ca.crt") + "\n"));
  REQUIRE(s.status.ok());
  const int port = s.server->port();

  auto without = Client(pki, port, "ca")->Get("/healthz");
  CHECK_FALSE(without);
  auto stranger = Client(pki, port, "ca", "stranger")->Get("/healthz");
  CHECK_FALSE(stranger);
  auto with = Client(pki, port, "ca", "client")->Get("/healthz");
  REQUIRE(with);
  CHECK(with->status == 200);

  const std::string ca = "--cacert " + pki.Path("ca.crt");
  CHECK(Curl(ca, port, "/healthz") == "000");
  CHECK(Curl(ca + " --cert " + pki.Path("stranger.crt") + " --key " +
                 pki.Path("stranger.key"),
             port, "/healthz") == "000");
  CHECK(Curl(ca + " --cert " + pki.Path("client.crt") + " --key " +
                 pki.Path("client.key"),
             port, "/metrics") == "200");
}

TEST_CASE("web TLS: min_version TLS13 refuses a TLS 1.2 handshake",
          "[web][tls]") {
  Pki pki;
  Server s(pki, TlsConfig(pki, "  min_version: TLS13\n"));
  REQUIRE(s.status.ok());
  const std::string connect = "openssl s_client -connect 127.0.0.1:" +
                              std::to_string(s.server->port()) + " -CAfile " +
                              pki.Path("ca.crt") +
                              " -verify_return_error </dev/null";
  std::string out;
  CHECK(Run(connect + " -tls1_2", &out) != 0);
  INFO(out);
  CHECK(Run(connect + " -tls1_3", &out) == 0);
  CHECK(out.find("TLSv1.3") != std::string::npos);
}

TEST_CASE("web TLS: unusable certificate files are start-up errors",
          "[web][tls]") {
  Pki pki;
  SECTION("missing cert_file") {
    Server s(pki, "tls_server_config:\n  cert_file: " + pki.Path("nope.crt") +
                      "\n  key_file: " + pki.Path("server.key") + "\n");
    REQUIRE_FALSE(s.status.ok());
    CHECK(s.status.error().message.rfind(
              s.path + ": tls_server_config: cannot load cert_file " +
                  pki.Path("nope.crt") + ": ",
              0) == 0);
  }
  SECTION("key of another certificate") {
    Server s(pki, "tls_server_config:\n  cert_file: " + pki.Path("server.crt") +
                      "\n  key_file: " + pki.Path("client.key") + "\n");
    REQUIRE_FALSE(s.status.ok());
    INFO(s.status.error().message);
    CHECK(s.status.error().message.find("cannot load key_file " +
                                        pki.Path("client.key") + ": ") !=
          std::string::npos);
    CHECK(s.status.error().message.find("key values mismatch") !=
          std::string::npos);
  }
  SECTION("relative paths resolve against the web config's directory") {
    Server s(pki,
             "tls_server_config:\n  cert_file: server.crt\n"
             "  key_file: server.key\n");
    REQUIRE(s.status.ok());
    auto res = Client(pki, s.server->port(), "ca")->Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}

TEST_CASE("web TLS: basic auth over TLS, checked by curl", "[web][tls][auth]") {
  Pki pki;
  std::string line;
  REQUIRE(Run("htpasswd -nbB -C 5 prometheus 'scrape me'", &line) == 0);
  const std::string hash = line.substr(line.find(':') + 1, 60);
  Server s(pki, TlsConfig(pki) + "basic_auth_users:\n  prometheus: '" + hash +
                    "'\n");
  REQUIRE(s.status.ok());
  const std::string ca = "--cacert " + pki.Path("ca.crt");
  CHECK(Curl(ca + " -u 'prometheus:scrape me'", s.server->port(), "/metrics") ==
        "200");
  CHECK(Curl(ca + " -u 'prometheus:scrape you'", s.server->port(),
             "/metrics") == "401");
  CHECK(Curl(ca, s.server->port(), "/metrics") == "401");
}

}  // namespace
}  // namespace flinkha::testing
