// The one address grammar: host:port, listen addresses, quorums, URLs, and the
// leader addresses Flink publishes. Pure; every layer above reads addresses
// through it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace flinkha {

struct HostPort {
  std::string host;  // IPv6 without brackets; empty only if optional
  int port = 0;
};

// Parses "host:port" or "[ipv6]:port" with a numeric port from min_port to
// 65535. With host_optional, ":port" is accepted too (listen addresses).
// Errors: `expected host:port, found "x"`, `expected a port 1-65535, found
// "x"`, `expected a host name or IP address, found "x"`.
Result<HostPort> ParseHostPort(std::string_view text,
                               bool host_optional = false, int min_port = 1);

// "host:port", or "[v6]:port" when the host holds a colon.
std::string FormatHostPort(const HostPort& hp);

// The listen address (`listen`, --web.listen-address): "[host]:port" with a
// port 0-65535 (0: any free port); no host is "0.0.0.0" (every address).
Result<HostPort> ParseListenAddress(std::string_view text);

// A ZooKeeper quorum: "host:port[,host:port...]", each member as ParseHostPort
// takes it, in order.
Result<std::vector<HostPort>> ParseQuorum(std::string_view text);

// A Flink REST base URL split into its parts.
struct HttpUrl {
  bool https = false;
  std::string host;         // IPv6 without brackets
  int port = 0;             // 80 or 443 when the URL names none
  std::string path_prefix;  // "" or "/prefix", without a trailing slash
};

// Checks a Flink REST base URL: http:// or https://, a host, an optional port,
// and an optional path prefix (for a reverse proxy); no credentials, query or
// fragment.
Result<HttpUrl> ParseHttpUrl(std::string_view text);

// The URL ParseHttpUrl accepts, without trailing slashes, so that callers
// append "/overview" and the like.
Result<std::string> NormalizeHttpUrl(std::string_view text);

// The host and port of an address as Flink publishes it (leader data) or the
// config names it: "http://Host:8081", "pekko.tcp://flink@host:6123/user/x",
// "host:8081", "[::1]:8081". For matching, not validating: the host is
// lower-cased and without brackets, the port 0 when absent or not a number.
HostPort AddressHostPort(std::string_view address);

}  // namespace flinkha
