// Flag parsing with CLI11: one definition of every flag and command, read by
// both ParseFlags and UsageText. No global registry: the parser is a pure
// function of the arguments, tested by table.
#include "app/flags.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <functional>
#include <memory>
#include <sstream>

#include "config/address.h"
#include "config/duration.h"
#include "util/build_info.h"
#include "util/log_level.h"

namespace flinkha {
namespace {

constexpr char kName[] = "flink-ha-exporter";
constexpr size_t kNameColumn = 31;  // descriptions start here
constexpr size_t kWidth = 100;

// Reads a value into Flags; an error says what was expected and found (the
// flag's name is put in front by the caller).
using Setter = std::function<Status(const std::string&)>;

// --help in the layout the exporter always had: usage, description, commands,
// flags as --name=VALUE with the default from Flags{}, wrapped at 100 columns.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string,
                        CLI::AppFormatMode) const override {
    std::ostringstream out;
    out << "usage: " << kName << " [serve|status] [flags]\n\n"
        << app->get_description() << "\n\ncommands:\n";
    for (const CLI::App* sub : app->get_subcommands({})) {
      std::string name = sub->get_name();
      if (name == "serve") name += " (default)";
      out << Row(name, sub->get_description());
    }
    out << "\nflags:\n";
    for (const CLI::Option* opt : app->get_options()) {
      std::string name;
      for (const std::string& s : opt->get_snames()) name += "-" + s + ", ";
      for (const std::string& l : opt->get_lnames()) name += "--" + l;
      if (!opt->get_type_name().empty()) {
        name += "=" + opt->get_type_name();  // a flag has no value type
      }
      std::string desc = opt->get_description();
      if (!opt->get_default_str().empty()) {
        desc += " (default " + opt->get_default_str() + ")";
      }
      out << Row(name, desc);
    }
    return out.str();
  }

 private:
  // "  name   description", the description wrapped under itself; a name too
  // long for its column puts the description on the next line.
  static std::string Row(const std::string& name, const std::string& desc) {
    std::string out = "  " + name;
    std::string line;
    size_t column = out.size();
    auto flush = [&] {
      if (column >= kNameColumn) {
        out += "\n";
        column = 0;
      }
      out += std::string(kNameColumn - column, ' ') + line + "\n";
      column = 0;
      line.clear();
    };
    std::istringstream words(desc);
    for (std::string w; words >> w;) {
      if (!line.empty() && kNameColumn + line.size() + 1 + w.size() > kWidth) {
        flush();
      }
      line += (line.empty() ? "" : " ") + w;
    }
    flush();
    return out;
  }
};

// Every flag and command, bound to *f. The first error of a setter goes to
// *error (CLI11 runs the setters after reading all arguments).
std::unique_ptr<CLI::App> BuildApp(Flags* f, std::optional<Error>* error) {
  auto app = std::make_unique<CLI::App>(
      "Monitors Apache Flink clusters in ZooKeeper HA mode and exposes "
      "Prometheus metrics.",
      kName);
  app->set_help_flag();  // -h/--help is a flag of ours (Flags::help)
  app->formatter(std::make_shared<HelpFormatter>());
  app->allow_extras();  // reported below with the exporter's own messages
  app->require_subcommand(0, 1);
  app->add_subcommand("serve", "run the exporter")->fallthrough();
  app->add_subcommand("status",
                      "poll every source once and print a human report")
      ->fallthrough();

  const Flags defaults;
  auto valued = [&](const std::string& name, const std::string& type,
                    const std::string& desc, Setter set,
                    const std::string& default_text = "") {
    app->add_option_function<std::string>(
           name,
           [name, set, error](const std::string& v) {
             if (*error) return;
             if (Status st = set(v); !st.ok()) {
               *error = Error{name + ": " + st.error().message};
             }
           },
           desc)
        ->type_name(type)
        ->default_str(default_text)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  };
  auto text = [](std::string* dst) {
    return Setter([dst](const std::string& v) -> Status {
      *dst = v;
      return Ok{};
    });
  };
  auto boolean = [&](const std::string& names, bool* dst,
                     const std::string& desc) {
    app->add_flag(names, *dst, desc)
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
              if (v == "true" || v == "false") return "";
              return "expected true or false, found \"" + v + "\"";
            },
            "", ""))
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  };

  valued("--config.file", "PATH", "configuration file", text(&f->config_file),
         defaults.config_file);
  boolean("--config.check", &f->config_check,
          "validate the configuration and exit (0 valid, 1 invalid)");
  // Checked by the grammar of the file's `listen`.
  valued("--web.listen-address", "ADDR",
         "listen address, overrides `listen` (e.g. :9879, 127.0.0.1:9879)",
         [f](const std::string& v) -> Status {
           if (auto hp = ParseListenAddress(v); !hp.ok()) return hp.error();
           f->listen_address = v;
           return Ok{};
         });
  valued("--web.telemetry-path", "PATH", "path of the metrics endpoint",
         text(&f->telemetry_path), defaults.telemetry_path);
  valued("--web.config.file", "PATH",
         "TLS and basic auth (Prometheus exporter-toolkit web config)",
         text(&f->web_config_file));
  valued(
      "--web.max-connections", "N",
      "open connections at most; more are refused with 503",
      [f](const std::string& v) -> Status {
        int n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size() || n < 1 ||
            n > 65536) {
          return Error{"expected an integer 1-65536, found \"" + v + "\""};
        }
        f->web_max_connections = n;
        return Ok{};
      },
      std::to_string(defaults.web_max_connections));
  valued(
      "--web.request-head-timeout", "D",
      "a request head must arrive within D of connecting or of the "
      "previous response, else the connection closes",
      [f](const std::string& v) -> Status {
        auto d = ParseDuration(v);
        if (!d.ok() || *d < std::chrono::milliseconds(100) ||
            *d > std::chrono::minutes(10)) {
          return Error{"expected a duration 100ms-10m such as 5s, found \"" +
                       v + "\""};
        }
        f->web_request_head_timeout = *d;
        return Ok{};
      },
      FormatDuration(defaults.web_request_head_timeout));
  valued(
      "--log.level", "LEVEL", LogLevelNames() + " (overrides the config file)",
      [f](const std::string& v) -> Status {
        f->log_level = ParseLogLevel(v);
        if (f->log_level) return Ok{};
        return Error{"expected " + LogLevelNames() + ", found \"" + v + "\""};
      });
  valued(
      "--log.format", "FORMAT",
      LogFormatNames() + " (overrides the config file)",
      [f](const std::string& v) -> Status {
        f->log_format = ParseLogFormat(v);
        if (f->log_format) return Ok{};
        return Error{"expected " + LogFormatNames() + ", found \"" + v + "\""};
      });
  valued(
      "--status.timeout", "SECONDS",
      "`status`: how long to wait for every source",
      [f](const std::string& v) -> Status {
        int n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size() || n <= 0) {
          return Error{"expected a positive number of seconds, found \"" + v +
                       "\""};
        }
        f->status_timeout_seconds = n;
        return Ok{};
      },
      std::to_string(defaults.status_timeout_seconds));
  boolean("--version", &f->version, "print the version and exit");
  boolean("-h,--help", &f->help, "print this help and exit");
  return app;
}

// The exporter's message for the first argument CLI11 could not place: an
// unknown flag, a word before any command, or a word after the command.
Error Unplaced(const std::string& arg, bool have_command) {
  if (arg.rfind("-", 0) == 0) {
    return Error{"unknown flag " + arg.substr(0, arg.find('=')) +
                 " (see --help)"};
  }
  if (have_command) return Error{"unexpected argument \"" + arg + "\""};
  return Error{"unknown command \"" + arg + "\", expected serve or status"};
}

}  // namespace

Result<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  std::optional<Error> error;
  std::unique_ptr<CLI::App> app = BuildApp(&f, &error);
  // CLI11 takes the arguments last first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app->parse(reversed);
  } catch (const CLI::ArgumentMismatch& e) {
    // "--name: 1 required PATH missing"
    const std::string what = e.what();
    return Error{what.substr(0, what.find(':')) + ": missing value"};
  } catch (const CLI::ParseError& e) {
    return Error{e.what()};
  }
  if (error) return *error;
  const std::vector<std::string> extras = app->remaining(true);
  if (!extras.empty()) {
    // A bare word counts as the command only if it came before the extra.
    bool command_first = false;
    for (const std::string& a : args) {
      if (a == extras.front()) break;
      if (a == "serve" || a == "status") command_first = true;
    }
    return Unplaced(extras.front(), command_first);
  }
  if (app->got_subcommand("status")) f.command = "status";
  if (f.telemetry_path.empty() || f.telemetry_path.front() != '/') {
    return Error{
        "--web.telemetry-path: expected a path starting with /, found \"" +
        f.telemetry_path + "\""};
  }
  return f;
}

std::string UsageText() {
  Flags f;
  std::optional<Error> error;
  return BuildApp(&f, &error)->help();
}

std::string VersionText() {
  return "flink-ha-exporter, version " + std::string(BuildVersion()) +
         " (revision: " + std::string(BuildRevision()) + ")\n";
}

}  // namespace flinkha
