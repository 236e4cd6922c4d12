// Kubernetes HA ConfigMaps: strict JSON readers and the observation built from
// them.
#include "model/k8s_ha.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include "model/job_id.h"
#include "model/json_reader.h"

namespace flinkha {
namespace {

constexpr std::string_view kLeaderKeyPrefix = "org.apache.flink.k8s.leader.";
constexpr std::string_view kCheckpointKeyPrefix = "checkpointID-";

// A map<string, string> field (labels, annotations, data); absent or null is
// empty.
void ReadStringMap(ObjectReader* r, const char* key,
                   std::map<std::string, std::string>* out) {
  const Json* obj = r->OptObject(key);
  if (obj == nullptr) return;
  for (const auto& [k, v] : obj->items()) {
    if (!v.is_string()) {
      r->Fail(r->PathOf(key) + "." + k,
              "expected string, found " + JsonTypeName(v));
      return;
    }
    (*out)[k] = v.get<std::string>();
  }
}

Result<K8sConfigMap> ReadConfigMap(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    return Error{path + ": expected an object, found " + JsonTypeName(value)};
  }
  ObjectReader r(value, path);
  K8sConfigMap cm;
  if (const Json* meta = r.Object("metadata")) {
    ObjectReader m(*meta, r.PathOf("metadata"));
    cm.name = m.String("name");
    cm.resource_version = m.OptString("resourceVersion").value_or("");
    ReadStringMap(&m, "labels", &cm.labels);
    ReadStringMap(&m, "annotations", &cm.annotations);
    r.Absorb(m);
  }
  ReadStringMap(&r, "data", &cm.data);
  if (!r.ok()) return *r.error();
  return cm;
}

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Flink's component names in leader keys -> the exporter's component names.
std::optional<std::string> ComponentOfKey(std::string_view name) {
  if (name == "dispatcher") return "dispatcher";
  if (name == "resourcemanager") return "resource_manager";
  if (name == "restserver") return "rest_server";
  return std::nullopt;
}

}  // namespace

Result<K8sConfigMapList> ParseConfigMapList(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  if (!json->is_object()) {
    return Error{"expected a ConfigMapList object, found " +
                 JsonTypeName(*json)};
  }
  ObjectReader r(*json, "");
  K8sConfigMapList list;
  if (auto kind = r.OptString("kind");
      kind && *kind != "ConfigMapList" && *kind != "List") {
    return Error{"kind: expected ConfigMapList, found " + *kind};
  }
  if (const Json* meta = r.OptObject("metadata")) {
    ObjectReader m(*meta, "metadata");
    list.resource_version = m.OptString("resourceVersion").value_or("");
    r.Absorb(m);
  }
  const Json* items = r.OptArray("items");
  if (!r.ok()) return *r.error();
  if (items != nullptr) {
    for (size_t i = 0; i < items->size(); ++i) {
      auto cm = ReadConfigMap((*items)[i], "items[" + std::to_string(i) + "]");
      if (!cm.ok()) return cm.error();
      list.items.push_back(std::move(cm).value());
    }
  }
  return list;
}

Result<K8sWatchEvent> ParseWatchEvent(std::string_view line) {
  auto json = ParseJsonBody(line);
  if (!json.ok()) return json.error();
  if (!json->is_object()) {
    return Error{"expected a watch event object, found " + JsonTypeName(*json)};
  }
  ObjectReader r(*json, "");
  K8sWatchEvent e;
  e.type = r.String("type");
  const Json* obj = r.Object("object");
  if (!r.ok()) return *r.error();
  if (e.type == "ERROR") {
    ObjectReader s(*obj, "object");
    e.status_code = static_cast<int>(s.OptInt("code").value_or(0));
    e.message = s.OptString("message").value_or("");
    if (!s.ok()) return *s.error();
    return e;
  }
  if (e.type != "ADDED" && e.type != "MODIFIED" && e.type != "DELETED" &&
      e.type != "BOOKMARK") {
    return Error{
        "type: expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, "
        "found " +
        e.type};
  }
  auto cm = ReadConfigMap(*obj, "object");
  if (e.type == "BOOKMARK") {
    // Only metadata.resourceVersion is promised.
    ObjectReader b(*obj, "object");
    if (const Json* meta = b.Object("metadata")) {
      ObjectReader m(*meta, "object.metadata");
      e.object.resource_version = m.String("resourceVersion");
      if (!m.ok()) return *m.error();
    }
    if (!b.ok()) return *b.error();
    return e;
  }
  if (!cm.ok()) return cm.error();
  e.object = std::move(cm).value();
  return e;
}

std::string StatusMessage(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (json.ok() && json->is_object()) {
    auto it = json->find("message");
    if (it != json->end() && it->is_string()) return it->get<std::string>();
  }
  std::string s(body.substr(0, 200));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::optional<double> ParseIsoDuration(std::string_view text) {
  if (text.size() < 3 || text.substr(0, 2) != "PT") return std::nullopt;
  std::string_view rest = text.substr(2);
  double total = 0;
  bool any = false;
  while (!rest.empty()) {
    size_t n = 0;
    while (n < rest.size() &&
           ((rest[n] >= '0' && rest[n] <= '9') || rest[n] == '.')) {
      ++n;
    }
    if (n == 0 || n == rest.size()) return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + n, v);
    if (ec != std::errc() || p != rest.data() + n) return std::nullopt;
    switch (rest[n]) {
      case 'H':
        total += v * 3600;
        break;
      case 'M':
        total += v * 60;
        break;
      case 'S':
        total += v;
        break;
      default:
        return std::nullopt;
    }
    any = true;
    rest = rest.substr(n + 1);
  }
  if (!any) return std::nullopt;
  return total;
}

std::optional<TimePoint> ParseRfc3339(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const std::string_view parts[] = {t.substr(0, 4),  t.substr(5, 2),
                                    t.substr(8, 2),  t.substr(11, 2),
                                    t.substr(14, 2), t.substr(17, 2)};
  for (auto p : parts) {
    if (!Digits(p)) return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = ToInt(parts[0]) - 1900;
  tm.tm_mon = ToInt(parts[1]) - 1;
  tm.tm_mday = ToInt(parts[2]);
  tm.tm_hour = ToInt(parts[3]);
  tm.tm_min = ToInt(parts[4]);
  tm.tm_sec = ToInt(parts[5]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  int64_t nanos = 0;
  if (i < t.size() && t[i] == '.') {
    size_t start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return std::nullopt;
    std::string frac(t.substr(start, std::min<size_t>(i - start, 9)));
    frac.resize(9, '0');
    nanos = std::stoll(frac);
  }
  int64_t offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i + 6 == t.size() && (t[i] == '+' || t[i] == '-') &&
             t[i + 3] == ':' && Digits(t.substr(i + 1, 2)) &&
             Digits(t.substr(i + 4, 2))) {
    offset = (ToInt(t.substr(i + 1, 2)) * 60 + ToInt(t.substr(i + 4, 2))) * 60;
    if (t[i] == '-') offset = -offset;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  const time_t secs = timegm(&tm) - offset;
  // The clock holds nanoseconds up to the year 2262: a later (or pre-1970)
  // time is no time, not a signed overflow (found by k8s_ha_fuzz).
  constexpr int64_t kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(
          TimePoint::duration::max())
          .count() -
      1;
  if (secs < 0 || secs > kMaxSeconds) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(secs) + std::chrono::nanoseconds(nanos)));
}

Result<LeaderElectionRecord> ParseLeaderElectionRecord(std::string_view text) {
  auto json = ParseJsonBody(text);
  if (!json.ok()) return json.error();
  if (!json->is_object()) {
    return Error{"expected a leader election record object, found " +
                 JsonTypeName(*json)};
  }
  ObjectReader r(*json, "");
  LeaderElectionRecord rec;
  rec.holder_identity = r.OptString("holderIdentity").value_or("");
  rec.leader_transitions = r.OptInt("leaderTransitions").value_or(0);
  if (!r.ok()) return *r.error();
  if (auto it = json->find("leaseDuration"); it != json->end()) {
    if (it->is_number()) {
      rec.lease_duration_seconds = it->get<double>();
    } else if (it->is_string()) {
      auto d = ParseIsoDuration(it->get<std::string>());
      if (!d) {
        return Error{
            "leaseDuration: expected an ISO-8601 duration such as "
            "PT15S, found \"" +
            it->get<std::string>() + "\""};
      }
      rec.lease_duration_seconds = *d;
    } else if (!it->is_null()) {
      return Error{"leaseDuration: expected a duration, found " +
                   JsonTypeName(*it)};
    }
  }
  for (auto [key, slot] : {std::pair{"acquireTime", &rec.acquire_time},
                           std::pair{"renewTime", &rec.renew_time}}) {
    auto it = json->find(key);
    if (it == json->end() || it->is_null()) continue;
    if (!it->is_string()) {
      return Error{std::string(key) + ": expected a time, found " +
                   JsonTypeName(*it)};
    }
    *slot = ParseRfc3339(it->get<std::string>());
    if (!*slot) {
      return Error{std::string(key) + ": expected an RFC 3339 time, found \"" +
                   it->get<std::string>() + "\""};
    }
  }
  return rec;
}

Result<std::optional<LeaderInfo>> ParseK8sLeaderValue(std::string_view value) {
  if (value.empty()) return std::optional<LeaderInfo>();
  const size_t comma = value.find(',');
  if (comma == std::string_view::npos) {
    return Error{"expected \"<session id>,<address>\", found no comma"};
  }
  LeaderInfo info;
  info.session_id = std::string(value.substr(0, comma));
  info.address = std::string(value.substr(comma + 1));
  // A UUID: 36 characters, hex digits and four dashes.
  const bool uuid =
      info.session_id.size() == 36 &&
      std::all_of(info.session_id.begin(), info.session_id.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
      });
  if (!uuid) {
    return Error{"expected a session UUID before the comma, found \"" +
                 info.session_id + "\""};
  }
  if (info.address.empty()) {
    return Error{"expected an address after the comma, found nothing"};
  }
  return std::optional<LeaderInfo>(std::move(info));
}

std::string ClusterConfigMapName(std::string_view cluster_id) {
  return std::string(cluster_id) + "-cluster-config-map";
}

std::string ClusterLabelSelectorQuery(std::string_view cluster_id) {
  return "labelSelector=" + UrlEncode("app=" + std::string(cluster_id) +
                                      ",type=flink-native-kubernetes");
}

void FillK8sObservation(const std::vector<K8sConfigMap>& maps,
                        std::string_view cluster_id, ZkObservation* out,
                        std::vector<K8sLock>* locks) {
  out->layout.reset();
  out->components.clear();
  out->contenders.clear();
  out->job_leaders.clear();
  out->latest_checkpoint_ids.clear();
  if (locks) locks->clear();
  for (const char* c : {"resource_manager", "dispatcher", "rest_server"}) {
    out->components[c] = std::nullopt;
  }
  std::vector<std::string> errors;
  const std::string job_map_prefix = std::string(cluster_id) + "-";
  const std::string job_map_suffix = "-config-map";
  std::vector<const K8sConfigMap*> sorted;
  for (const auto& cm : maps) sorted.push_back(&cm);
  std::sort(sorted.begin(), sorted.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  for (const K8sConfigMap* cm : sorted) {
    if (auto it = cm->annotations.find(std::string(kLeaderAnnotation));
        it != cm->annotations.end() && locks) {
      auto rec = ParseLeaderElectionRecord(it->second);
      if (rec.ok()) {
        locks->push_back({cm->name, std::move(rec).value()});
      } else {
        errors.push_back(cm->name + " annotation " +
                         std::string(kLeaderAnnotation) + ": " +
                         rec.error().message);
      }
    }
    for (const auto& [key, value] : cm->data) {
      if (key.rfind(kLeaderKeyPrefix, 0) == 0) {
        std::string_view name =
            std::string_view(key).substr(kLeaderKeyPrefix.size());
        std::optional<std::string> component = ComponentOfKey(name);
        std::optional<std::string> job;
        if (!component) {
          if (name.rfind("job-", 0) == 0) name.remove_prefix(4);
          if (IsJobId(name)) job = std::string(name);
        }
        if (!component && !job) continue;
        auto leader = ParseK8sLeaderValue(value);
        std::optional<LeaderInfo> info;
        if (leader.ok()) {
          info = leader.value();
        } else {
          errors.push_back(cm->name + " " + key + ": " +
                           leader.error().message);
        }
        if (component) {
          out->components[*component] = info;
        } else {
          auto& slot = out->job_leaders[*job];
          if (info || !slot) slot = info;
        }
      }
    }
    // <cluster id>-<jid>-config-map: checkpoint pointers and the counter.
    if (cm->name.size() == job_map_prefix.size() + 32 + job_map_suffix.size() &&
        cm->name.rfind(job_map_prefix, 0) == 0 &&
        cm->name.compare(cm->name.size() - job_map_suffix.size(),
                         job_map_suffix.size(), job_map_suffix) == 0) {
      const std::string jid = cm->name.substr(job_map_prefix.size(), 32);
      if (!IsJobId(jid)) continue;
      std::optional<int64_t> newest;
      for (const auto& [key, value] : cm->data) {
        if (key.rfind(kCheckpointKeyPrefix, 0) != 0) continue;
        std::string_view digits =
            std::string_view(key).substr(kCheckpointKeyPrefix.size());
        if (digits.size() != 19 || !Digits(digits)) continue;
        int64_t id = 0;
        std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (!newest || id > *newest) newest = id;
      }
      if (newest) out->latest_checkpoint_ids[jid] = *newest;
    }
  }
  std::string err;
  for (const auto& e : errors) err += (err.empty() ? "" : "; ") + e;
  out->error = err;
}

}  // namespace flinkha
