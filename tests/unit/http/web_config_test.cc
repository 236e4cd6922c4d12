// Web-config parsing (one case per rule, exact messages), base64, bcrypt via
// crypt_r and the verifier's cache of successful checks.
#include "http/web_config.h"

#include <crypt.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace flinkha {
namespace {

// A bcrypt hash made here with libxcrypt (cost 4: the cheapest, fast tests).
std::string Hash(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt) !=
          nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* h = crypt_r(password.c_str(), salt, data.get());
  REQUIRE(h != nullptr);
  return h;
}

std::string Basic(const std::string& user_password) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < user_password.size(); i += 3) {
    uint32_t v = (uint8_t(user_password[i]) << 16) |
                 (uint8_t(user_password[i + 1]) << 8) |
                 uint8_t(user_password[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  const size_t rest = user_password.size() - i;
  if (rest > 0) {
    uint32_t v = uint8_t(user_password[i]) << 16;
    if (rest == 2) v |= uint8_t(user_password[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return "Basic " + out;
}

const char* kHash =
    "$2y$04$abcdefghijklmnopqrstuuCZ7O2aY9D3zR8ZLc6hFi1mpx9v4Ppey";

TEST_CASE("web config: a full exporter-toolkit file", "[web_config]") {
  const std::string yaml = std::string(R"(# as node_exporter would take it
tls_server_config:
  cert_file: server.crt
  key_file: /etc/keys/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
http_server_config:
  http2: false
  headers:
    Strict-Transport-Security: max-age=31536000
    X-Frame-Options: deny
basic_auth_users:
  prometheus: ')") + kHash +
                           "'\n";
  auto c = ParseWebConfig(yaml, "/etc/flink-ha-exporter/web.yml");
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  REQUIRE(c->tls);
  CHECK(c->tls->cert_file == "/etc/flink-ha-exporter/server.crt");
  CHECK(c->tls->key_file == "/etc/keys/server.key");
  CHECK(c->tls->client_ca_file == "/etc/flink-ha-exporter/ca.crt");
  CHECK(c->tls->client_auth == ClientAuth::kRequireAndVerifyClientCert);
  CHECK(c->tls->min_version == "TLS13");
  CHECK(c->basic_auth_users.at("prometheus") == kHash);
  REQUIRE(c->headers.size() == 2);
  CHECK(c->headers[0].first == "Strict-Transport-Security");
  CHECK(c->headers[1].second == "deny");
}

TEST_CASE("web config: empty file and empty sections mean plain HTTP",
          "[web_config]") {
  for (const char* yaml :
       {"", "# nothing\n", "tls_server_config:\n", "tls_server_config: {}\n",
        "basic_auth_users:\nhttp_server_config:\n"}) {
    INFO(yaml);
    auto c = ParseWebConfig(yaml, "web.yml");
    REQUIRE(c.ok());
    CHECK_FALSE(c->tls);
    CHECK(c->basic_auth_users.empty());
  }
}

TEST_CASE("web config: each rule has its exact message", "[web_config]") {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::string cert = "  cert_file: a.crt\n  key_file: a.key\n";
  const std::vector<Case> cases = {
      {"tls_server_config:\n  cert_file: a\n  key_file: b\n  cerf: x\n",
       "w.yml:4:3: error: unknown key \"cerf\" in tls_server_config"},
      {"tls_config:\n  cert_file: a\n",
       "w.yml:1:1: error: unknown key \"tls_config\" in the web config"},
      {"tls_server_config:\n" + cert + "  cipher_suites: [a]\n",
       "w.yml:4:3: error: \"cipher_suites\" in tls_server_config is not "
       "supported by flink-ha-exporter"},
      {"tls_server_config:\n  key_file: a.key\n",
       "w.yml:2:3: error: tls_server_config: missing cert_file"},
      {"tls_server_config:\n  cert_file: a.crt\n",
       "w.yml:2:3: error: tls_server_config: missing key_file"},
      {"tls_server_config:\n" + cert + "  client_auth_type: Mutual\n",
       "w.yml:4:21: error: client_auth_type: expected NoClientCert, "
       "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or "
       "RequireAndVerifyClientCert, found \"Mutual\""},
      {"tls_server_config:\n" + cert + "  client_ca_file: ca.crt\n",
       "w.yml:4:19: error: client_ca_file: set, but client_auth_type does "
       "not verify client certificates (expected VerifyClientCertIfGiven or "
       "RequireAndVerifyClientCert)"},
      {"tls_server_config:\n" + cert +
           "  client_auth_type: RequireAndVerifyClientCert\n",
       "w.yml:4:21: error: client_auth_type: verifying client certificates "
       "needs client_ca_file, found none"},
      {"tls_server_config:\n" + cert + "  min_version: TLS1.2\n",
       "w.yml:4:16: error: min_version: expected TLS10, TLS11, TLS12 or "
       "TLS13, found \"TLS1.2\""},
      {"tls_server_config:\n" + cert +
           "  min_version: TLS13\n  max_version: TLS12\n",
       "w.yml:4:16: error: min_version: expected at most max_version "
       "(TLS12), found TLS13"},
      {"tls_server_config:\n  cert_file: [a]\n  key_file: b\n",
       "w.yml:2:14: error: cert_file: expected a non-empty string, found a "
       "list"},
      {"tls_server_config: yes\n",
       "w.yml:1:20: error: expected a mapping for tls_server_config, found "
       "\"yes\""},
      {"basic_auth_users:\n  alice: secret\n",
       "w.yml:2:10: error: basic_auth_users.alice: expected a bcrypt hash "
       "($2y$, $2b$ or $2a$, e.g. from htpasswd -nbB), found another string"},
      {"basic_auth_users:\n  alice: '$1$abc$defghijklmnopqrstuvwx'\n",
       "w.yml:2:10: error: basic_auth_users.alice: expected a bcrypt hash "
       "($2y$, $2b$ or $2a$, e.g. from htpasswd -nbB), found another string"},
      {"basic_auth_users:\n  'a:b': '" + std::string(kHash) + "'\n",
       "w.yml:2:3: error: basic_auth_users: expected a user name without "
       "':', found \"a:b\""},
      {"basic_auth_users: [alice]\n",
       "w.yml:1:19: error: expected a mapping of user names to bcrypt hashes "
       "for basic_auth_users, found a list"},
      {"http_server_config:\n  headers:\n    Server: nginx\n",
       "w.yml:3:5: error: unknown key \"Server\" in headers"},
      {"http_server_config:\n  http2: maybe\n",
       "w.yml:2:10: error: http2: expected true or false, found \"maybe\""},
      {"rate_limit:\n  interval: 1s\n",
       "w.yml:1:1: error: \"rate_limit\" in the web config is not supported "
       "by flink-ha-exporter"},
      {"tls_server_config:\n  cert_file: a\n  cert_file: b\n  key_file: c\n",
       "w.yml:3:3: error: duplicate key \"cert_file\" in tls_server_config"},
      {"- a\n- b\n",
       "w.yml:1:1: error: expected a mapping for the web config, found a "
       "list"},
      {"tls_server_config: {cert_file: a\n",
       "w.yml:2:1: error: invalid YAML: end of map flow not found"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto r = ParseWebConfig(c.yaml, "w.yml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == c.message);
  }
}

TEST_CASE("web config: every problem is reported at once, in order",
          "[web_config]") {
  auto r = ParseWebConfig(
      "basic_auth_users:\n  alice: nope\ntls_server_config:\n  cert: x\n",
      "w.yml");
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.error().message;
  CHECK(m.rfind("w.yml:2:10: error: basic_auth_users.alice:", 0) == 0);
  CHECK(m.find("\nw.yml:4:3: error: \"cert\" in tls_server_config is not "
               "supported by flink-ha-exporter") != std::string::npos);
  CHECK(m.find("\nw.yml:4:3: error: tls_server_config: missing cert_file") !=
        std::string::npos);
}

TEST_CASE("web config: one YAML document, as the main config", "[web_config]") {
  auto r = ParseWebConfig(
      "http_server_config:\n  http2: true\n---\n"
      "basic_auth_users: {}\n",
      "w.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "w.yml:3:1: error: expected one YAML document, found another");
}

TEST_CASE("web config: deep nesting is an error and not a stack overflow",
          "[web_config]") {
  auto r = ParseWebConfig("basic_auth_users: " + std::string(100000, '['),
                          "deep.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "deep.yml:1:1: error: invalid YAML: nested too deeply");
}

TEST_CASE("web config: an unreadable file names the file and the reason",
          "[web_config]") {
  auto r = LoadWebConfigFile("/nonexistent/web.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "/nonexistent/web.yml: error: cannot read: No such file or directory");
}

TEST_CASE("base64 decoding", "[web_config]") {
  CHECK(DecodeBase64("YWxpY2U6czNjcmV0") == "alice:s3cret");
  CHECK(DecodeBase64("YTpi") == "a:b");
  CHECK(DecodeBase64("YTo=") == "a:");
  CHECK(DecodeBase64("YTo") == "a:");
  CHECK(DecodeBase64("") == "");
  CHECK_FALSE(DecodeBase64("YT*6"));
  CHECK_FALSE(DecodeBase64("Y"));
  CHECK_FALSE(DecodeBase64("YTo==="));
}

TEST_CASE("basic authorization header: scheme, base64, first colon",
          "[web_config]") {
  auto c = ParseBasicAuthorization("Basic YWxpY2U6czNjcmV0");
  REQUIRE(c);
  CHECK(c->user == "alice");
  CHECK(c->password == "s3cret");
  // The scheme in any case, spaces around the credentials; the password may
  // hold colons.
  c = ParseBasicAuthorization("bAsIc   " + Basic("bob:a:b").substr(6) + "  ");
  REQUIRE(c);
  CHECK(c->user == "bob");
  CHECK(c->password == "a:b");
  c = ParseBasicAuthorization(Basic(":"));
  REQUIRE(c);
  CHECK(c->user.empty());
  CHECK(c->password.empty());
  CHECK_FALSE(ParseBasicAuthorization(""));
  CHECK_FALSE(ParseBasicAuthorization("Basic "));
  CHECK_FALSE(ParseBasicAuthorization("Bearer YWxpY2U6czNjcmV0"));
  CHECK_FALSE(ParseBasicAuthorization("BasicYWxpY2U6czNjcmV0"));
  CHECK_FALSE(ParseBasicAuthorization(Basic("no colon")));
  CHECK_FALSE(ParseBasicAuthorization("Basic YT*6"));
}

TEST_CASE("bcrypt: hashes of each prefix verify, others do not",
          "[web_config]") {
  for (const char* prefix : {"$2b$", "$2y$", "$2a$"}) {
    INFO(prefix);
    const std::string h = Hash("s3cret", prefix);
    CHECK(h.rfind(prefix, 0) == 0);
    CHECK(IsBcryptHash(h));
    CHECK(BcryptMatches("s3cret", h));
    CHECK_FALSE(BcryptMatches("s3cret ", h));
    CHECK_FALSE(BcryptMatches("", h));
  }
  CHECK_FALSE(IsBcryptHash("$2y$03$" + std::string(53, 'a')));  // cost < 4
  CHECK_FALSE(IsBcryptHash("$2x$10$" + std::string(53, 'a')));
  CHECK_FALSE(IsBcryptHash("$2y$10$" + std::string(52, 'a')));
  CHECK_FALSE(IsBcryptHash("$2y$10$" + std::string(52, 'a') + "!"));
  // A non-bcrypt setting is refused before crypt_r could pick another scheme.
  CHECK_FALSE(BcryptMatches("x", "x"));
}

TEST_CASE("basic auth verifier: right and wrong credentials, cached successes",
          "[web_config]") {
  BasicAuthVerifier v({{"alice", Hash("s3cret")}, {"bob", Hash("pw")}});
  CHECK(v.Check(Basic("alice:s3cret")));
  CHECK(v.bcrypt_calls() == 1);
  CHECK(v.Check(Basic("alice:s3cret")));  // from the cache
  CHECK(v.bcrypt_calls() == 1);
  CHECK(v.Check("basic " + Basic("alice:s3cret").substr(6)));  // any case
  CHECK(v.bcrypt_calls() == 1);

  CHECK_FALSE(v.Check(Basic("alice:s3cret2")));
  CHECK_FALSE(v.Check(Basic("alice:s3cret2")));  // failures are not cached
  CHECK(v.bcrypt_calls() == 3);
  CHECK_FALSE(v.Check(Basic("bob:s3cret")));
  CHECK_FALSE(v.Check(Basic("mallory:s3cret")));  // still costs a bcrypt
  CHECK(v.bcrypt_calls() == 5);

  CHECK_FALSE(v.Check(""));
  CHECK_FALSE(v.Check("Bearer abc"));
  CHECK_FALSE(v.Check("Basic !!!"));
  CHECK_FALSE(v.Check(Basic("alice")));  // no colon
  CHECK(v.bcrypt_calls() == 5);
  CHECK(v.Check(Basic("bob:pw")));
}

TEST_CASE("basic auth verifier: cached successes expire", "[web_config]") {
  BasicAuthVerifier v({{"alice", Hash("s3cret")}}, std::chrono::seconds(0));
  CHECK(v.Check(Basic("alice:s3cret")));
  CHECK(v.Check(Basic("alice:s3cret")));
  CHECK(v.bcrypt_calls() == 2);
}

TEST_CASE("web config: the packaged example loads", "[web_config]") {
  const std::string path =
      std::string(FLINKHA_SOURCE_DIR) + "/packaging/deb/web-config.yml.example";
  auto c = LoadWebConfigFile(path);
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  REQUIRE(c->tls);
  CHECK(c->tls->client_auth == ClientAuth::kRequireAndVerifyClientCert);
  CHECK(c->tls->cert_file ==
        std::string(FLINKHA_SOURCE_DIR) + "/packaging/deb/server.crt");
  CHECK(c->basic_auth_users.count("prometheus") == 1);
  CHECK(c->headers.size() == 2);
}

}  // namespace
}  // namespace flinkha
