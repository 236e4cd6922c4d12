// Exception history and job details parsers (Flink 1.13 to 2.x shapes).
#include "model/job_diagnosis_parsers.h"

#include <cmath>

#include "model/json_reader.h"

namespace flinkha {
namespace {

// A field Flink writes as a number, or as the string "NaN" (Jackson writes a
// NaN double as a string) or null when it has no value: nullopt then.
std::optional<double> OptNumber(ObjectReader& r, const Json& object,
                                const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) {
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < 0) return std::nullopt;
    return v;
  }
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") return std::nullopt;
  }
  r.Fail(r.PathOf(key), "expected a number, found " + JsonTypeName(*it));
  return std::nullopt;
}

JobException ReadException(ObjectReader& parent, const Json& value,
                           const std::string& path) {
  ObjectReader r(value, path);
  JobException e;
  e.exception_class = r.String("exceptionName");
  e.timestamp_ms = r.Int("timestamp");
  const std::string stacktrace = r.OptString("stacktrace").value_or("");
  e.message = ExceptionMessage(stacktrace, e.exception_class);
  e.task = r.OptString("taskName").value_or("");
  // endpoint since 1.19 (host:port); location before, deprecated in 1.19 and
  // gone in 2.0.
  e.endpoint = r.OptString("endpoint").value_or("");
  if (e.endpoint.empty()) e.endpoint = r.OptString("location").value_or("");
  e.taskmanager_id = r.OptString("taskManagerId").value_or("");
  if (const Json* labels = r.OptObject("failureLabels")) {
    for (const auto& [k, v] : labels->items()) {
      if (v.is_string()) e.labels[k] = v.get<std::string>();
    }
  }
  if (value.is_object()) {
    auto c = value.find("concurrentExceptions");
    if (c != value.end() && c->is_array()) {
      e.concurrent = static_cast<int>(c->size());
    }
  }
  parent.Absorb(r);
  return e;
}

}  // namespace

std::string ExceptionMessage(std::string_view stacktrace,
                             std::string_view exception_class) {
  std::string_view line = stacktrace.substr(0, stacktrace.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!exception_class.empty() &&
      line.substr(0, exception_class.size()) == exception_class) {
    line.remove_prefix(exception_class.size());
    if (line.substr(0, 1) == ":") line.remove_prefix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  }
  std::string out(line);
  if (out.size() > kMaxExceptionMessage) {
    out = out.substr(0, kMaxExceptionMessage - 3) + "...";
  }
  return out;
}

Result<ExceptionHistory> ParseExceptionHistory(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  ExceptionHistory out;
  const Json* history = r.Object("exceptionHistory");
  if (!r.ok()) return *r.error();
  ObjectReader h(*history, "exceptionHistory");
  const Json* entries = h.Array("entries");
  out.truncated = h.OptBool("truncated").value_or(false);
  if (!h.ok()) return *h.error();
  for (size_t i = 0; i < entries->size(); ++i) {
    if (out.entries.size() == kMaxExceptions) {
      out.truncated = true;
      break;
    }
    out.entries.push_back(
        ReadException(h, (*entries)[i],
                      "exceptionHistory.entries[" + std::to_string(i) + "]"));
    if (!h.ok()) return *h.error();
  }
  return out;
}

Result<JobDetails> ParseJobDetails(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  JobDetails out;
  out.state = r.String("state");
  out.now_ms = r.Int("now");
  if (const Json* ts = r.OptObject("timestamps")) {
    for (const auto& [name, v] : ts->items()) {
      auto ms = JsonToInt64(v);
      if (!ms) {
        r.Fail("timestamps." + name,
               "expected an integer, found " + JsonTypeName(v));
        break;
      }
      if (*ms > 0) out.timestamps[name] = *ms;
    }
  }
  const Json* vertices = r.Array("vertices");
  if (!r.ok()) return *r.error();
  for (size_t i = 0; i < vertices->size(); ++i) {
    const std::string path = "vertices[" + std::to_string(i) + "]";
    ObjectReader v((*vertices)[i], path);
    VertexTimes t;
    t.id = v.String("id");
    t.name = v.String("name");
    t.parallelism = v.Int("parallelism");
    if (const Json* m = v.OptObject("metrics")) {
      ObjectReader mr(*m, path + ".metrics");
      t.backpressured_ms = OptNumber(mr, *m, "accumulated-backpressured-time");
      t.idle_ms = OptNumber(mr, *m, "accumulated-idle-time");
      t.busy_ms = OptNumber(mr, *m, "accumulated-busy-time");
      v.Absorb(mr);
    }
    if (!v.ok()) return *v.error();
    out.vertices.push_back(std::move(t));
  }
  return out;
}

}  // namespace flinkha
