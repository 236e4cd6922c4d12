// Pure checks for the network addresses in the configuration: host:port, quorum
// entries, URLs.
#pragma once

#include <string>
#include <string_view>

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

// Checks a Flink REST base URL: http:// or https://, a host, an optional port,
// and an optional path prefix (for a reverse proxy); no credentials, query or
// fragment. Returns the URL without trailing slashes so that callers append
// "/overview" and the like.
Result<std::string> NormalizeHttpUrl(std::string_view text);

}  // namespace flinkha
