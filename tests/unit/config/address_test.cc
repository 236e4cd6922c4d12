// Table tests for the address grammar (config/address.h).
#include "config/address.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace flinkha {
namespace {

TEST_CASE("ParseHostPort accepts host:port forms", "[config]") {
  struct Case {
    std::string text;
    bool host_optional;
    int min_port;
    std::string host;
    int port;
  };
  const std::vector<Case> cases = {
      {"jobmanager:8081", false, 1, "jobmanager", 8081},
      {"10.0.0.7:6123", false, 1, "10.0.0.7", 6123},
      {"[fd00::1]:8081", false, 1, "fd00::1", 8081},
      {"flink_jm.svc-1.local:65535", false, 1, "flink_jm.svc-1.local", 65535},
      {":9879", true, 0, "", 9879},
      {"[::]:0", true, 0, "::", 0},
      {"127.0.0.1:0", true, 0, "127.0.0.1", 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto hp = ParseHostPort(c.text, c.host_optional, c.min_port);
    REQUIRE(hp.ok());
    CHECK(hp->host == c.host);
    CHECK(hp->port == c.port);
  }
}

TEST_CASE("ParseHostPort says what is wrong", "[config]") {
  struct Case {
    std::string text;
    bool host_optional;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"jobmanager", false, "expected host:port, found \"jobmanager\""},
      {"", false, "expected host:port, found \"\""},
      {":8081", false, "expected host:port, found \":8081\""},
      {"9879", true, "expected [host]:port, found \"9879\""},
      {"[]:80", true, "expected [host]:port, found \"[]:80\""},
      {"[::1]8081", false, "expected host:port, found \"[::1]8081\""},
      {"[::1:8081", false, "expected host:port, found \"[::1:8081\""},
      {"jobmanager:", false, "expected a port 1-65535, found \"\""},
      {"jobmanager:0", false, "expected a port 1-65535, found \"0\""},
      {"jobmanager:65536", false, "expected a port 1-65535, found \"65536\""},
      {"jobmanager:-1", false, "expected a port 1-65535, found \"-1\""},
      {"jobmanager:8081/", false, "expected a port 1-65535, found \"8081/\""},
      {"::1:8081", false, "expected host:port, found \"::1:8081\""},
      {"job manager:8081", false,
       "expected a host name or IP address, found \"job manager\""},
      {"[zz::1]:8081", false,
       "expected a host name or IP address, found \"zz::1\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto hp = ParseHostPort(c.text, c.host_optional, 1);
    REQUIRE_FALSE(hp.ok());
    CHECK(hp.error().message == c.message);
  }
}

TEST_CASE("NormalizeHttpUrl accepts base URLs and drops trailing slashes",
          "[config]") {
  struct Case {
    std::string text;
    std::string normalized;
  };
  const std::vector<Case> cases = {
      {"http://localhost:8081", "http://localhost:8081"},
      {"http://localhost:8081/", "http://localhost:8081"},
      {"https://flink.example.com", "https://flink.example.com"},
      {"http://[::1]:8081/", "http://[::1]:8081"},
      {"https://proxy/flink/jm-1/", "https://proxy/flink/jm-1"},
      {"http://proxy//", "http://proxy"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto url = NormalizeHttpUrl(c.text);
    REQUIRE(url.ok());
    CHECK(*url == c.normalized);
  }
}

TEST_CASE("NormalizeHttpUrl says what is wrong", "[config]") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"localhost:8081",
       "expected an http:// or https:// URL, found \"localhost:8081\""},
      {"HTTP://localhost",
       "expected an http:// or https:// URL, found \"HTTP://localhost\""},
      {"ftp://localhost",
       "expected an http:// or https:// URL, found \"ftp://localhost\""},
      {"http://", "expected a host in the URL, found \"http://\""},
      {"http:///overview",
       "expected a host in the URL, found \"http:///overview\""},
      {"http://:8081", "expected a host in the URL, found \"http://:8081\""},
      {"http://h:0", "expected a port 1-65535, found \"0\""},
      {"http://h:http", "expected a port 1-65535, found \"http\""},
      {"http://h:", "expected a port 1-65535, found \"\""},
      {"http://a_b c",
       "expected a URL without spaces or control characters, found "
       "\"http://a_b c\""},
      {"http://h/?x=1",
       "expected a URL without query or fragment, found \"http://h/?x=1\""},
      {"http://h/#top",
       "expected a URL without query or fragment, found \"http://h/#top\""},
      {"http://user:pw@h",
       "expected a URL without user name or password (set them under auth)"},
      {"http://h!:80", "expected a host name or IP address, found \"h!\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto url = NormalizeHttpUrl(c.text);
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().message == c.message);
  }
}

TEST_CASE("ParseListenAddress takes [host]:port with port 0 and no host",
          "[config]") {
  auto any = ParseListenAddress(":9879");
  REQUIRE(any.ok());
  CHECK(any->host == "0.0.0.0");
  CHECK(any->port == 9879);
  auto v6 = ParseListenAddress("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  auto big = ParseListenAddress("127.0.0.1:65536");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "expected a port 0-65535, found \"65536\"");
  auto bare = ParseListenAddress("localhost");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().message == "expected [host]:port, found \"localhost\"");
}

TEST_CASE("ParseQuorum takes every member or names the first bad one",
          "[config]") {
  auto q = ParseQuorum("zk-1:2181,[fd00::2]:2182");
  REQUIRE(q.ok());
  REQUIRE(q->size() == 2);
  CHECK(FormatHostPort((*q)[0]) == "zk-1:2181");
  CHECK((*q)[1].host == "fd00::2");
  CHECK(FormatHostPort((*q)[1]) == "[fd00::2]:2182");
  auto bad = ParseQuorum("zk-1:2181,zk-2");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "expected host:port, found \"zk-2\"");
  CHECK_FALSE(ParseQuorum("zk-1:99999").ok());
  CHECK_FALSE(ParseQuorum(":2181").ok());
  CHECK_FALSE(ParseQuorum("").ok());
}

TEST_CASE("ParseHttpUrl splits scheme, host, port and prefix", "[config]") {
  auto a = ParseHttpUrl("https://[::1]/flink/jm-1/");
  REQUIRE(a.ok());
  CHECK(a->https);
  CHECK(a->host == "::1");
  CHECK(a->port == 443);
  CHECK(a->path_prefix == "/flink/jm-1");
  auto b = ParseHttpUrl("http://jobmanager:8082");
  REQUIRE(b.ok());
  CHECK_FALSE(b->https);
  CHECK(b->host == "jobmanager");
  CHECK(b->port == 8082);
  CHECK(b->path_prefix.empty());
}

// One grammar for bracketed IPv6 wherever an address is read: the brackets go,
// the port stays a port.
TEST_CASE("Bracketed IPv6 reads the same in every address form", "[config]") {
  const std::string v6 = "fd00::7";
  CHECK(ParseHostPort("[fd00::7]:8081")->host == v6);
  CHECK(ParseHostPort("[fd00::7]:8081")->port == 8081);
  CHECK(ParseListenAddress("[fd00::7]:8081")->host == v6);
  CHECK((*ParseQuorum("[fd00::7]:8081"))[0].host == v6);
  CHECK(ParseHttpUrl("http://[fd00::7]:8081")->host == v6);
  CHECK(ParseHttpUrl("http://[fd00::7]:8081")->port == 8081);
  for (const char* a : {"[FD00::7]:8081", "http://[fd00::7]:8081/x",
                        "pekko.tcp://flink@[fd00::7]:8081/user/rpc/d"}) {
    INFO(a);
    CHECK(AddressHostPort(a).host == v6);
    CHECK(AddressHostPort(a).port == 8081);
  }
  CHECK(AddressHostPort("[fd00::7]").host == v6);
  CHECK(AddressHostPort("[fd00::7]").port == 0);
  CHECK(FormatHostPort({v6, 8081}) == "[fd00::7]:8081");
}

TEST_CASE("AddressHostPort reads leader addresses leniently", "[config]") {
  CHECK(AddressHostPort("http://JobManager:8081").host == "jobmanager");
  CHECK(AddressHostPort("http://JobManager:8081").port == 8081);
  CHECK(AddressHostPort("akka.tcp://flink@jm-2:6123/user/rpc/x").host ==
        "jm-2");
  CHECK(AddressHostPort("akka.tcp://flink@jm-2:6123/user/rpc/x").port == 6123);
  CHECK(AddressHostPort("jm-1").host == "jm-1");
  CHECK(AddressHostPort("jm-1").port == 0);
  CHECK(AddressHostPort("").host.empty());
}

}  // namespace
}  // namespace flinkha
