// Four-letter-word answers: line-oriented, tolerant of unknown lines, strict on
// needed ones.
#include "model/zk_4lw.h"

#include <charconv>
#include <optional>
#include <vector>

namespace flinkha {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> Lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto nl = s.find('\n');
    out.push_back(Trim(s.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

std::optional<int64_t> ToInt(std::string_view s) {
  s = Trim(s);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ToDouble(std::string_view s) {
  s = Trim(s);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> MillisToSeconds(std::string_view s) {
  auto v = ToDouble(s);
  if (!v) return std::nullopt;
  return *v / 1000.0;
}

bool KnownMode(std::string_view m) {
  return m == "leader" || m == "follower" || m == "standalone" ||
         m == "observer" || m == "read-only";
}

Status Refusal(std::string_view answer, const char* cmd) {
  if (answer.empty())
    return Error{std::string(cmd) + ": expected an answer, found none"};
  if (IsNotWhitelisted(answer)) {
    return Error{std::string(cmd) +
                 ": not in the server's 4lw.commands.whitelist"};
  }
  if (IsNotServing(answer))
    return Error{std::string(cmd) + ": server is not serving requests"};
  return Ok{};
}

// "0x200000014" -> 8589934612; nullopt unless 0x and 1..16 hex digits.
std::optional<int64_t> HexToInt(std::string_view v) {
  if (v.size() < 3 || v.size() > 18 || v.substr(0, 2) != "0x") {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char ch : v.substr(2)) {
    int d;
    if (ch >= '0' && ch <= '9') {
      d = ch - '0';
    } else if (ch >= 'a' && ch <= 'f') {
      d = ch - 'a' + 10;
    } else if (ch >= 'A' && ch <= 'F') {
      d = ch - 'A' + 10;
    } else {
      return std::nullopt;
    }
    n = n * 16 + static_cast<uint64_t>(d);
  }
  return static_cast<int64_t>(n);
}

}  // namespace

bool IsNotWhitelisted(std::string_view answer) {
  return answer.find("is not executed because it is not in the whitelist") !=
         std::string_view::npos;
}

bool IsNotServing(std::string_view answer) {
  return answer.find("not currently serving requests") !=
         std::string_view::npos;
}

Status ParseSrvr(std::string_view answer, ZkServerHealth* out) {
  if (auto st = Refusal(answer, "srvr"); !st.ok()) return st;
  bool have_mode = false;
  for (std::string_view line : Lines(answer)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "Mode") {
      if (!KnownMode(value)) {
        return Error{
            "srvr: expected Mode leader, follower, standalone or observer, "
            "found \"" +
            std::string(value) + "\""};
      }
      out->mode = std::string(value);
      have_mode = true;
    } else if (key == "Latency min/avg/max") {
      const auto s1 = value.find('/');
      const auto s2 =
          s1 == std::string_view::npos ? s1 : value.find('/', s1 + 1);
      if (s2 == std::string_view::npos) {
        return Error{"srvr: expected latency as min/avg/max, found \"" +
                     std::string(value) + "\""};
      }
      auto mn = MillisToSeconds(value.substr(0, s1));
      auto avg = MillisToSeconds(value.substr(s1 + 1, s2 - s1 - 1));
      auto mx = MillisToSeconds(value.substr(s2 + 1));
      if (!mn || !avg || !mx) {
        return Error{"srvr: expected numeric latencies, found \"" +
                     std::string(value) + "\""};
      }
      out->latency_min_seconds = mn;
      out->latency_avg_seconds = avg;
      out->latency_max_seconds = mx;
    } else if (key == "Outstanding") {
      out->outstanding_requests = ToInt(value);
    } else if (key == "Node count") {
      out->znode_count = ToInt(value);
    } else if (key == "Connections") {
      out->connections = ToInt(value);
    } else if (key == "Zxid") {
      out->zxid = HexToInt(value);
    }
  }
  if (!have_mode) return Error{"srvr: expected a \"Mode:\" line, found none"};
  return Ok{};
}

Status ParseMntr(std::string_view answer, ZkServerHealth* out) {
  if (auto st = Refusal(answer, "mntr"); !st.ok()) return st;
  bool have_mode = false;
  for (std::string_view line : Lines(answer)) {
    auto sep = line.find('\t');
    if (sep == std::string_view::npos) sep = line.find(' ');
    if (sep == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, sep));
    const std::string_view value = Trim(line.substr(sep + 1));
    if (key == "zk_server_state") {
      if (!KnownMode(value)) {
        return Error{
            "mntr: expected zk_server_state leader, follower, standalone or "
            "observer, "
            "found \"" +
            std::string(value) + "\""};
      }
      out->mode = std::string(value);
      have_mode = true;
    } else if (key == "zk_min_latency") {
      out->latency_min_seconds = MillisToSeconds(value);
    } else if (key == "zk_avg_latency") {
      out->latency_avg_seconds = MillisToSeconds(value);
    } else if (key == "zk_max_latency") {
      out->latency_max_seconds = MillisToSeconds(value);
    } else if (key == "zk_outstanding_requests") {
      out->outstanding_requests = ToInt(value);
    } else if (key == "zk_znode_count") {
      out->znode_count = ToInt(value);
    } else if (key == "zk_num_alive_connections") {
      out->connections = ToInt(value);
    }
  }
  if (!have_mode)
    return Error{"mntr: expected a zk_server_state line, found none"};
  return Ok{};
}

Status ParseRuok(std::string_view answer) {
  if (auto st = Refusal(answer, "ruok"); !st.ok()) return st;
  if (Trim(answer) != "imok") {
    return Error{"ruok: expected \"imok\", found \"" +
                 std::string(Trim(answer).substr(0, 80)) + "\""};
  }
  return Ok{};
}

}  // namespace flinkha
