// JobManager REST parsers (shapes of Flink 1.13 to 1.20, see
// docs/flink-facts.md).
#include "model/rest_parsers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "config/address.h"
#include "model/json_reader.h"

namespace flinkha {
namespace {

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// "123" -> 123; "3.0" -> 3 (some gauges print as doubles); anything else is
// nullopt.
std::optional<int64_t> ParseIntegerText(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
  if (s.empty()) return std::nullopt;
  char* stop = nullptr;
  const double d = std::strtod(s.c_str(), &stop);
  if (stop != s.c_str() + s.size() || !std::isfinite(d) || std::trunc(d) != d ||
      std::fabs(d) > 9.2e18) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

}  // namespace

Result<FlinkConfigInfo> ParseFlinkConfig(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  FlinkConfigInfo out;
  out.flink_version = r.String("flink-version");
  out.flink_revision = r.OptString("flink-revision").value_or("");
  if (!r.ok()) return *r.error();
  return out;
}

Result<ClusterOverview> ParseOverview(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  ClusterOverview out;
  out.taskmanagers = r.Int("taskmanagers");
  out.slots_total = r.Int("slots-total");
  out.slots_available = r.Int("slots-available");
  if (!r.ok()) return *r.error();
  return out;
}

Result<std::vector<JobSummary>> ParseJobsOverview(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  const Json* jobs = r.Array("jobs");
  if (!r.ok()) return *r.error();
  std::vector<JobSummary> out;
  out.reserve(jobs->size());
  for (size_t i = 0; i < jobs->size(); ++i) {
    ObjectReader j((*jobs)[i], Index("jobs", i));
    JobSummary s;
    s.id = j.String("jid");
    s.name = j.String("name");
    s.state = j.String("state");
    s.start_time_ms = j.Int("start-time");
    s.last_modification_ms = j.Int("last-modification");
    if (const Json* tasks = j.OptObject("tasks")) {
      ObjectReader t(*tasks, j.PathOf("tasks"));
      s.tasks_total = t.Int("total");
      s.tasks_running = t.Int("running");
      j.Absorb(t);
    }
    if (!j.ok()) return *j.error();
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<TaskManagerSummary>> ParseTaskManagers(
    std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  const Json* tms = r.Array("taskmanagers");
  if (!r.ok()) return *r.error();
  std::vector<TaskManagerSummary> out;
  out.reserve(tms->size());
  for (size_t i = 0; i < tms->size(); ++i) {
    ObjectReader t((*tms)[i], Index("taskmanagers", i));
    TaskManagerSummary s;
    s.id = t.String("id");
    s.path = t.OptString("path").value_or("");
    s.address = RpcHostPort(s.path);
    s.slots_number = t.Int("slotsNumber");
    s.free_slots = t.Int("freeSlots");
    s.last_heartbeat_ms = t.OptInt("timeSinceLastHeartbeat").value_or(0);
    if (!t.ok()) return *t.error();
    out.push_back(std::move(s));
  }
  return out;
}

std::string RpcHostPort(std::string_view rpc_address) {
  const auto scheme = rpc_address.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = rpc_address.substr(scheme + 3);
  const auto at = rest.find('@');
  if (at == std::string_view::npos) return "";  // local: no host
  rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find('/'));
  auto hp = ParseHostPort(rest);
  if (!hp.ok()) return "";
  HostPort lower = *hp;
  std::transform(lower.host.begin(), lower.host.end(), lower.host.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return FormatHostPort(lower);
}

Result<std::optional<int64_t>> ParseJobMetricValue(
    std::string_view body, const std::vector<std::string>& ids) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  if (!json->is_array()) {
    return Error{"expected a JSON array of metrics, found " +
                 JsonTypeName(*json)};
  }
  std::vector<std::optional<int64_t>> found(ids.size());
  for (size_t i = 0; i < json->size(); ++i) {
    ObjectReader m((*json)[i], Index("", i));
    const std::string id = m.String("id");
    const std::string value = m.String("value");
    if (!m.ok()) return *m.error();
    for (size_t k = 0; k < ids.size(); ++k) {
      if (id != ids[k]) continue;
      auto v = ParseIntegerText(value);
      if (!v) {
        return Error{Index("", i) +
                     ".value: expected an integer in a string, found \"" +
                     value.substr(0, 40) + "\""};
      }
      found[k] = v;
    }
  }
  for (const auto& v : found) {
    if (v) return std::optional<int64_t>(v);
  }
  return std::optional<int64_t>();
}

std::string FlinkErrorMessage(std::string_view body) {
  Json json = Json::parse(body.begin(), body.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  auto it = json.find("errors");
  if (it == json.end() || !it->is_array() || it->empty() ||
      !(*it)[0].is_string())
    return "";
  std::string msg = (*it)[0].get<std::string>();
  // Flink appends Java stack traces to some messages: keep the first line.
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  if (msg.size() > 200) msg = msg.substr(0, 197) + "...";
  return msg;
}

bool IsLeaderElectionAnswer(int status, std::string_view body) {
  if (status != 503) return false;
  Json json = Json::parse(body.begin(), body.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (!json.is_object()) return false;
  auto it = json.find("errors");
  if (it == json.end() || !it->is_array()) return false;
  for (const auto& e : *it) {
    if (e.is_string() &&
        e.get<std::string>().find("leader election") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace flinkha
