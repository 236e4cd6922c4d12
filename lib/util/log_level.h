// The log level and format the config file and the flags name, parsed once
// into enums (util/logging.h applies them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flinkha {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kLogfmt, kJson };

// The names taken, for "expected ..." messages: "debug, info, warn or error"
// and "logfmt or json".
std::string LogLevelNames();
std::string LogFormatNames();

// "debug" -> kDebug, ...; nullopt for any other text.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
// "logfmt" | "json"; nullopt for any other text.
std::optional<LogFormat> ParseLogFormat(std::string_view name);

}  // namespace flinkha
