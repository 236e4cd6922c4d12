// YamlProblems and DescribeYamlNode.
#include "config/yaml_problems.h"

#include <algorithm>
#include <utility>

#include "config/quote.h"

namespace flinkha {

void YamlProblems::Add(const YAML::Mark& mark, std::string message) {
  if (mark.is_null()) {
    problems_.push_back({0, 0, std::move(message)});
  } else {
    problems_.push_back({mark.line + 1, mark.column + 1, std::move(message)});
  }
}

std::string YamlProblems::Format(const std::string& file) {
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const Problem& a, const Problem& b) {
                     return std::pair(a.line, a.column) <
                            std::pair(b.line, b.column);
                   });
  std::string out;
  for (const Problem& p : problems_) {
    if (!out.empty()) out += '\n';
    out += file;
    if (p.line > 0) {
      out += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    }
    out += ": error: " + p.message;
  }
  return out;
}

std::string DescribeYamlNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return QuoteValue(node.Scalar());
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

}  // namespace flinkha
