// Listener security from --web.config.file, in the Prometheus exporter-toolkit
// web-config format (tls_server_config, basic_auth_users, http_server_config),
// so operators reuse the files they already have for other exporters.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/result.h"

namespace flinkha {

// exporter-toolkit's client_auth_type values, named as Go's tls.ClientAuthType.
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,           // asks, accepts any certificate or none
  kRequireAnyClientCert,        // requires one, does not verify it
  kVerifyClientCertIfGiven,     // verifies it when one is sent
  kRequireAndVerifyClientCert,  // mutual TLS
};

struct TlsServerConfig {
  std::string cert_file;  // PEM chain; relative paths are resolved against
  std::string key_file;   // the web config file's directory, as the toolkit
  std::string client_ca_file;  // does
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::string min_version = "TLS12";  // TLS10 | TLS11 | TLS12 | TLS13
  std::string max_version;            // empty: the newest OpenSSL supports
};

struct WebConfig {
  std::optional<TlsServerConfig> tls;  // absent: plain HTTP
  // user -> bcrypt hash ($2y$/$2b$/$2a$); empty: no authentication.
  std::map<std::string, std::string> basic_auth_users;
  // Extra response headers (the toolkit's whitelist), in file order.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses web-config YAML strictly: unknown keys and bad values are errors, all
// reported at once, one per line as "<file>:<line>:<col>: error: <message>".
// Relative file paths are resolved against file_name's directory.
Result<WebConfig> ParseWebConfig(const std::string& yaml_text,
                                 const std::string& file_name);

// Reads and parses a file; an unreadable file is "<file>: error: cannot read:
// <reason>".
Result<WebConfig> LoadWebConfigFile(const std::string& path);

// The user and password of an "Authorization: Basic <base64>" header value.
struct BasicCredentials {
  std::string user;
  std::string password;
};

// nullopt unless the value is the Basic scheme (any case) and valid base64 of
// "user:password" (the first colon separates them). Pure; fuzzed in fuzz/.
std::optional<BasicCredentials> ParseBasicAuthorization(
    const std::string& header);

// Checks "Authorization: Basic ..." headers against bcrypt hashes. bcrypt is
// deliberately slow (tens of milliseconds), so successful verifications are
// cached for a short time, keyed by a SHA-256 of user, password and hash (the
// password itself is never stored). Thread-safe.
class BasicAuthVerifier {
 public:
  explicit BasicAuthVerifier(
      std::map<std::string, std::string> users,
      std::chrono::seconds cache_ttl = std::chrono::seconds(60));

  // True when the header value carries a known user and the right password.
  bool Check(const std::string& authorization_header);

  // Number of bcrypt computations so far (tests observe the cache with it).
  uint64_t bcrypt_calls() const;

 private:
  bool Verify(const std::string& user, const std::string& password);

  const std::map<std::string, std::string> users_;
  const std::chrono::seconds cache_ttl_;
  mutable std::mutex mu_;
  // Credential digest -> expiry.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> cache_;
  uint64_t bcrypt_calls_ = 0;
};

// Decodes standard base64 (RFC 4648, padding optional); nullopt when invalid.
std::optional<std::string> DecodeBase64(const std::string& text);

// True when hash is a bcrypt hash crypt(3) understands: $2a$/$2b$/$2y$, a
// two-digit cost and 53 characters of salt and digest.
bool IsBcryptHash(const std::string& hash);

// crypt_r(3) of password with the hash as setting, compared in constant time.
bool BcryptMatches(const std::string& password, const std::string& hash);

}  // namespace flinkha
