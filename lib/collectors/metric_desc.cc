// MetricDesc helpers and the naming rules checked at start.
#include "collectors/metric_desc.h"

#include <map>
#include <set>

namespace flinkha {
namespace {

bool NameChars(std::string_view s, bool colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(letter || (colon && c == ':') || (i > 0 && digit))) return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

}  // namespace

std::string MetricDesc::Help() const {
  std::string h(help);
  h += help_more;
  return h;
}

std::vector<std::string_view> MetricDesc::LabelNames() const {
  std::vector<std::string_view> out;
  std::string_view rest = labels;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    out.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Status CheckMetricDescs(std::span<const MetricDesc* const> descs) {
  std::string problems;
  auto problem = [&](std::string_view name, const std::string& what) {
    problems += "metric ";
    problems += name;
    problems += ": " + what + "\n";
  };
  std::set<std::string_view> seen;
  for (const MetricDesc* d : descs) {
    const std::string_view n = d->name;
    if (!seen.insert(n).second) problem(n, "declared twice");
    if (!NameChars(n, true)) {
      problem(n, "expected a name of [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    if (n.substr(0, 8) != "flinkha_" && n.substr(0, 8) != "process_") {
      problem(n, "expected the prefix flinkha_ (or process_)");
    }
    const bool counter = d->type == prometheus::MetricType::Counter;
    if (counter && !EndsWith(n, "_total")) {
      problem(n, "a counter's name must end in _total");
    }
    if (!counter && EndsWith(n, "_total")) {
      problem(n, "only a counter's name may end in _total");
    }
    const std::string help = d->Help();
    if (help.empty() || help.find('\n') != std::string::npos) {
      problem(n, "expected HELP of one non-empty line");
    }
    std::set<std::string_view> labels;
    for (std::string_view l : d->LabelNames()) {
      if (!NameChars(l, false) || l.substr(0, 2) == "__") {
        problem(n, "label \"" + std::string(l) +
                       "\": expected [a-zA-Z_][a-zA-Z0-9_]* not starting "
                       "with __");
      }
      if (!labels.insert(l).second) {
        problem(n, "label \"" + std::string(l) + "\" repeated");
      }
    }
  }
  if (problems.empty()) return Ok{};
  problems.pop_back();
  return Error{problems};
}

}  // namespace flinkha
