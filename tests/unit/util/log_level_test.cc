// Table test for the log level and format names.
#include "util/log_level.h"

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

TEST_CASE("ParseLogLevel and ParseLogFormat take exactly the documented names",
          "[util]") {
  CHECK(ParseLogLevel("debug") == LogLevel::kDebug);
  CHECK(ParseLogLevel("info") == LogLevel::kInfo);
  CHECK(ParseLogLevel("warn") == LogLevel::kWarn);
  CHECK(ParseLogLevel("error") == LogLevel::kError);
  CHECK_FALSE(ParseLogLevel("INFO").has_value());
  CHECK_FALSE(ParseLogLevel("warning").has_value());
  CHECK_FALSE(ParseLogLevel("").has_value());
  CHECK(ParseLogFormat("logfmt") == LogFormat::kLogfmt);
  CHECK(ParseLogFormat("json") == LogFormat::kJson);
  CHECK_FALSE(ParseLogFormat("text").has_value());
}

}  // namespace
}  // namespace flinkha
