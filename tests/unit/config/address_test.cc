// Table tests for ParseHostPort and NormalizeHttpUrl.
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

}  // namespace
}  // namespace flinkha
