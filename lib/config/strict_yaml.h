// Strict YAML for the config files (the main config and the web config): one
// document with bounded nesting, and mappings checked against their known keys;
// problems go to YamlProblems as "<file>:<line>:<col>: error: <message>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_problems.h"

namespace flinkha {

// Parses text as exactly one YAML document and hands its root (a null node for
// an empty document) to walk. Invalid YAML, nesting deeper than yaml-cpp's
// guard (an alias bomb, "[[[[..."), a second document and exceptions thrown by
// walk are reported to problems.
void ParseStrictYaml(const std::string& text, YamlProblems* problems,
                     const std::function<void(const YAML::Node&)>& walk);

// One key and its value in a mapping.
struct YamlField {
  YAML::Node key;
  YAML::Node value;
  std::string name;

  // Where a problem with the value is reported: the value itself, or its key
  // when the value is empty (yaml-cpp places an empty value at the next token,
  // often on the next line).
  YAML::Mark mark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
};

struct YamlKeySchema {
  std::vector<std::string_view> known;
  // Reported as "not supported by flink-ha-exporter" rather than unknown.
  std::vector<std::string_view> unsupported = {};
  bool suggest = false;     // an unknown key names the closest known one
  bool first_line = false;  // a duplicate names the line of the first
};

// Checks the keys of a mapping: non-scalar, unknown, unsupported and duplicate
// keys are reported "... in <what>"; returns the other fields in document
// order.
std::vector<YamlField> CheckYamlKeys(const YAML::Node& mapping,
                                     const std::string& what,
                                     const YamlKeySchema& schema,
                                     YamlProblems* problems);

}  // namespace flinkha
