// Strict web-config parsing (positioned errors, all at once) and bcrypt basic
// auth through libcrypt's crypt_r, with a short cache of successes.
#include "http/web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string_view>

#include "config/quote.h"
#include "config/strict_yaml.h"
#include "config/yaml_problems.h"

namespace flinkha {
namespace {

// Keys of the exporter-toolkit format this server does not implement: named
// as unsupported rather than unknown, so the operator knows why.
const std::vector<std::string_view> kUnsupported = {
    "rate_limit",
    "cert",
    "key",
    "client_ca",
    "cipher_suites",
    "curve_preferences",
    "client_allowed_sans",
    "prefer_server_cipher_suites"};

// The toolkit's whitelist of configurable response headers.
const std::vector<std::string_view> kAllowedHeaders = {
    "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
    "X-XSS-Protection", "Content-Security-Policy"};

const std::vector<std::pair<std::string, ClientAuth>> kClientAuthNames = {
    {"NoClientCert", ClientAuth::kNoClientCert},
    {"RequestClientCert", ClientAuth::kRequestClientCert},
    {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
    {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert}};

const std::vector<std::string> kTlsVersions = {"TLS10", "TLS11", "TLS12",
                                               "TLS13"};

class Parser {
 public:
  Parser(std::string base_dir, YamlProblems* problems)
      : base_dir_(std::move(base_dir)), problems_(problems) {}

  void Top(const YAML::Node& root, WebConfig* out) {
    if (root.IsNull()) return;  // an empty file: plain HTTP, no auth
    Mapping(root, "the web config",
            {"tls_server_config", "basic_auth_users", "http_server_config"},
            [&](const std::string& key, const YAML::Node& value) {
              if (value.IsNull()) return;  // "key:" alone means "not set"
              if (key == "tls_server_config") Tls(value, out);
              if (key == "basic_auth_users") Users(value, out);
              if (key == "http_server_config") HttpServer(value, out);
            });
  }

 private:
  using FieldFn = std::function<void(const std::string&, const YAML::Node&)>;

  // Walks a mapping: reports non-mappings, non-string, duplicate, unknown and
  // unsupported keys, and calls fn for each accepted one.
  void Mapping(const YAML::Node& node, const std::string& what,
               std::vector<std::string_view> known, const FieldFn& fn) {
    if (!node.IsMap()) {
      problems_->Add(node.Mark(), "expected a mapping for " + what +
                                      ", found " + DescribeYamlNode(node));
      return;
    }
    for (const YamlField& f :
         CheckYamlKeys(node, what,
                       {std::move(known), kUnsupported, /*suggest=*/false,
                        /*first_line=*/false},
                       problems_))
      fn(f.name, f.value);
  }

  std::optional<std::string> String(const YAML::Node& v,
                                    const std::string& name) {
    if (!v.IsScalar() || v.Scalar().empty()) {
      problems_->Add(v.Mark(), name + ": expected a non-empty string, found " +
                                   DescribeYamlNode(v));
      return std::nullopt;
    }
    return v.Scalar();
  }

  std::string Path(const std::string& p) const {
    if (p.empty() || p.front() == '/' || base_dir_.empty()) return p;
    return (std::filesystem::path(base_dir_) / p).string();
  }

  void Tls(const YAML::Node& node, WebConfig* out) {
    // An empty mapping disables TLS, as in the exporter-toolkit.
    if (node.IsMap() && node.size() == 0) return;
    TlsServerConfig tls;
    YAML::Mark cert_mark, ca_mark, auth_mark, min_mark;
    bool client_auth_set = false;
    Mapping(node, "tls_server_config",
            {"cert_file", "key_file", "client_auth_type", "client_ca_file",
             "min_version", "max_version"},
            [&](const std::string& key, const YAML::Node& v) {
              auto s = String(v, key);
              if (!s) return;
              if (key == "cert_file") tls.cert_file = Path(*s);
              if (key == "key_file") tls.key_file = Path(*s);
              if (key == "client_ca_file") {
                tls.client_ca_file = Path(*s);
                ca_mark = v.Mark();
              }
              if (key == "client_auth_type") {
                auth_mark = v.Mark();
                auto it = std::find_if(
                    kClientAuthNames.begin(), kClientAuthNames.end(),
                    [&](const auto& p) { return p.first == *s; });
                if (it == kClientAuthNames.end()) {
                  problems_->Add(v.Mark(),
                                 key +
                                     ": expected NoClientCert, "
                                     "RequestClientCert, RequireAnyClientCert, "
                                     "VerifyClientCertIfGiven or "
                                     "RequireAndVerifyClientCert, found " +
                                     QuoteValue(*s));
                  return;
                }
                tls.client_auth = it->second;
                client_auth_set = true;
              }
              if (key == "min_version" || key == "max_version") {
                if (std::find(kTlsVersions.begin(), kTlsVersions.end(), *s) ==
                    kTlsVersions.end()) {
                  problems_->Add(v.Mark(), key +
                                               ": expected TLS10, TLS11, "
                                               "TLS12 or TLS13, found " +
                                               QuoteValue(*s));
                  return;
                }
                (key == "min_version" ? tls.min_version : tls.max_version) = *s;
                if (key == "min_version") min_mark = v.Mark();
              }
            });
    if (!node.IsMap()) return;
    if (tls.cert_file.empty() && !node["cert_file"]) {
      problems_->Add(node.Mark(), "tls_server_config: missing cert_file");
    }
    if (tls.key_file.empty() && !node["key_file"]) {
      problems_->Add(node.Mark(), "tls_server_config: missing key_file");
    }
    const bool verifies =
        tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
        tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
    if (!tls.client_ca_file.empty() && !verifies) {
      problems_->Add(ca_mark,
                     "client_ca_file: set, but client_auth_type does not "
                     "verify client certificates (expected "
                     "VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
    }
    if (verifies && client_auth_set && tls.client_ca_file.empty() &&
        !node["client_ca_file"]) {
      problems_->Add(auth_mark,
                     "client_auth_type: verifying client certificates needs "
                     "client_ca_file, found none");
    }
    if (!tls.max_version.empty() && tls.max_version < tls.min_version) {
      problems_->Add(min_mark.is_null() ? node.Mark() : min_mark,
                     "min_version: expected at most max_version (" +
                         tls.max_version + "), found " + tls.min_version);
    }
    out->tls = std::move(tls);
  }

  void Users(const YAML::Node& node, WebConfig* out) {
    if (!node.IsMap()) {
      problems_->Add(node.Mark(),
                     "expected a mapping of user names to bcrypt hashes for "
                     "basic_auth_users, found " +
                         DescribeYamlNode(node));
      return;
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const YAML::Node& k = kv.first;
      if (!k.IsScalar() || k.Scalar().empty()) {
        problems_->Add(k.Mark(),
                       "expected a user name in basic_auth_users, "
                       "found " +
                           DescribeYamlNode(k));
        continue;
      }
      const std::string user = k.Scalar();
      if (user.find(':') != std::string::npos) {
        // Basic auth splits "user:password" at the first colon.
        problems_->Add(k.Mark(),
                       "basic_auth_users: expected a user name "
                       "without ':', found " +
                           QuoteValue(user));
        continue;
      }
      if (!seen.insert(user).second) {
        problems_->Add(k.Mark(), "duplicate user " + QuoteValue(user) +
                                     " in basic_auth_users");
        continue;
      }
      const YAML::Node& v = kv.second;
      if (!v.IsScalar() || !IsBcryptHash(v.Scalar())) {
        // The value is a secret's hash: say what it is not, never echo it.
        problems_->Add(v.Mark(), "basic_auth_users." + user +
                                     ": expected a bcrypt hash ($2y$, $2b$ "
                                     "or $2a$, e.g. from htpasswd -nbB), "
                                     "found " +
                                     (v.IsScalar() ? std::string("another "
                                                                 "string")
                                                   : DescribeYamlNode(v)));
        continue;
      }
      out->basic_auth_users[user] = v.Scalar();
    }
  }

  void HttpServer(const YAML::Node& node, WebConfig* out) {
    Mapping(node, "http_server_config", {"headers", "http2"},
            [&](const std::string& key, const YAML::Node& v) {
              if (key == "http2") {
                // Accepted so that toolkit files load; this server speaks
                // HTTP/1.1 only, whatever the value.
                bool b = false;
                if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
                  problems_->Add(v.Mark(),
                                 "http2: expected true or false, "
                                 "found " +
                                     DescribeYamlNode(v));
                }
                return;
              }
              if (v.IsNull()) return;
              Headers(v, out);
            });
  }

  void Headers(const YAML::Node& node, WebConfig* out) {
    Mapping(node, "headers", kAllowedHeaders,
            [&](const std::string& key, const YAML::Node& v) {
              auto s = String(v, "headers." + key);
              if (!s) return;
              out->headers.emplace_back(key, *s);
            });
  }

  std::string base_dir_;
  YamlProblems* problems_;
};

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// A valid bcrypt hash of a random password, checked against for unknown users
// so that a wrong user name costs as much time as a wrong password.
constexpr const char* kDummyHash =
    "$2y$10$P1PVtihpGkPAW27TzZpHFOpnIvN/xqLYBlNUa6/7ccrm4S/u8gOmS";

}  // namespace

Result<WebConfig> ParseWebConfig(const std::string& yaml_text,
                                 const std::string& file_name) {
  YamlProblems problems;
  WebConfig out;
  Parser parser(std::filesystem::path(file_name).parent_path().string(),
                &problems);
  ParseStrictYaml(yaml_text, &problems,
                  [&](const YAML::Node& root) { parser.Top(root, &out); });
  if (!problems.empty()) return Error{problems.Format(file_name)};
  return out;
}

Result<WebConfig> LoadWebConfigFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return Error{path + ": error: cannot read: " + std::strerror(errno)};
  }
  std::ostringstream text;
  text << f.rdbuf();
  return ParseWebConfig(text.str(), path);
}

std::optional<std::string> DecodeBase64(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string s = text;
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (text.size() - s.size() > 2 || s.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

bool IsBcryptHash(const std::string& hash) {
  if (hash.size() != 60) return false;
  if (hash.compare(0, 4, "$2a$") != 0 && hash.compare(0, 4, "$2b$") != 0 &&
      hash.compare(0, 4, "$2y$") != 0) {
    return false;
  }
  if (!isdigit(static_cast<unsigned char>(hash[4])) ||
      !isdigit(static_cast<unsigned char>(hash[5])) || hash[6] != '$') {
    return false;
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
  });
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  if (!IsBcryptHash(hash)) return false;
  // crypt_data is tens of kilobytes: keep it off the handler thread's stack.
  auto data = std::make_unique<crypt_data>();
  const char* result = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (result == nullptr || result[0] == '*') return false;  // failure tokens
  const size_t len = std::strlen(result);
  return len == hash.size() && CRYPTO_memcmp(result, hash.data(), len) == 0;
}

BasicAuthVerifier::BasicAuthVerifier(std::map<std::string, std::string> users,
                                     std::chrono::seconds cache_ttl)
    : users_(std::move(users)), cache_ttl_(cache_ttl) {}

std::optional<BasicCredentials> ParseBasicAuthorization(
    const std::string& header) {
  static const std::string kScheme = "Basic ";
  if (header.size() <= kScheme.size() ||
      strncasecmp(header.c_str(), kScheme.c_str(), kScheme.size()) != 0) {
    return std::nullopt;
  }
  std::string encoded = header.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.erase(0, 1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.pop_back();
  auto decoded = DecodeBase64(encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon),
                          decoded->substr(colon + 1)};
}

bool BasicAuthVerifier::Check(const std::string& authorization_header) {
  auto credentials = ParseBasicAuthorization(authorization_header);
  return credentials && Verify(credentials->user, credentials->password);
}

bool BasicAuthVerifier::Verify(const std::string& user,
                               const std::string& password) {
  auto it = users_.find(user);
  const bool known = it != users_.end();
  const std::string& hash = known ? it->second : std::string(kDummyHash);
  // The key covers the hash too, so a cached success never outlives the hash
  // it was checked against.
  const std::string key = Sha256Hex(user + '\0' + password + '\0' + hash);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto c = cache_.find(key);
    if (c != cache_.end()) {
      if (c->second > now) return true;
      cache_.erase(c);
    }
    ++bcrypt_calls_;
  }
  // Unknown users still pay for one bcrypt, so timing does not reveal names.
  const bool ok = BcryptMatches(password, hash) && known;
  if (!ok) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= 1024) {
    // Bounded: drop expired entries, and everything if that is not enough.
    std::erase_if(cache_, [&](const auto& e) { return e.second <= now; });
    if (cache_.size() >= 1024) cache_.clear();
  }
  cache_[key] = now + cache_ttl_;
  return true;
}

uint64_t BasicAuthVerifier::bcrypt_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bcrypt_calls_;
}

}  // namespace flinkha
