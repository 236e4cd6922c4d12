// Host:port and URL validation for the configuration loader.
#include "config/address.h"

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

Result<std::string> NormalizeHttpUrl(std::string_view text) {
  std::string_view rest;
  bool has_scheme = false;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text.substr(0, scheme.size()) == scheme) {
      rest = text.substr(scheme.size());
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
  if (has_port) {
    auto p = ParsePort(port, 1);
    if (!p.ok()) return p.error();
  }
  std::string normalized(text);
  while (normalized.back() == '/') normalized.pop_back();
  return normalized;
}

}  // namespace flinkha
