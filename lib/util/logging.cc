// spdlog setup: logfmt or JSON lines on stderr, one named logger per component.
#include "util/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>

namespace flinkha {
namespace {

// The message, escaped for a double-quoted logfmt or JSON string: a message
// that carries quotes (error="...") must not end the string early.
class EscapedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EscapedMessage>();
  }
};

// Applies a pattern in which %* is the escaped message.
void ApplyPattern(spdlog::sinks::sink& sink, const std::string& pattern) {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<EscapedMessage>('*').set_pattern(pattern);
  sink.set_formatter(std::move(f));
}

std::mutex g_mu;
std::shared_ptr<spdlog::sinks::sink> g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;
std::string g_pattern =
    "ts=%Y-%m-%dT%H:%M:%S.%e%z level=%l logger=%n msg=\"%*\"";

std::shared_ptr<spdlog::sinks::sink> Sink() {
  if (!g_sink) {
    g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    ApplyPattern(*g_sink, g_pattern);
  }
  return g_sink;
}

}  // namespace

void SetupLogging(LogLevel level, LogFormat format) {
  spdlog::level::level_enum lvl = spdlog::level::info;
  switch (level) {
    case LogLevel::kDebug:
      lvl = spdlog::level::debug;
      break;
    case LogLevel::kInfo:
      lvl = spdlog::level::info;
      break;
    case LogLevel::kWarn:
      lvl = spdlog::level::warn;
      break;
    case LogLevel::kError:
      lvl = spdlog::level::err;
      break;
  }
  const std::string pattern =
      format == LogFormat::kJson
          ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","msg":"%*"})"
          : "ts=%Y-%m-%dT%H:%M:%S.%e%z level=%l logger=%n msg=\"%*\"";
  std::lock_guard<std::mutex> lock(g_mu);
  g_level = lvl;
  g_pattern = pattern;
  ApplyPattern(*Sink(), g_pattern);
  spdlog::apply_all(
      [&](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> Logger(const std::string& component) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (auto existing = spdlog::get(component)) return existing;
  auto logger = std::make_shared<spdlog::logger>(component, Sink());
  logger->set_level(g_level);
  spdlog::register_logger(logger);
  return logger;
}

void FaultLog::Report(const std::string& key, const std::string& error) {
  std::string previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = last_.find(key);
    previous = it == last_.end() ? std::string() : it->second;
    if (it != last_.end() && previous == error) return;
    if (it == last_.end() && error.empty()) {
      last_[key] = "";
      return;
    }
    last_[key] = error;
  }
  if (error.empty()) {
    Logger(component_)
        ->info("recovered target={} previous_error=\"{}\"", key, previous);
  } else {
    Logger(component_)->warn("failing target={} error=\"{}\"", key, error);
  }
}

}  // namespace flinkha
