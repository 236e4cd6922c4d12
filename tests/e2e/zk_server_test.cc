// The test ZooKeeper server and the Java contender work together: the base
// every HA test uses.
#include "support/zk_server.h"

#include <catch2/catch.hpp>

namespace flinkha::testing {
namespace {

TEST_CASE("A real ZooKeeper answers srvr and refuses non-whitelisted 4lw",
          "[zk]") {
  ZkServer zk("srvr");
  REQUIRE(zk.Start());
  CHECK(FourLetterWord(zk.port(), "srvr").find("Mode: standalone") !=
        std::string::npos);
  CHECK(FourLetterWord(zk.port(), "ruok").find("not in the whitelist") !=
        std::string::npos);
}

TEST_CASE("Two Java contenders elect exactly one leader", "[zk]") {
  ZkServer zk;
  REQUIRE(zk.Start());
  const std::string cp = SimClasspath();
  REQUIRE_FALSE(cp.empty());
  TempDir dir;
  auto contender = [&](const std::string& name) {
    return std::make_unique<Subprocess>(
        std::vector<std::string>{
            "java", "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", cp,
            "flinksim.Contender", "--zk", zk.connect_string(), "--namespace",
            "flink/test", "--rest", "http://" + name + ":8081", "--rpc",
            name + ":6123"},
        dir.path() + "/" + name + ".log");
  };
  auto a = contender("jm1");
  REQUIRE(a->WaitForLog("LEADER ", std::chrono::seconds(20)));
  auto b = contender("jm2");
  REQUIRE(b->WaitForLog("STARTED", std::chrono::seconds(20)));
  a->WriteStdin("close\n");  // graceful: b takes over at once
  CHECK(b->WaitForLog("LEADER ", std::chrono::seconds(10)));
}

}  // namespace
}  // namespace flinkha::testing
