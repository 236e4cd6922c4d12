// Names of log levels and formats.
#include "util/log_level.h"

#include "util/enum_names.h"

namespace flinkha {
namespace {

constexpr EnumNames<LogLevel, 4> kLevels = {{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kWarn, "warn"},
    {LogLevel::kError, "error"},
}};
constexpr EnumNames<LogFormat, 2> kFormats = {{
    {LogFormat::kLogfmt, "logfmt"},
    {LogFormat::kJson, "json"},
}};

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  return ParseName(kLevels, name);
}

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  return ParseName(kFormats, name);
}

std::string LogLevelNames() { return NameList(kLevels); }

std::string LogFormatNames() { return NameList(kFormats); }

}  // namespace flinkha
