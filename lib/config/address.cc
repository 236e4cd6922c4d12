// The address grammar (see address.h).
#include "config/address.h"

#include <cctype>
#include <utility>

#include "config/quote.h"

namespace flinkha {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F') || c == ':' || c == '.' || c == '%';
}

// Checks a host (brackets already removed for IPv6).
bool ValidHost(std::string_view host, bool bracketed) {
  if (host.empty()) return false;
  for (char c : host) {
    if (!(bracketed ? IsIpv6Char(c) : IsHostChar(c))) return false;
  }
  return true;
}

Result<int> ParsePort(std::string_view text, int min_port) {
  const Error bad{"expected a port " + std::to_string(min_port) +
                  "-65535, found " + QuoteValue(text)};
  if (text.empty() || text.size() > 5) return bad;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad;
    port = port * 10 + (c - '0');
  }
  if (port < min_port || port > 65535) return bad;
  return port;
}

// Splits "host:port" / "[v6]:port" / "host" into host and port text; false when
// malformed.
bool SplitHostPort(std::string_view text, std::string_view* host,
                   std::string_view* port, bool* has_port, bool* bracketed) {
  *bracketed = !text.empty() && text.front() == '[';
  std::string_view rest;
  if (*bracketed) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    *host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const size_t colon = text.find(':');
    *host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view()
                                           : text.substr(colon);
  }
  *has_port = !rest.empty();
  if (*has_port && rest.front() != ':') return false;
  *port = *has_port ? rest.substr(1) : std::string_view();
  return true;
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text, bool host_optional,
                               int min_port) {
  const Error shape{std::string(host_optional ? "expected [host]:port"
                                              : "expected host:port") +
                    ", found " + QuoteValue(text)};
  std::string_view host, port;
  bool has_port = false, bracketed = false;
  if (!SplitHostPort(text, &host, &port, &has_port, &bracketed) || !has_port)
    return shape;
  if (host.empty() && !(host_optional && !bracketed)) return shape;
  if (!host.empty() && !ValidHost(host, bracketed)) {
    return Error{"expected a host name or IP address, found " +
                 QuoteValue(host)};
  }
  auto p = ParsePort(port, min_port);
  if (!p.ok()) return p.error();
  return HostPort{std::string(host), *p};
}

std::string FormatHostPort(const HostPort& hp) {
  const bool v6 = hp.host.find(':') != std::string::npos;
  return (v6 ? "[" + hp.host + "]" : hp.host) + ":" + std::to_string(hp.port);
}

Result<HostPort> ParseListenAddress(std::string_view text) {
  auto hp = ParseHostPort(text, /*host_optional=*/true, /*min_port=*/0);
  if (hp.ok() && hp->host.empty()) hp->host = "0.0.0.0";
  return hp;
}

Result<std::vector<HostPort>> ParseQuorum(std::string_view text) {
  std::vector<HostPort> members;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    auto hp = ParseHostPort(text.substr(start, comma - start));
    if (!hp.ok()) return hp.error();
    members.push_back(std::move(hp).value());
    if (comma == std::string_view::npos) return members;
    start = comma + 1;
  }
}

Result<HttpUrl> ParseHttpUrl(std::string_view text) {
  HttpUrl url;
  std::string_view rest;
  bool has_scheme = false;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text.substr(0, scheme.size()) == scheme) {
      rest = text.substr(scheme.size());
      url.https = scheme == "https://";
      has_scheme = true;
    }
  }
  if (!has_scheme) {
    return Error{"expected an http:// or https:// URL, found " +
                 QuoteValue(text)};
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return Error{
          "expected a URL without spaces or control characters, found " +
          QuoteValue(text)};
    }
  }
  if (text.find_first_of("?#") != std::string_view::npos) {
    return Error{"expected a URL without query or fragment, found " +
                 QuoteValue(text)};
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    // The value is not quoted back: it holds a password.
    return Error{
        "expected a URL without user name or password (set them under auth)"};
  }
  std::string_view host, port;
  bool has_port = false, bracketed = false;
  if (!SplitHostPort(authority, &host, &port, &has_port, &bracketed) ||
      host.empty()) {
    return Error{"expected a host in the URL, found " + QuoteValue(text)};
  }
  if (!ValidHost(host, bracketed)) {
    return Error{"expected a host name or IP address, found " +
                 QuoteValue(host)};
  }
  url.host = std::string(host);
  url.port = url.https ? 443 : 80;
  if (has_port) {
    auto p = ParsePort(port, 1);
    if (!p.ok()) return p.error();
    url.port = *p;
  }
  if (slash != std::string_view::npos) {
    url.path_prefix = std::string(rest.substr(slash));
    while (!url.path_prefix.empty() && url.path_prefix.back() == '/')
      url.path_prefix.pop_back();
  }
  return url;
}

Result<std::string> NormalizeHttpUrl(std::string_view text) {
  auto url = ParseHttpUrl(text);
  if (!url.ok()) return url.error();
  std::string normalized(text);
  while (normalized.back() == '/') normalized.pop_back();
  return normalized;
}

HostPort AddressHostPort(std::string_view a) {
  if (auto p = a.find("://"); p != std::string_view::npos) a = a.substr(p + 3);
  if (auto at = a.find('@'); at != std::string_view::npos) a = a.substr(at + 1);
  if (auto slash = a.find('/'); slash != std::string_view::npos)
    a = a.substr(0, slash);
  std::string_view host = a, port;
  bool has_port = false, bracketed = false;
  if (!SplitHostPort(a, &host, &port, &has_port, &bracketed)) host = a;
  HostPort out{std::string(host), 0};
  for (auto& c : out.host)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (has_port) {
    if (auto p = ParsePort(port, 1); p.ok()) out.port = *p;
  }
  return out;
}

}  // namespace flinkha
