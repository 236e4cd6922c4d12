// Positioned problems for strict YAML loaders (the main config and the web
// config): every problem collected, then reported at once as
// "<file>:<line>:<col>: error: <message>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace flinkha {

class YamlProblems {
 public:
  // mark: where in the document; a null mark reports the file alone.
  void Add(const YAML::Mark& mark, std::string message);
  bool empty() const { return problems_.empty(); }
  // One line per problem in document order (problems at one position keep the
  // order found).
  std::string Format(const std::string& file);

 private:
  struct Problem {
    int line;    // 1-based; 0 when yaml-cpp gives no position
    int column;  // 1-based
    std::string message;
  };
  std::vector<Problem> problems_;
};

// What a node is, for "found ..." in messages: a quoted scalar, "a list", "a
// mapping", ...
std::string DescribeYamlNode(const YAML::Node& node);

}  // namespace flinkha
