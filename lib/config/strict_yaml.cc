// ParseStrictYaml and CheckYamlKeys.
#include "config/strict_yaml.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <sstream>

#include "config/quote.h"

namespace flinkha {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Lower case without '_' and '-', so that pollInterval and poll-interval find
// poll_interval.
std::string Folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// " (did you mean "x"?)" for the closest known key, or "" when none is close.
std::string Suggestion(std::string_view key,
                       const std::vector<std::string_view>& known) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view k : known) {
    const size_t d = Folded(k) == Folded(key) ? 0 : EditDistance(key, k);
    if (d <= std::max<size_t>(1, k.size() / 3) && d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best.empty() ? "" : " (did you mean " + QuoteValue(best) + "?)";
}

bool Contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Where a second YAML document starts, if there is one. YAML::LoadAll is not
// used: on some malformed input (a line holding only ",") it yields empty
// documents without end.
std::optional<YAML::Mark> SecondDocument(const std::string& yaml_text) {
  // Reports document starts and ignores everything else.
  class DocumentStarts : public YAML::EventHandler {
   public:
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
    YAML::Mark start;
  };
  std::istringstream in(yaml_text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  if (!parser.HandleNextDocument(handler) ||
      !parser.HandleNextDocument(handler)) {
    return std::nullopt;
  }
  return handler.start;
}

}  // namespace

void ParseStrictYaml(const std::string& text, YamlProblems* problems,
                     const std::function<void(const YAML::Node&)>& walk) {
  try {
    walk(YAML::Load(text));
    if (auto second = SecondDocument(text)) {
      problems->Add(*second, "expected one YAML document, found another");
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own text for this is "bad file".
    problems->Add(e.mark, "invalid YAML: nested too deeply");
  } catch (const YAML::Exception& e) {
    problems->Add(e.mark, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    problems->Add(YAML::Mark::null_mark(),
                  std::string("cannot parse: ") + e.what());
  }
}

std::vector<YamlField> CheckYamlKeys(const YAML::Node& mapping,
                                     const std::string& what,
                                     const YamlKeySchema& schema,
                                     YamlProblems* problems) {
  std::vector<YamlField> fields;
  std::map<std::string, YAML::Mark, std::less<>> first;
  // By value: yaml-cpp's iterator-> hands out a temporary.
  for (const auto& entry : mapping) {
    const YAML::Node key = entry.first;
    if (!key.IsScalar()) {
      problems->Add(key.Mark(), "expected a key name in " + what + ", found " +
                                    DescribeYamlNode(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (!Contains(schema.known, name)) {
      if (Contains(schema.unsupported, name)) {
        problems->Add(key.Mark(), QuoteValue(name) + " in " + what +
                                      " is not supported by flink-ha-exporter");
      } else {
        problems->Add(
            key.Mark(),
            "unknown key " + QuoteValue(name) + " in " + what +
                (schema.suggest ? Suggestion(name, schema.known) : ""));
      }
      continue;
    }
    auto [it, inserted] = first.try_emplace(name, key.Mark());
    if (!inserted) {
      problems->Add(
          key.Mark(),
          "duplicate key " + QuoteValue(name) + " in " + what +
              (schema.first_line ? " (first defined at line " +
                                       std::to_string(it->second.line + 1) + ")"
                                 : ""));
      continue;
    }
    fields.push_back({key, entry.second, name});
  }
  return fields;
}

}  // namespace flinkha
