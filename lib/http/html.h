// HTML text and attribute escaping for the pages the exporter renders.
#pragma once

#include <string>
#include <string_view>

namespace flinkha {

// Escapes &, <, >, " and ' so the result is text in element content and in
// quoted attribute values (labels from Flink: job and JobManager names).
std::string HtmlEscape(std::string_view s);

}  // namespace flinkha
