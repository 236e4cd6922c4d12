// Strict YAML configuration loader: walks the document against the schema and
// collects every problem with its position, instead of stopping at the first,
// so one run shows them all.
#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/address.h"
#include "config/byte_size.h"
#include "config/duration.h"
#include "config/quote.h"
#include "config/strict_yaml.h"
#include "config/yaml_problems.h"

namespace flinkha {
namespace {

// Validation limits; the defaults themselves live in config.h.
// Poll, rescan and health intervals and the ZooKeeper session timeout.
constexpr Duration kMinInterval{1000};
constexpr Duration kMinRequestTimeout{1};

std::string Line(const YAML::Node& node) {
  return std::to_string(node.Mark().line + 1);
}

using Field = YamlField;

// A mapping checked against its known keys: unknown, duplicate and non-string
// keys are reported on construction; values are then looked up by key.
class Mapping {
 public:
  // what: the noun used in messages ("cluster"); node must be a mapping.
  Mapping(const YAML::Node& node, std::string what,
          std::vector<std::string_view> known, YamlProblems* problems)
      : node_(node), what_(std::move(what)), problems_(problems) {
    for (Field& f : CheckYamlKeys(node, what_,
                                  {std::move(known),
                                   {},
                                   /*suggest=*/true,
                                   /*first_line=*/true},
                                  problems)) {
      fields_.emplace(f.name, std::move(f));
    }
  }

  const Field* Get(std::string_view key) const {
    auto it = fields_.find(std::string(key));
    return it == fields_.end() ? nullptr : &it->second;
  }

  // Like Get, reporting a missing key at the mapping's own position.
  const Field* Require(std::string_view key) const {
    const Field* f = Get(key);
    if (f == nullptr) Missing(key, "");
    return f;
  }

  void Missing(std::string_view key, const std::string& why) const {
    problems_->Add(node_.Mark(),
                   what_ + " is missing required key " + QuoteValue(key) + why);
  }

 private:
  YAML::Node node_;
  std::string what_;
  YamlProblems* problems_;
  std::map<std::string, Field, std::less<>> fields_;
};

// Typed readers: each returns the value, or reports "<key>: expected ..., found
// ..." and returns nothing.
class Reader {
 public:
  explicit Reader(YamlProblems* problems) : problems_(problems) {}

  void Report(const Field& f, const std::string& expected,
              const std::string& found) const {
    problems_->Add(f.mark(),
                   f.name + ": expected " + expected + ", found " + found);
  }
  void Report(const Field& f, const std::string& expected) const {
    Report(f, expected, DescribeYamlNode(f.value));
  }

  std::optional<std::string> String(const Field& f) const {
    if (f.value.IsScalar()) return f.value.Scalar();
    Report(f, "a string");
    return std::nullopt;
  }

  std::optional<std::string> NonEmptyString(const Field& f) const {
    auto s = String(f);
    if (s && s->empty()) {
      Report(f, "a non-empty string");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> Bool(const Field& f) const {
    if (f.value.IsScalar()) {
      const std::string& s = f.value.Scalar();
      // YAML 1.2 booleans only: yes/no/on/off are YAML 1.1 and read differently
      // by other tools.
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    Report(f, "true or false");
    return std::nullopt;
  }

  std::optional<int> NonNegativeInt(const Field& f) const {
    std::optional<int> v;
    if (f.value.IsScalar() && !f.value.Scalar().empty()) {
      int64_t n = 0;
      for (char c : f.value.Scalar()) {
        if (c < '0' || c > '9' || n > INT_MAX) {
          n = -1;
          break;
        }
        n = n * 10 + (c - '0');
      }
      if (n >= 0 && n <= INT_MAX) v = static_cast<int>(n);
    }
    if (!v) Report(f, "an integer >= 0");
    return v;
  }

  std::optional<Duration> DurationAtLeast(const Field& f, Duration min) const {
    std::optional<Duration> d;
    if (f.value.IsScalar()) {
      if (auto parsed = ParseDuration(f.value.Scalar()); parsed.ok())
        d = *parsed;
    }
    if (!d) {
      Report(f, "a duration such as 5s");
    } else if (*d < min) {
      Report(f, "at least " + FormatDuration(min));
      d.reset();
    }
    return d;
  }

  // A mapping value, or nothing after reporting what was found instead.
  bool IsMapping(const Field& f) const {
    if (f.value.IsMap()) return true;
    Report(f, "a mapping");
    return false;
  }

  // A list value, optionally non-empty ("at least one <noun>").
  bool IsList(const Field& f, const std::string& noun_if_required) const {
    if (!f.value.IsSequence()) {
      Report(f, "a list");
      return false;
    }
    if (!noun_if_required.empty() && f.value.size() == 0) {
      Report(f, "at least one " + noun_if_required);
      return false;
    }
    return true;
  }

  // A list element that must be a mapping.
  bool IsMappingItem(const Field& list, const YAML::Node& item,
                     const std::string& noun) const {
    if (item.IsMap()) return true;
    problems_->Add(item.IsNull() ? list.key.Mark() : item.Mark(),
                   list.name + ": expected a mapping for each " + noun +
                       ", found " + DescribeYamlNode(item));
    return false;
  }

  YamlProblems* problems() const { return problems_; }

 private:
  YamlProblems* problems_;
};

// Names that must be unique within a scope; reports a repeat at its position.
class UniqueNames {
 public:
  explicit UniqueNames(std::string noun) : noun_(std::move(noun)) {}

  void Check(const Field& f, const std::string& value, YamlProblems* problems) {
    auto [it, inserted] = first_.try_emplace(value, f.value);
    if (!inserted) {
      problems->Add(f.mark(),
                    f.name + ": duplicate " + noun_ + " " + QuoteValue(value) +
                        " (first defined at line " + Line(it->second) + ")");
    }
  }

 private:
  std::string noun_;
  std::map<std::string, YAML::Node> first_;
};

void ReadZooKeeperPath(const Reader& r, const Field& f, std::string* out) {
  auto s = r.String(f);
  if (!s) return;
  if (s->empty() || s->front() != '/') {
    r.Report(f, "a path starting with /");
  } else if (s->back() == '/' || s->find("//") != std::string::npos) {
    r.Report(f, "a path without empty segments or a trailing /");
  } else {
    *out = *s;
  }
}

// A scalar that parse turns into an enumerator, or a report naming the choices.
// out is a T or an optional<T> (set when the field is).
template <typename T, typename Out>
void ReadEnum(const Reader& r, const Field& f,
              std::optional<T> (*parse)(std::string_view),
              const std::string& names, Out* out) {
  auto v = f.value.IsScalar() ? parse(f.value.Scalar()) : std::nullopt;
  if (v) {
    *out = *v;
  } else {
    r.Report(f, names);
  }
}

void ParseLog(const Reader& r, const Field& field, Config* config) {
  if (!r.IsMapping(field)) return;
  Mapping m(field.value, "log", {"level", "format"}, r.problems());
  if (auto* f = m.Get("level"))
    ReadEnum(r, *f, &ParseLogLevel, LogLevelNames(), &config->log_level);
  if (auto* f = m.Get("format"))
    ReadEnum(r, *f, &ParseLogFormat, LogFormatNames(), &config->log_format);
}

void ParseJobManagers(const Reader& r, const Field& field,
                      ClusterConfig* cluster) {
  if (!r.IsList(field, "jobmanager")) return;
  UniqueNames names("jobmanager name");
  UniqueNames advertised("advertised address");
  for (const YAML::Node& item : field.value) {
    if (!r.IsMappingItem(field, item, "jobmanager")) continue;
    Mapping m(item, "jobmanager", {"name", "url", "advertised"}, r.problems());
    JobManagerConfig jm;
    if (auto* f = m.Require("name")) {
      if (auto v = r.NonEmptyString(*f)) {
        names.Check(*f, *v, r.problems());
        jm.name = *v;
      }
    }
    if (auto* f = m.Require("url")) {
      if (auto v = r.String(*f)) {
        auto url = NormalizeHttpUrl(*v);
        if (url.ok()) {
          jm.url = *url;
        } else {
          r.problems()->Add(f->mark(), f->name + ": " + url.error().message);
        }
      }
    }
    if (auto* f = m.Require("advertised")) {
      if (auto v = r.String(*f)) {
        auto hp = ParseHostPort(*v);
        if (hp.ok()) {
          advertised.Check(*f, *v, r.problems());
          jm.advertised = *v;
        } else {
          r.problems()->Add(f->mark(), f->name + ": " + hp.error().message);
        }
      }
    }
    cluster->jobmanagers.push_back(std::move(jm));
  }
}

void ParseZooKeeper(const Reader& r, const Field& field,
                    ClusterConfig* cluster) {
  if (!r.IsMapping(field)) return;
  Mapping m(field.value, "zookeeper",
            {"quorum", "root", "cluster_id", "layout", "session_timeout",
             "chroot", "auth_digest", "four_letter_words", "health_interval"},
            r.problems());
  ZooKeeperConfig zk;
  if (auto* f = m.Require("quorum")) {
    if (auto v = r.String(*f)) {
      if (auto q = ParseQuorum(*v); q.ok()) {
        zk.quorum = *v;
      } else {
        r.problems()->Add(f->mark(), f->name + ": " + q.error().message);
      }
    }
  }
  if (auto* f = m.Get("root")) ReadZooKeeperPath(r, *f, &zk.root);
  if (auto* f = m.Get("cluster_id")) ReadZooKeeperPath(r, *f, &zk.cluster_id);
  if (auto* f = m.Get("chroot")) ReadZooKeeperPath(r, *f, &zk.chroot);
  if (auto* f = m.Get("layout")) {
    // "auto" leaves it unset: detected from the znodes.
    if (!f->value.IsScalar() || f->value.Scalar() != "auto")
      ReadEnum(r, *f, &ParseLayout, LayoutSettingNames(), &zk.layout);
  }
  if (auto* f = m.Get("session_timeout")) {
    if (auto d = r.DurationAtLeast(*f, kMinInterval)) zk.session_timeout = *d;
  }
  if (auto* f = m.Get("auth_digest")) {
    if (auto v = r.String(*f)) {
      const size_t colon = v->find(':');
      if (colon == std::string::npos || colon == 0) {
        // The value is a secret: say what is wrong without echoing it.
        r.Report(*f, "user:password", colon == 0 ? "no user" : "no \":\"");
      } else {
        zk.auth_digest = *v;
      }
    }
  }
  if (auto* f = m.Get("four_letter_words")) {
    ReadEnum(r, *f, &ParseFourLetterWords, FourLetterWordsNames(),
             &zk.four_letter_words);
  }
  if (auto* f = m.Get("health_interval")) {
    if (auto d = r.DurationAtLeast(*f, kMinInterval)) zk.health_interval = *d;
  }
  cluster->zookeeper = std::move(zk);
}

void ParseKubernetes(const Reader& r, const Field& field,
                     ClusterConfig* cluster) {
  if (!r.IsMapping(field)) return;
  Mapping m(field.value, "kubernetes",
            {"namespace", "cluster_id", "api_server", "kubeconfig",
             "token_file", "ca_file", "insecure_skip_verify", "watch"},
            r.problems());
  KubernetesConfig k;
  if (auto* f = m.Require("cluster_id")) {
    if (auto v = r.NonEmptyString(*f)) k.cluster_id = *v;
  }
  if (auto* f = m.Get("namespace")) {
    if (auto v = r.NonEmptyString(*f)) k.namespace_name = *v;
  }
  if (auto* f = m.Get("api_server")) {
    if (auto v = r.NonEmptyString(*f)) {
      if (auto u = ParseHttpUrl(*v); u.ok()) {
        k.api_server = *v;
      } else {
        r.problems()->Add(f->mark(), f->name + ": " + u.error().message);
      }
    }
  }
  for (auto [key, slot] : {std::pair{"kubeconfig", &k.kubeconfig},
                           std::pair{"token_file", &k.token_file},
                           std::pair{"ca_file", &k.ca_file}}) {
    if (auto* f = m.Get(key)) {
      if (auto v = r.NonEmptyString(*f)) *slot = *v;
    }
  }
  if (auto* f = m.Get("insecure_skip_verify")) {
    if (auto b = r.Bool(*f)) k.insecure_skip_verify = *b;
  }
  if (auto* f = m.Get("watch")) {
    if (auto b = r.Bool(*f)) k.watch = *b;
  }
  if (m.Get("api_server") != nullptr && m.Get("kubeconfig") != nullptr) {
    r.Report(*m.Get("kubeconfig"), "either api_server or kubeconfig", "both");
  }
  cluster->kubernetes = std::move(k);
}

void ParseOutputs(const Reader& r, const Field& field, ClusterConfig* cluster) {
  if (!r.IsList(field, "")) return;
  // Each directory is one source ("output/<path>"), so a path may appear once
  // per cluster.
  UniqueNames paths("output path");
  for (const YAML::Node& item : field.value) {
    if (!r.IsMappingItem(field, item, "output")) continue;
    Mapping m(item, "output",
              {"path", "pattern", "count_rows", "rescan_interval"},
              r.problems());
    OutputConfig out;
    if (auto* f = m.Require("path")) {
      if (auto v = r.NonEmptyString(*f)) {
        paths.Check(*f, *v, r.problems());
        out.path = *v;
      }
    }
    if (auto* f = m.Get("pattern")) {
      if (auto v = r.String(*f)) {
        if (v->empty() || v->find('/') != std::string::npos) {
          r.Report(*f, "a file name glob such as *.csv (without /)");
        } else {
          out.pattern = *v;
        }
      }
    }
    if (auto* f = m.Get("count_rows")) {
      if (auto b = r.Bool(*f)) out.count_rows = *b;
    }
    if (auto* f = m.Get("rescan_interval")) {
      if (auto d = r.DurationAtLeast(*f, kMinInterval))
        out.rescan_interval = *d;
    }
    cluster->output.push_back(std::move(out));
  }
}

// The later of two conflicting keys, where the conflict is reported.
const Field* Later(const Field* a, const Field* b) {
  const YAML::Mark ma = a->key.Mark(), mb = b->key.Mark();
  return std::pair(ma.line, ma.column) < std::pair(mb.line, mb.column) ? b : a;
}

const Field* First(const Mapping& m,
                   std::initializer_list<std::string_view> keys) {
  const Field* first = nullptr;
  for (std::string_view k : keys) {
    const Field* f = m.Get(k);
    if (f != nullptr && (first == nullptr || Later(first, f) == first))
      first = f;
  }
  return first;
}

void ParseAuth(const Reader& r, const Field& field, HttpAuthConfig* auth) {
  if (!r.IsMapping(field)) return;
  Mapping m(field.value, "auth",
            {"username", "password", "password_file", "bearer_token",
             "bearer_token_file"},
            r.problems());
  const auto read = [&](std::string_view key, bool allow_empty,
                        std::string* out) {
    const Field* f = m.Get(key);
    if (f == nullptr) return;
    if (auto v = allow_empty ? r.String(*f) : r.NonEmptyString(*f)) *out = *v;
  };
  read("username", false, &auth->username);
  read("password", true, &auth->password);
  read("password_file", false, &auth->password_file);
  read("bearer_token", false, &auth->bearer_token);
  read("bearer_token_file", false, &auth->bearer_token_file);

  const auto exclusive = [&](const Field* a, const Field* b,
                             const std::string& expected) {
    if (a == nullptr || b == nullptr) return;
    r.Report(*Later(a, b), expected, "both");
  };
  exclusive(m.Get("password"), m.Get("password_file"),
            "password or password_file");
  exclusive(m.Get("bearer_token"), m.Get("bearer_token_file"),
            "bearer_token or bearer_token_file");
  exclusive(First(m, {"username", "password", "password_file"}),
            First(m, {"bearer_token", "bearer_token_file"}),
            "basic auth (username, password) or a bearer token");
  if (m.Get("username") == nullptr) {
    if (const Field* secret = First(m, {"password", "password_file"})) {
      m.Missing("username", " (needed with " + secret->name + ")");
    }
  }
}

void ParseTls(const Reader& r, const Field& field, TlsClientConfig* tls) {
  if (!r.IsMapping(field)) return;
  Mapping m(field.value, "tls",
            {"ca_file", "cert_file", "key_file", "server_name",
             "insecure_skip_verify"},
            r.problems());
  for (auto [key, out] : {std::pair{"ca_file", &tls->ca_file},
                          std::pair{"cert_file", &tls->cert_file},
                          std::pair{"key_file", &tls->key_file},
                          std::pair{"server_name", &tls->server_name}}) {
    if (auto* f = m.Get(key)) {
      if (auto v = r.NonEmptyString(*f)) *out = *v;
    }
  }
  if (auto* f = m.Get("insecure_skip_verify")) {
    if (auto b = r.Bool(*f)) tls->insecure_skip_verify = *b;
  }
  // A client certificate needs its key and the other way round (mutual TLS).
  if (m.Get("cert_file") != nullptr && m.Get("key_file") == nullptr) {
    m.Missing("key_file", " (needed with cert_file)");
  }
  if (m.Get("key_file") != nullptr && m.Get("cert_file") == nullptr) {
    m.Missing("cert_file", " (needed with key_file)");
  }
}

void ParseCluster(const Reader& r, const YAML::Node& node,
                  UniqueNames* cluster_names, ClusterConfig* cluster) {
  Mapping m(
      node, "cluster",
      {"name", "jobmanagers", "zookeeper", "kubernetes", "output",
       "poll_interval", "request_timeout", "max_response_bytes", "auth", "tls",
       "checkpoints", "checkpoint_requests_per_second", "expected_taskmanagers",
       "taskmanager_lost_after", "liveness_interval"},
      r.problems());
  if (auto* f = m.Require("name")) {
    if (auto v = r.NonEmptyString(*f)) {
      cluster_names->Check(*f, *v, r.problems());
      cluster->name = *v;
    }
  }
  if (auto* f = m.Require("jobmanagers")) ParseJobManagers(r, *f, cluster);
  if (auto* f = m.Get("zookeeper")) ParseZooKeeper(r, *f, cluster);
  if (auto* f = m.Get("kubernetes")) {
    if (m.Get("zookeeper") != nullptr) {
      r.Report(*f,
               "either zookeeper or kubernetes (where Flink keeps its "
               "leaders)",
               "both");
    } else {
      ParseKubernetes(r, *f, cluster);
    }
  }
  if (auto* f = m.Get("output")) ParseOutputs(r, *f, cluster);

  // A request must end before the next poll starts: an explicit
  // request_timeout is less than poll_interval; the default follows a short
  // poll_interval down instead of rejecting it.
  const Field* poll = m.Get("poll_interval");
  const Field* timeout = m.Get("request_timeout");
  std::optional<Duration> poll_value, timeout_value;
  if (poll != nullptr) poll_value = r.DurationAtLeast(*poll, kMinInterval);
  if (timeout != nullptr)
    timeout_value = r.DurationAtLeast(*timeout, kMinRequestTimeout);
  if (poll_value) cluster->poll_interval = *poll_value;
  if (timeout == nullptr) {
    cluster->request_timeout =
        std::min(ClusterConfig{}.request_timeout, cluster->poll_interval);
  } else if (timeout_value) {
    cluster->request_timeout = *timeout_value;
    if ((poll == nullptr || poll_value) &&
        cluster->request_timeout >= cluster->poll_interval) {
      r.Report(*timeout, "less than poll_interval (" +
                             FormatDuration(cluster->poll_interval) + ")");
    }
  }

  if (auto* f = m.Get("liveness_interval")) {
    if (auto v = r.DurationAtLeast(*f, Duration{0})) {
      cluster->liveness_interval = *v;
    }
  }

  if (auto* f = m.Get("max_response_bytes")) {
    std::optional<int64_t> size;
    if (f->value.IsScalar()) {
      if (auto parsed = ParseByteSize(f->value.Scalar());
          parsed.ok() && *parsed > 0) {
        size = *parsed;
      }
    }
    if (size) {
      cluster->max_response_bytes = *size;
    } else {
      r.Report(*f, "a positive size in bytes such as 16MiB");
    }
  }
  if (auto* f = m.Get("auth")) ParseAuth(r, *f, &cluster->auth);
  if (auto* f = m.Get("tls")) ParseTls(r, *f, &cluster->tls);
  if (auto* f = m.Get("checkpoints")) {
    if (auto b = r.Bool(*f)) cluster->checkpoints = *b;
  }
  if (auto* f = m.Get("checkpoint_requests_per_second")) {
    // A JobManager answers checkpoint statistics on its RPC threads: the
    // budget keeps the exporter a light client whatever the number of jobs.
    if (auto v = r.NonNegativeInt(*f)) {
      if (*v >= 1 && *v <= 10000) {
        cluster->checkpoint_requests_per_second = *v;
      } else {
        r.Report(*f, "between 1 and 10000 requests per second");
      }
    }
  }
  if (auto* f = m.Get("expected_taskmanagers")) {
    if (auto v = r.NonNegativeInt(*f)) cluster->expected_taskmanagers = *v;
  }
  if (auto* f = m.Get("taskmanager_lost_after")) {
    if (auto v = r.DurationAtLeast(*f, kMinInterval)) {
      cluster->taskmanager_lost_after = *v;
    }
  }
}

void ParseRoot(const YAML::Node& root, YamlProblems* problems, Config* config) {
  Reader r(problems);
  if (!root.IsMap()) {
    problems->Add(root.Mark(), "expected a mapping at the top level, found " +
                                   DescribeYamlNode(root));
    return;
  }
  Mapping m(root, "configuration",
            {"listen", "log", "clusters", "state_dir", "display_timezone"},
            problems);
  if (auto* f = m.Get("state_dir")) {
    if (auto v = r.String(*f)) config->state_dir = *v;
  }
  if (auto* f = m.Get("display_timezone")) {
    if (auto v = r.String(*f)) {
      auto z = ParseDisplayZone(*v);
      if (z.ok()) {
        config->display_timezone = *z;
      } else {
        problems->Add(f->mark(), f->name + ": " + z.error().message);
      }
    }
  }
  if (auto* f = m.Get("listen")) {
    if (auto v = r.String(*f)) {
      auto hp = ParseListenAddress(*v);
      if (hp.ok()) {
        config->listen = *v;
      } else {
        problems->Add(f->mark(), f->name + ": " + hp.error().message);
      }
    }
  }
  if (auto* f = m.Get("log")) ParseLog(r, *f, config);
  if (auto* f = m.Require("clusters")) {
    if (!r.IsList(*f, "cluster")) return;
    UniqueNames names("cluster name");
    for (const YAML::Node& item : f->value) {
      if (!r.IsMappingItem(*f, item, "cluster")) continue;
      ClusterConfig cluster;
      ParseCluster(r, item, &names, &cluster);
      config->clusters.push_back(std::move(cluster));
    }
  }
}

}  // namespace

Result<Config> ParseConfig(const std::string& yaml_text,
                           const std::string& file_name) {
  YamlProblems problems;
  Config config;
  config.source_file = file_name;
  ParseStrictYaml(yaml_text, &problems, [&](const YAML::Node& root) {
    if (root.IsNull()) {
      problems.Add(
          YAML::Mark(),  // line 1, column 1
          "expected a mapping at the top level, found an empty document");
    } else {
      ParseRoot(root, &problems, &config);
    }
  });
  if (!problems.empty()) return Error{problems.Format(file_name)};
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  const auto cannot_read = [&path](int err) {
    std::string reason =
        std::error_code(err, std::generic_category()).message();
    if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z')
      reason[0] += 'a' - 'A';
    return Error{path + ": error: cannot read: " + reason};
  };
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return cannot_read(errno);
  std::string text;
  char buffer[16384];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    text.append(buffer, n);
  const int err = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (err != 0) return cannot_read(err);
  return ParseConfig(text, path);
}

}  // namespace flinkha
