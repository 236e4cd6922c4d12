// Table tests for flag parsing.
#include "app/flags.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace flinkha {
namespace {

TEST_CASE("ParseFlags accepts both --name=value and --name value", "[app]") {
  auto f = ParseFlags({"--config.file=/etc/x.yml", "--web.listen-address",
                       "127.0.0.1:0", "--config.check", "--log.format=json"});
  REQUIRE(f.ok());
  CHECK(f->config_file == "/etc/x.yml");
  CHECK(f->listen_address == "127.0.0.1:0");
  CHECK(f->config_check);
  CHECK(f->log_format == LogFormat::kJson);
  CHECK(f->command == "serve");
}

TEST_CASE("ParseFlags takes the listener limits", "[app]") {
  auto d = ParseFlags({});
  REQUIRE(d.ok());
  CHECK(d->web_max_connections == 512);
  CHECK(d->web_request_head_timeout == std::chrono::seconds(5));
  auto f = ParseFlags(
      {"--web.max-connections=64", "--web.request-head-timeout=1500ms"});
  REQUIRE(f.ok());
  CHECK(f->web_max_connections == 64);
  CHECK(f->web_request_head_timeout == std::chrono::milliseconds(1500));
}

TEST_CASE("ParseFlags takes the status command", "[app]") {
  auto f = ParseFlags({"status", "--status.timeout=3"});
  REQUIRE(f.ok());
  CHECK(f->command == "status");
  CHECK(f->status_timeout_seconds == 3);
}

TEST_CASE("ParseFlags rejects bad input with a clear message", "[app]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--nope"}, "unknown flag --nope (see --help)"},
      {{"--config.file"}, "--config.file: missing value"},
      {{"run"}, "unknown command \"run\", expected serve or status"},
      {{"status", "serve"}, "unexpected argument \"serve\""},
      {{"--version=maybe"},
       "--version: expected true or false, found \"maybe\""},
      {{"--status.timeout=0"},
       "--status.timeout: expected a positive number of seconds, found \"0\""},
      {{"--web.max-connections=0"},
       "--web.max-connections: expected an integer 1-65536, found \"0\""},
      {{"--web.request-head-timeout=5"},
       "--web.request-head-timeout: expected a duration 100ms-10m such as "
       "5s, found \"5\""},
      {{"--log.level=verbose"},
       "--log.level: expected debug, info, warn or error, found \"verbose\""},
      {{"--log.format=text"},
       "--log.format: expected logfmt or json, found \"text\""},
      // Like `listen` in the file (config/address.h).
      {{"--web.listen-address=9879"},
       "--web.listen-address: expected [host]:port, found \"9879\""},
      {{"--web.listen-address=:65536"},
       "--web.listen-address: expected a port 0-65535, found \"65536\""},
      {{"--web.listen-address=[::1:9879"},
       "--web.listen-address: expected [host]:port, found \"[::1:9879\""},
      {{"--web.telemetry-path=metrics"},
       "--web.telemetry-path: expected a path starting with /, found "
       "\"metrics\""},
  };
  for (const auto& tc : cases) {
    auto f = ParseFlags(tc.args);
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().message == tc.message);
  }
}

TEST_CASE("ParseFlags: a repeated flag takes its last value", "[app]") {
  auto f = ParseFlags({"--config.file=a.yml", "--config.file", "b.yml",
                       "--config.check", "--config.check=false"});
  REQUIRE(f.ok());
  CHECK(f->config_file == "b.yml");
  CHECK_FALSE(f->config_check);
  CHECK(ParseFlags({"-h"})->help);
  CHECK(ParseFlags({"--help=true"})->help);
}

TEST_CASE("ParseFlags: a word after an unknown one is still reported first",
          "[app]") {
  CHECK(ParseFlags({"run", "status"}).error().message ==
        "unknown command \"run\", expected serve or status");
  CHECK(ParseFlags({"--nope=1", "status"}).error().message ==
        "unknown flag --nope (see --help)");
  CHECK(ParseFlags({"--config.check=1"}).error().message ==
        "--config.check: expected true or false, found \"1\"");
}

// The help is generated from the definitions ParseFlags uses: every flag it
// names is accepted, with the default a Flags{} holds.
TEST_CASE("UsageText lists the flags ParseFlags takes, with their defaults",
          "[app]") {
  const std::string usage = UsageText();
  CHECK(usage.rfind("usage: flink-ha-exporter [serve|status] [flags]\n", 0) ==
        0);
  for (const char* line :
       {"  serve (default)              run the exporter\n",
        "  status                       poll every source once",
        "  --config.file=PATH           configuration file (default "
        "flink-ha-exporter.yml)\n",
        "  --config.check               validate the configuration",
        "  --web.max-connections=N      open connections at most; more are "
        "refused with 503 (default 512)\n",
        "(default 5s)\n", "(default /metrics)\n", "(default 15)\n",
        "  -h, --help                   print this help and exit\n"}) {
    INFO(line);
    CHECK(usage.find(line) != std::string::npos);
  }
  size_t flags = 0;
  for (size_t p = 0; (p = usage.find("\n  --", p)) != std::string::npos;) {
    p += 5;
    const size_t end = usage.find_first_of("= \n", p);
    const std::string name = "--" + usage.substr(p, end - p);
    INFO(name);
    // Accepted (an error, if any, is about the value, never "unknown flag").
    auto f = ParseFlags({name + "=x"});
    if (!f.ok()) CHECK(f.error().message.rfind(name + ": ", 0) == 0);
    ++flags;
  }
  CHECK(flags == 11);  // and -h, --help
  std::istringstream lines(usage);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 100);
  }
}

}  // namespace
}  // namespace flinkha
