// Tests for the four-letter-word parsers over answers captured from a real
// ZooKeeper 3.8.
#include "model/zk_4lw.h"

#include <catch2/catch.hpp>
#include <fstream>

namespace flinkha {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream f(
      std::string(FLINKHA_SOURCE_DIR) + "/tests/fixtures/zookeeper/" + name,
      std::ios::binary);
  REQUIRE(f.good());
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

TEST_CASE("ParseSrvr reads a real standalone answer", "[model][zk_4lw]") {
  ZkServerHealth h;
  REQUIRE(ParseSrvr(Fixture("4lw_srvr_standalone.txt"), &h).ok());
  CHECK(h.mode == "standalone");
  CHECK(h.latency_avg_seconds == Approx(0.0));
  CHECK(h.outstanding_requests == 0);
  CHECK(h.znode_count == 5);
  CHECK(h.connections == 1);
}

TEST_CASE("ParseSrvr converts latencies from milliseconds to seconds",
          "[model][zk_4lw]") {
  ZkServerHealth h;
  REQUIRE(ParseSrvr(Fixture("4lw_srvr_follower.txt"), &h).ok());
  CHECK(h.mode == "follower");
  CHECK(*h.latency_min_seconds == Approx(0.001));
  CHECK(*h.latency_avg_seconds == Approx(0.0025));
  CHECK(*h.latency_max_seconds == Approx(0.037));
  CHECK(h.outstanding_requests == 2);
  CHECK(h.znode_count == 117);
  CHECK(h.connections == 4);
}

TEST_CASE("ParseMntr reads a real answer", "[model][zk_4lw]") {
  ZkServerHealth h;
  REQUIRE(ParseMntr(Fixture("4lw_mntr_standalone.txt"), &h).ok());
  CHECK(h.mode == "standalone");
  CHECK(h.latency_max_seconds.has_value());
  CHECK(h.znode_count == 5);
  CHECK(h.connections == 1);
  CHECK(h.outstanding_requests == 0);
}

TEST_CASE("ParseRuok accepts imok only", "[model][zk_4lw]") {
  CHECK(ParseRuok(Fixture("4lw_ruok_standalone.txt")).ok());
  CHECK_FALSE(ParseRuok("").ok());
  CHECK_FALSE(ParseRuok("imnotok").ok());
}

TEST_CASE("The whitelist refusal is recognised, not misparsed",
          "[model][zk_4lw]") {
  const std::string refusal = Fixture("4lw_not_whitelisted.txt");
  CHECK(IsNotWhitelisted(refusal));
  CHECK_FALSE(IsNotWhitelisted(Fixture("4lw_srvr_standalone.txt")));
  ZkServerHealth h;
  auto st = ParseMntr(
      "mntr is not executed because it is not in the whitelist.\n", &h);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message, Catch::Contains("whitelist"));
}

TEST_CASE("Malformed 4lw answers give errors naming what was expected",
          "[model][zk_4lw]") {
  struct Case {
    std::string answer;
    std::string want;
  };
  const std::vector<Case> srvr = {
      {"", "expected an answer"},
      {"Zookeeper version: 3.8\nNode count: 5\n", "expected a \"Mode:\" line"},
      {"Mode: boss\n", "found \"boss\""},
      {"Latency min/avg/max: 1/2\nMode: leader\n", "min/avg/max"},
      {"Latency min/avg/max: a/b/c\nMode: leader\n", "numeric latencies"},
      {"This ZooKeeper instance is not currently serving requests\n",
       "not serving"},
  };
  for (const auto& tc : srvr) {
    INFO(tc.answer);
    ZkServerHealth h;
    auto st = ParseSrvr(tc.answer, &h);
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.error().message, Catch::Contains(tc.want));
  }
  ZkServerHealth h;
  CHECK_FALSE(ParseMntr("zk_version\t3.8\n", &h).ok());
  // Unknown or garbled optional lines are ignored, not fatal.
  REQUIRE(ParseSrvr("Mode: leader\nOutstanding: lots\nWhatever\n", &h).ok());
  CHECK(h.mode == "leader");
  CHECK_FALSE(h.outstanding_requests.has_value());
}

}  // namespace
}  // namespace flinkha
