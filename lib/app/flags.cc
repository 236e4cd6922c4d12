// Flag parsing; no global flag registry, so the parser is a pure function
// tested by table.
#include "app/flags.h"

#include <charconv>
#include <functional>
#include <map>

#include "config/address.h"
#include "config/duration.h"
#include "util/build_info.h"
#include "util/log_level.h"

namespace flinkha {

Result<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  using Setter = std::function<Status(const std::string&)>;
  auto str = [](std::string* dst) {
    return Setter([dst](const std::string& v) -> Status {
      *dst = v;
      return Ok{};
    });
  };
  const std::map<std::string, Setter> valued = {
      {"--config.file", str(&f.config_file)},
      // Checked by the grammar of the file's `listen`.
      {"--web.listen-address", Setter([&f](const std::string& v) -> Status {
         if (auto hp = ParseListenAddress(v); !hp.ok())
           return Error{"--web.listen-address: " + hp.error().message};
         f.listen_address = v;
         return Ok{};
       })},
      {"--web.telemetry-path", str(&f.telemetry_path)},
      {"--web.config.file", str(&f.web_config_file)},
      {"--log.level", Setter([&f](const std::string& v) -> Status {
         f.log_level = ParseLogLevel(v);
         if (f.log_level) return Ok{};
         return Error{"--log.level: expected " + LogLevelNames() +
                      ", found \"" + v + "\""};
       })},
      {"--log.format", Setter([&f](const std::string& v) -> Status {
         f.log_format = ParseLogFormat(v);
         if (f.log_format) return Ok{};
         return Error{"--log.format: expected " + LogFormatNames() +
                      ", found \"" + v + "\""};
       })},
      {"--status.timeout", Setter([&f](const std::string& v) -> Status {
         int n = 0;
         auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || p != v.data() + v.size() || n <= 0) {
           return Error{
               "--status.timeout: expected a positive number of seconds, found "
               "\"" +
               v + "\""};
         }
         f.status_timeout_seconds = n;
         return Ok{};
       })},
      {"--web.max-connections", Setter([&f](const std::string& v) -> Status {
         int n = 0;
         auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || p != v.data() + v.size() || n < 1 ||
             n > 65536) {
           return Error{
               "--web.max-connections: expected an integer 1-65536, found \"" +
               v + "\""};
         }
         f.web_max_connections = n;
         return Ok{};
       })},
      {"--web.request-head-timeout",
       Setter([&f](const std::string& v) -> Status {
         auto d = ParseDuration(v);
         if (!d.ok() || *d < std::chrono::milliseconds(100) ||
             *d > std::chrono::minutes(10)) {
           return Error{
               "--web.request-head-timeout: expected a duration 100ms-10m "
               "such as 5s, found \"" +
               v + "\""};
         }
         f.web_request_head_timeout = *d;
         return Ok{};
       })},
  };
  const std::map<std::string, bool*> booleans = {
      {"--config.check", &f.config_check},
      {"--version", &f.version},
      {"--help", &f.help},
      {"-h", &f.help}};
  bool have_command = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("-", 0) != 0) {
      if (have_command) return Error{"unexpected argument \"" + a + "\""};
      if (a != "serve" && a != "status") {
        return Error{"unknown command \"" + a + "\", expected serve or status"};
      }
      f.command = a;
      have_command = true;
      continue;
    }
    std::string name = a, value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    if (auto b = booleans.find(name); b != booleans.end()) {
      if (has_value && value != "true" && value != "false") {
        return Error{name + ": expected true or false, found \"" + value +
                     "\""};
      }
      *b->second = !has_value || value == "true";
      continue;
    }
    auto v = valued.find(name);
    if (v == valued.end())
      return Error{"unknown flag " + name + " (see --help)"};
    if (!has_value) {
      if (i + 1 >= args.size()) return Error{name + ": missing value"};
      value = args[++i];
    }
    if (auto st = v->second(value); !st.ok()) return st.error();
  }
  if (f.telemetry_path.empty() || f.telemetry_path.front() != '/') {
    return Error{
        "--web.telemetry-path: expected a path starting with /, found \"" +
        f.telemetry_path + "\""};
  }
  return f;
}

std::string UsageText() {
  return R"(usage: flink-ha-exporter [serve|status] [flags]

Monitors Apache Flink clusters in ZooKeeper HA mode and exposes Prometheus metrics.

commands:
  serve (default)              run the exporter
  status                       poll every source once and print a human report

flags:
  --config.file=PATH           configuration file (default flink-ha-exporter.yml)
  --config.check               validate the configuration and exit (0 valid, 1 invalid)
  --web.listen-address=ADDR    listen address, overrides `listen` (e.g. :9879, 127.0.0.1:9879)
  --web.telemetry-path=PATH    path of the metrics endpoint (default /metrics)
  --web.config.file=PATH       TLS and basic auth (Prometheus exporter-toolkit web config)
  --web.max-connections=N      open connections at most; more are refused with 503 (default 512)
  --web.request-head-timeout=D a request head must arrive within D of connecting or of the
                               previous response, else the connection closes (default 5s)
  --log.level=LEVEL            debug|info|warn|error (overrides the config file)
  --log.format=FORMAT          logfmt|json (overrides the config file)
  --status.timeout=SECONDS     `status`: how long to wait for every source (default 15)
  --version                    print the version and exit
  --help                       print this help and exit
)";
}

std::string VersionText() {
  return "flink-ha-exporter, version " + std::string(BuildVersion()) +
         " (revision: " + std::string(BuildRevision()) + ")\n";
}

}  // namespace flinkha
