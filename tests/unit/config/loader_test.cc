// Table tests for the strict loader: one bad fixture per rule with its exact
// messages, good fixtures with their values, the shipped config and the
// all-keys example.
#include "config/loader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace flinkha {
namespace {

const std::string kSourceDir = FLINKHA_SOURCE_DIR;
const std::string kFixtures = kSourceDir + "/tests/fixtures/config";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses a fixture under tests/fixtures/config, named in messages by its
// relative path.
Result<Config> ParseFixture(const std::string& relative) {
  return ParseConfig(ReadFile(kFixtures + "/" + relative), relative);
}

struct BadCase {
  const char* fixture;  // tests/fixtures/config/bad/<fixture>.yml
  std::vector<std::string>
      problems;  // "<line>:<col>: error: <message>", in order
};

// clang-format off
const std::vector<BadCase> kBadCases = {
    {"advertised_no_port",
     {"7:21: error: advertised: expected host:port, found \"jobmanager\""}},
    {"advertised_port_not_numeric",
     {"7:21: error: advertised: expected a port 1-65535, found \"rest\""}},
    {"auth_basic_and_bearer",
     {"11:21: error: bearer_token: expected basic auth (username, password) or a bearer token, found both"}},
    {"auth_bearer_token_and_file",
     {"10:21: error: bearer_token: expected bearer_token or bearer_token_file, found both"}},
    {"auth_empty_username",
     {"9:17: error: username: expected a non-empty string, found \"\""}},
    {"auth_password_and_file",
     {"11:22: error: password_file: expected password or password_file, found both"}},
    {"auth_password_without_username",
     {"9:7: error: auth is missing required key \"username\" (needed with password)"}},
    {"checkpoint_requests_per_second",
     {"8:37: error: checkpoint_requests_per_second: expected between 1 and 10000 requests per second, found \"0\""}},
    {"checkpoints",
     {"8:18: error: checkpoints: expected true or false, found \"on\""}},
    {"cluster_not_mapping",
     {"3:5: error: clusters: expected a mapping for each cluster, found \"realtime-pipeline\""}},
    {"clusters_not_list",
     {"3:3: error: clusters: expected a list, found a mapping"}},
    {"duplicate_advertised",
     {"10:21: error: advertised: duplicate advertised address \"jobmanager:8081\" (first defined at line 7)"}},
    {"duplicate_cluster_name",
     {"8:11: error: name: duplicate cluster name \"a\" (first defined at line 3)"}},
    {"duplicate_jobmanager_name",
     {"8:15: error: name: duplicate jobmanager name \"jm-1\" (first defined at line 5)"}},
    {"duplicate_key",
     {"9:5: error: duplicate key \"poll_interval\" in cluster (first defined at line 8)"}},
    {"empty",
     {"1:1: error: expected a mapping at the top level, found an empty document"}},
    {"empty_cluster_name",
     {"3:11: error: name: expected a non-empty string, found \"\""}},
    {"empty_clusters",
     {"2:11: error: clusters: expected at least one cluster, found an empty list"}},
    {"empty_jobmanagers",
     {"4:18: error: jobmanagers: expected at least one jobmanager, found an empty list"}},
    {"expected_taskmanagers",
     {"8:28: error: expected_taskmanagers: expected an integer >= 0, found \"-1\""}},
    {"expected_taskmanagers_type",
     {"8:28: error: expected_taskmanagers: expected an integer >= 0, found \"three\""}},
    {"jobmanager_not_mapping",
     {"5:9: error: jobmanagers: expected a mapping for each jobmanager, found \"http://localhost:8081\""}},
    {"listen",
     {"2:9: error: listen: expected [host]:port, found \"9879\""}},
    {"log_format",
     {"3:11: error: format: expected logfmt or json, found \"text\""}},
    {"log_level",
     {"3:10: error: level: expected debug, info, warn or error, found \"verbose\""}},
    {"log_not_mapping",
     {"2:6: error: log: expected a mapping, found \"debug\""}},
    {"max_response_bytes",
     {"8:25: error: max_response_bytes: expected a positive size in bytes such as 16MiB, found \"0\""}},
    {"max_response_bytes_unit",
     {"8:25: error: max_response_bytes: expected a positive size in bytes such as 16MiB, found \"16 megabytes\""}},
    {"missing_advertised",
     {"5:9: error: jobmanager is missing required key \"advertised\""}},
    {"missing_cluster_name",
     {"3:5: error: cluster is missing required key \"name\""}},
    {"missing_clusters",
     {"2:1: error: configuration is missing required key \"clusters\""}},
    {"missing_jobmanager_name",
     {"5:9: error: jobmanager is missing required key \"name\""}},
    {"missing_jobmanagers",
     {"3:5: error: cluster is missing required key \"jobmanagers\""}},
    {"missing_url",
     {"5:9: error: jobmanager is missing required key \"url\""}},
    {"multiple_documents",
     {"8:1: error: expected one YAML document, found another"}},
    {"name_not_string",
     {"3:11: error: name: expected a string, found a mapping"}},
    {"not_mapping",
     {"2:1: error: expected a mapping at the top level, found a list"}},
    {"output_count_rows",
     {"10:21: error: count_rows: expected true or false, found \"yes\""}},
    {"output_duplicate_path",
     {"10:15: error: path: duplicate output path \"./output\" (first defined at line 9)"}},
    {"output_missing_path",
     {"9:9: error: output is missing required key \"path\""}},
    {"output_not_list",
     {"9:7: error: output: expected a list, found a mapping"}},
    {"output_pattern",
     {"10:18: error: pattern: expected a file name glob such as *.csv (without /), found \"part/*.csv\""}},
    {"output_rescan_interval",
     {"10:26: error: rescan_interval: expected at least 1s, found \"0s\""}},
    {"poll_interval_empty",
     {"8:5: error: poll_interval: expected a duration such as 5s, found an empty value"}},
    {"poll_interval_range",
     {"8:20: error: poll_interval: expected at least 1s, found \"500ms\""}},
    {"poll_interval_type",
     {"8:20: error: poll_interval: expected a duration such as 5s, found \"fast\""}},
    {"poll_interval_unitless",
     {"8:20: error: poll_interval: expected a duration such as 5s, found \"5\""}},
    {"request_timeout_not_less",
     {"9:22: error: request_timeout: expected less than poll_interval (5s), found \"5s\""}},
    {"several_errors",
     {"2:9: error: listen: expected [host]:port, found \"localhost\"",
     "4:10: error: level: expected debug, info, warn or error, found \"loud\"",
     "9:14: error: url: expected an http:// or https:// URL, found \"localhost:8081\"",
     "11:9: error: jobmanager is missing required key \"url\"",
     "11:15: error: name: duplicate jobmanager name \"jm-1\" (first defined at line 8)",
     "12:21: error: advertised: expected host:port, found \"jobmanager-standby\"",
     "15:13: error: root: expected a path starting with /, found \"flink\"",
     "16:5: error: unknown key \"pol_interval\" in cluster (did you mean \"poll_interval\"?)",
     "17:22: error: request_timeout: expected less than poll_interval (5s), found \"10s\"",
     "18:5: error: cluster is missing required key \"jobmanagers\"",
     "18:11: error: name: duplicate cluster name \"realtime-pipeline\" (first defined at line 6)"}},
    {"syntax",
     {"3:3: error: invalid YAML: illegal block entry"}},
    {"tab_indent",
     {"3:2: error: invalid YAML: illegal block entry"}},
    {"taskmanager_lost_after",
     {"8:29: error: taskmanager_lost_after: expected at least 1s, found \"500ms\""}},
    {"tls_cert_without_key",
     {"9:7: error: tls is missing required key \"key_file\" (needed with cert_file)"}},
    {"tls_insecure_skip_verify",
     {"9:29: error: insecure_skip_verify: expected true or false, found \"1\""}},
    {"tls_key_without_cert",
     {"9:7: error: tls is missing required key \"cert_file\" (needed with key_file)"}},
    {"tls_not_mapping",
     {"8:10: error: tls: expected a mapping, found a list"}},
    {"unknown_key_camel_case",
     {"8:5: error: unknown key \"requestTimeout\" in cluster (did you mean \"request_timeout\"?)"}},
    {"unknown_key_cluster",
     {"8:5: error: unknown key \"pol_interval\" in cluster (did you mean \"poll_interval\"?)"}},
    {"unknown_key_no_suggestion",
     {"8:5: error: unknown key \"colour\" in cluster"}},
    {"unknown_key_top",
     {"2:1: error: unknown key \"lisen\" in configuration (did you mean \"listen\"?)"}},
    {"url_credentials",
     {"6:14: error: url: expected a URL without user name or password (set them under auth)"}},
    {"url_no_host",
     {"6:14: error: url: expected a host in the URL, found \"http://:8081\""}},
    {"url_port",
     {"6:14: error: url: expected a port 1-65535, found \"80810\""}},
    {"url_query",
     {"6:14: error: url: expected a URL without query or fragment, found \"http://localhost:8081/?token=x\""}},
    {"url_scheme",
     {"6:14: error: url: expected an http:// or https:// URL, found \"localhost:8081\""}},
    {"zookeeper_auth_digest",
     {"10:20: error: auth_digest: expected user:password, found no \":\""}},
    {"zookeeper_chroot",
     {"10:15: error: chroot: expected a path starting with /, found \"kafka\""}},
    {"zookeeper_cluster_id",
     {"10:19: error: cluster_id: expected a path without empty segments or a trailing /, found \"/realtime-pipeline/\""}},
    {"zookeeper_four_letter_words",
     {"10:26: error: four_letter_words: expected auto, srvr, mntr or off, found \"ruok\""}},
    {"zookeeper_health_interval",
     {"10:24: error: health_interval: expected a duration such as 5s, found \"10\""}},
    {"zookeeper_layout",
     {"10:15: error: layout: expected auto, 1.13, 1.14, 1.15 or 1.19, found \"1.16\""}},
    {"zookeeper_missing_quorum",
     {"9:7: error: zookeeper is missing required key \"quorum\""}},
    {"zookeeper_quorum",
     {"9:15: error: quorum: expected host:port, found \"zk-2\""}},
    {"zookeeper_root",
     {"10:13: error: root: expected a path starting with /, found \"flink\""}},
    {"zookeeper_session_timeout",
     {"10:24: error: session_timeout: expected at least 1s, found \"500ms\""}},
};
// clang-format on

TEST_CASE("each bad fixture reports exactly its messages", "[config]") {
  for (const BadCase& c : kBadCases) {
    const std::string file = std::string("bad/") + c.fixture + ".yml";
    std::string expected;
    for (const std::string& p : c.problems) {
      expected += (expected.empty() ? "" : "\n") + file + ":" + p;
    }
    INFO(file);
    auto config = ParseFixture(file);
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == expected);
  }
}

TEST_CASE("every bad fixture has a table entry", "[config]") {
  std::vector<std::string> on_disk;
  for (const auto& entry :
       std::filesystem::directory_iterator(kFixtures + "/bad")) {
    on_disk.push_back(entry.path().stem().string());
  }
  std::vector<std::string> in_table;
  for (const BadCase& c : kBadCases) in_table.push_back(c.fixture);
  std::sort(on_disk.begin(), on_disk.end());
  std::sort(in_table.begin(), in_table.end());
  CHECK(on_disk == in_table);
}

TEST_CASE("several problems are all reported in document order", "[config]") {
  auto config = ParseFixture("bad/several_errors.yml");
  REQUIRE_FALSE(config.ok());
  std::vector<std::string> lines;
  std::istringstream in(config.error().message);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 11);
  int last_line = 0;
  for (const std::string& line : lines) {
    CHECK(line.rfind("bad/several_errors.yml:", 0) == 0);
    const int n = std::stoi(line.substr(line.find(':') + 1));
    CHECK(n >= last_line);
    last_line = n;
  }
}

TEST_CASE("minimal config takes every default from config.h", "[config]") {
  auto config = ParseFixture("good/minimal.yml");
  REQUIRE(config.ok());
  const Config defaults;
  const ClusterConfig cluster_defaults;
  CHECK(config->source_file == "good/minimal.yml");
  CHECK(config->listen == defaults.listen);
  CHECK(config->listen == ":9879");
  CHECK(config->log_level == LogLevel::kInfo);
  CHECK(config->log_format == LogFormat::kLogfmt);
  REQUIRE(config->clusters.size() == 1);
  const ClusterConfig& c = config->clusters[0];
  CHECK(c.name == "minimal");
  REQUIRE(c.jobmanagers.size() == 1);
  CHECK(c.jobmanagers[0].name == "jm-1");
  CHECK(c.jobmanagers[0].url == "http://localhost:8081");
  CHECK(c.jobmanagers[0].advertised == "jobmanager:8081");
  CHECK_FALSE(c.zookeeper.has_value());
  CHECK(c.output.empty());
  CHECK(c.poll_interval == cluster_defaults.poll_interval);
  CHECK(c.poll_interval == Duration(5000));
  CHECK(c.request_timeout == Duration(3000));
  CHECK(c.max_response_bytes == 16 * 1024 * 1024);
  CHECK(c.auth.username.empty());
  CHECK(c.auth.bearer_token_file.empty());
  CHECK(c.tls.ca_file.empty());
  CHECK_FALSE(c.tls.insecure_skip_verify);
  CHECK(c.checkpoints);
  CHECK(c.checkpoint_requests_per_second == 60);
  CHECK(c.expected_taskmanagers == 0);
}

TEST_CASE("accepted address forms are kept and URLs lose their trailing slash",
          "[config]") {
  auto config = ParseFixture("good/addresses.yml");
  REQUIRE(config.ok());
  CHECK(config->listen == "[::1]:9879");
  const ClusterConfig& c = config->clusters.at(0);
  REQUIRE(c.jobmanagers.size() == 3);
  CHECK(c.jobmanagers[0].name == "v6");
  CHECK(c.jobmanagers[0].url == "http://[::1]:8081");
  CHECK(c.jobmanagers[0].advertised == "[fd00::1]:8081");
  CHECK(c.jobmanagers[1].url == "https://proxy.example.com/flink/jm-2");
  CHECK(c.jobmanagers[2].url == "http://jm-3");
  REQUIRE(c.zookeeper.has_value());
  CHECK(c.zookeeper->quorum == "zk-1:2181,[fd00::2]:2181");
  CHECK(c.zookeeper->root == "/flink");
  CHECK(c.zookeeper->cluster_id == "/addresses");
  CHECK_FALSE(c.zookeeper->layout.has_value());  // auto
  CHECK(c.zookeeper->session_timeout == Duration(10000));
  CHECK(c.zookeeper->chroot.empty());
  CHECK(c.zookeeper->four_letter_words == FourLetterWords::kAuto);
  CHECK(c.zookeeper->health_interval == Duration(10000));
}

TEST_CASE("several clusters with quoted values and plain byte sizes",
          "[config]") {
  auto config = ParseFixture("good/several_clusters.yml");
  REQUIRE(config.ok());
  CHECK(config->listen == "0.0.0.0:0");
  REQUIRE(config->clusters.size() == 2);
  const ClusterConfig& first = config->clusters[0];
  CHECK(first.name == "first");
  CHECK(first.poll_interval == Duration(90000));
  CHECK(first.request_timeout == Duration(900));
  CHECK(first.max_response_bytes == 1048576);
  CHECK_FALSE(first.checkpoints);
  CHECK(first.output.empty());
  const ClusterConfig& second = config->clusters[1];
  CHECK(second.name == "second");
  CHECK(second.jobmanagers.at(0).name == "jm-1");
  CHECK(second.poll_interval == Duration(1000));
  CHECK(second.request_timeout == Duration(999));
  CHECK(second.max_response_bytes == 1048576);  // 1MB, as Prometheus reads it
  CHECK(second.auth.username == "monitor");
  CHECK(second.auth.password.empty());
  CHECK(second.tls.insecure_skip_verify);
}

TEST_CASE("request_timeout defaults to the smaller of 3s and poll_interval",
          "[config]") {
  auto config = ParseFixture("good/poll_interval_below_default_timeout.yml");
  INFO((config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  CHECK(config->clusters.at(0).poll_interval == Duration(2000));
  CHECK(config->clusters.at(0).request_timeout == Duration(2000));
  // A long poll_interval keeps 3s (the minimal fixture: poll_interval 5s).
  auto minimal = ParseFixture("good/minimal.yml");
  REQUIRE(minimal.ok());
  CHECK(minimal->clusters.at(0).request_timeout == Duration(3000));
  // An explicit request_timeout is still checked against poll_interval.
  auto equal = ParseFixture("bad/request_timeout_not_less.yml");
  REQUIRE_FALSE(equal.ok());
  CHECK(equal.error().message ==
        "bad/request_timeout_not_less.yml:9:22: error: request_timeout: "
        "expected less than poll_interval (5s), found \"5s\"");
}

TEST_CASE("the shipped config matches the reference deployment", "[config]") {
  const std::string path = kSourceDir + "/config/flink-ha-exporter.yml";
  auto config = LoadConfigFile(path);
  INFO((config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  CHECK(config->source_file == path);
  CHECK(config->listen == ":9879");
  CHECK(config->log_level == LogLevel::kInfo);
  CHECK(config->log_format == LogFormat::kLogfmt);
  REQUIRE(config->clusters.size() == 1);
  const ClusterConfig& c = config->clusters[0];
  CHECK(c.name == "realtime-pipeline");
  REQUIRE(c.jobmanagers.size() == 2);
  CHECK(c.jobmanagers[0].name == "jobmanager");
  CHECK(c.jobmanagers[0].url == "http://localhost:8081");
  CHECK(c.jobmanagers[0].advertised == "jobmanager:8081");
  CHECK(c.jobmanagers[1].name == "jobmanager-standby");
  CHECK(c.jobmanagers[1].url == "http://localhost:8082");
  CHECK(c.jobmanagers[1].advertised == "jobmanager-standby:8081");
  REQUIRE(c.zookeeper.has_value());
  CHECK(c.zookeeper->quorum == "localhost:2181");
  CHECK(config->state_dir == "/var/lib/flink-ha-exporter");
  CHECK(c.zookeeper->root == "/flink");
  CHECK(c.zookeeper->cluster_id == "/realtime-pipeline");
  CHECK_FALSE(c.zookeeper->layout.has_value());
  REQUIRE(c.output.size() == 1);
  CHECK(c.output[0].path == "./output");
  CHECK(c.output[0].pattern == "*.csv");
  CHECK(c.output[0].count_rows);
  CHECK(c.poll_interval == Duration(5000));
  CHECK(c.request_timeout == Duration(3000));
  CHECK(c.expected_taskmanagers == 3);
  CHECK(c.checkpoints);
}

TEST_CASE("the all-keys example sets every key", "[config]") {
  auto config = LoadConfigFile(kSourceDir + "/config/examples/all-keys.yml");
  INFO((config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  CHECK(config->listen == "127.0.0.1:9879");
  CHECK(config->log_level == LogLevel::kInfo);
  CHECK(config->log_format == LogFormat::kJson);
  REQUIRE(config->clusters.size() == 2);
  const ClusterConfig& c = config->clusters[0];
  CHECK(c.name == "realtime-pipeline");
  REQUIRE(c.jobmanagers.size() == 2);
  CHECK(c.jobmanagers[0].url == "https://flink-jm-1.example.com:8081");
  CHECK(c.jobmanagers[1].url == "https://proxy.example.com/flink/jm-2");
  CHECK(c.jobmanagers[1].advertised == "jobmanager-standby:8081");
  REQUIRE(c.zookeeper.has_value());
  const ZooKeeperConfig& zk = *c.zookeeper;
  CHECK(zk.quorum == "zk-1:2181,zk-2:2181,zk-3:2181");
  CHECK(zk.root == "/flink");
  CHECK(zk.cluster_id == "/realtime-pipeline");
  CHECK_FALSE(zk.layout.has_value());
  CHECK(zk.session_timeout == Duration(30000));
  CHECK(zk.chroot == "/shared");
  CHECK(zk.auth_digest == "flink:secret");
  CHECK(zk.four_letter_words == FourLetterWords::kSrvr);
  CHECK(zk.health_interval == Duration(15000));
  REQUIRE(c.output.size() == 2);
  CHECK(c.output[0].path == "/data/output");
  CHECK(c.output[0].pattern == "*.csv");
  CHECK(c.output[0].count_rows);
  CHECK(c.output[0].rescan_interval == Duration(120000));
  CHECK(c.output[1].path == "/data/rejected");
  CHECK(c.output[1].pattern == "*");
  CHECK_FALSE(c.output[1].count_rows);
  CHECK(c.output[1].rescan_interval == Duration(60000));
  CHECK(c.poll_interval == Duration(10000));
  CHECK(c.request_timeout == Duration(4000));
  CHECK(c.max_response_bytes == 8 * 1024 * 1024);
  CHECK(c.auth.username == "monitor");
  CHECK(c.auth.password.empty());
  CHECK(c.auth.password_file == "/etc/flink-ha-exporter/rest-password");
  CHECK(c.tls.ca_file == "/etc/flink-ha-exporter/ca.pem");
  CHECK(c.tls.cert_file == "/etc/flink-ha-exporter/client.pem");
  CHECK(c.tls.key_file == "/etc/flink-ha-exporter/client-key.pem");
  CHECK(c.tls.server_name == "flink.example.com");
  CHECK_FALSE(c.tls.insecure_skip_verify);
  CHECK(c.checkpoints);
  CHECK(c.checkpoint_requests_per_second == 40);
  CHECK(c.expected_taskmanagers == 3);
  CHECK(c.taskmanager_lost_after == std::chrono::seconds(90));
  const ClusterConfig& batch = config->clusters[1];
  CHECK(batch.name == "batch");
  CHECK(batch.auth.bearer_token_file == "/etc/flink-ha-exporter/batch-token");
  CHECK_FALSE(batch.zookeeper.has_value());
}

TEST_CASE("an unreadable file is reported with its path", "[config]") {
  auto missing = LoadConfigFile("no/such/file.yml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "no/such/file.yml: error: cannot read: no such file or directory");
  const std::string dir = kFixtures + "/good";
  auto directory = LoadConfigFile(dir);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().message ==
        dir + ": error: cannot read: is a directory");
}

TEST_CASE("values in messages stay on one line and secrets are not echoed",
          "[config]") {
  const std::string base =
      "clusters:\n"
      "  - name: a\n"
      "    jobmanagers:\n"
      "      - name: jm-1\n"
      "        advertised: jobmanager:8081\n";
  auto multi_line =
      ParseConfig(base + "        url: \"http://a\\nb\\\"c\"\n", "t.yml");
  REQUIRE_FALSE(multi_line.ok());
  CHECK(multi_line.error().message ==
        "t.yml:6:14: error: url: expected a URL without spaces or control "
        "characters, found "
        "\"http://a\\nb\\\"c\"");

  auto credentials =
      ParseConfig(base + "        url: http://u:hunter2@localhost\n", "t.yml");
  REQUIRE_FALSE(credentials.ok());
  CHECK(credentials.error().message.find("hunter2") == std::string::npos);

  auto digest = ParseConfig(
      base +
          "        url: http://localhost:8081\n"
          "    zookeeper: {quorum: zk:2181, auth_digest: \":hunter2\"}\n",
      "t.yml");
  REQUIRE_FALSE(digest.ok());
  CHECK(
      digest.error().message ==
      "t.yml:7:47: error: auth_digest: expected user:password, found no user");
}

TEST_CASE("odd YAML shapes are errors and not crashes", "[config]") {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[a, b",
       "x.yml:1:1: error: invalid YAML: end of sequence flow not found"},
      {"clusters: *nope",
       "x.yml:1:11: error: invalid YAML: the referenced anchor is not defined"},
      {"just text",
       "x.yml:1:1: error: expected a mapping at the top level, found \"just "
       "text\""},
      {"? [a]\n: b\nclusters: []",
       "x.yml:1:3: error: expected a key name in configuration, found a list\n"
       "x.yml:3:11: error: clusters: expected at least one cluster, found an "
       "empty list"},
      {"clusters:\n  -\n",
       "x.yml:1:1: error: clusters: expected a mapping for each cluster, "
       "found an empty value"},
      {"",
       "x.yml:1:1: error: expected a mapping at the top level, found an empty "
       "document"},
      // yaml-cpp's LoadAll never ends on this one; the loader must.
      {",\nclusters: []",
       "x.yml:1:1: error: expected a mapping at the top level, found an empty "
       "document\n"
       "x.yml:1:1: error: expected one YAML document, found another"},
      {"clusters: []\n---\n---\n",
       "x.yml:1:11: error: clusters: expected at least one cluster, found an "
       "empty list\n"
       "x.yml:2:1: error: expected one YAML document, found another"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    auto config = ParseConfig(c.yaml, "x.yml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == c.message);
  }
}

TEST_CASE("deep nesting is an error and not a stack overflow", "[config]") {
  auto config =
      ParseConfig("clusters: " + std::string(100000, '['), "deep.yml");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message ==
        "deep.yml:1:1: error: invalid YAML: nested too deeply");
}

// Every prefix and many one-byte changes of the all-keys example either load or
// fail with well-formed problem lines; none crashes or throws.
TEST_CASE("damaged configs fail cleanly", "[config]") {
  const std::string text =
      ReadFile(kSourceDir + "/config/examples/all-keys.yml");
  const std::regex line_format(R"(f\.yml(:[0-9]+:[0-9]+)?: error: [^\n]+)");
  int failures = 0;
  const auto check = [&](const std::string& yaml) {
    auto config = ParseConfig(yaml, "f.yml");
    if (config.ok()) return;
    ++failures;
    std::istringstream in(config.error().message);
    for (std::string line; std::getline(in, line);) {
      if (!std::regex_match(line, line_format)) FAIL_CHECK(line);
    }
  };
  for (size_t n = 0; n < text.size(); n += 11) check(text.substr(0, n));
  for (size_t i = 0; i < text.size(); i += 19) {
    for (char c : {':', '-', '[', '"', ' ', '\t', 'x', '\n', '&', '*'}) {
      std::string damaged = text;
      damaged[i] = c;
      check(damaged);
    }
  }
  CHECK(failures > 100);  // the damage is real
}

TEST_CASE("anchors and aliases are resolved", "[config]") {
  auto config = ParseConfig(
      "clusters:\n"
      "  - name: a\n"
      "    jobmanagers: &jms\n"
      "      - {name: jm-1, url: \"http://localhost:8081\", advertised: "
      "\"jobmanager:8081\"}\n"
      "  - name: b\n"
      "    jobmanagers: *jms\n",
      "x.yml");
  REQUIRE(config.ok());
  REQUIRE(config->clusters.size() == 2);
  CHECK(config->clusters[1].jobmanagers.at(0).url == "http://localhost:8081");
}

}  // namespace
}  // namespace flinkha
