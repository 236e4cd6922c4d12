// ExporterProcess implementation.
#include "support/exporter_process.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace flinkha::testing {

ExporterProcess::ExporterProcess(const std::string& dir,
                                 const std::string& config_yaml,
                                 std::vector<std::string> extra_args)
    : port_(FreePort()), config_path_(dir + "/flink-ha-exporter.yml") {
  WriteFile(config_path_, config_yaml);
  std::vector<std::string> argv = {
      FLINKHA_EXPORTER_BINARY, "--config.file=" + config_path_,
      "--web.listen-address=127.0.0.1:" + std::to_string(port_),
      "--log.level=debug"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv_ = argv;
  log_path_ = dir + "/exporter.log";
  proc_ = std::make_unique<Subprocess>(argv, log_path_);
}

bool ExporterProcess::Restart(std::chrono::milliseconds timeout) {
  proc_->Stop();
  proc_ = std::make_unique<Subprocess>(
      argv_, log_path_ + "." + std::to_string(++restarts_));
  return WaitReady(timeout);
}

bool ExporterProcess::WaitReady(std::chrono::milliseconds timeout) {
  return Eventually([&] { return Get("/ready").status == 200; }, timeout);
}

HttpResult ExporterProcess::Get(const std::string& path) const {
  return HttpGet("127.0.0.1", port_, path);
}

std::string ExporterProcess::Metrics() const {
  HttpResult r = Get("/metrics");
  return r.status == 200 ? r.body : "";
}

std::string PromtoolCheckMetrics(const std::string& dir,
                                 const std::string& text, bool* ok) {
  const std::string in = dir + "/metrics-for-promtool.txt";
  WriteFile(in, text);
  const std::string out = dir + "/promtool.out";
  const std::string cmd =
      "promtool check metrics < '" + in + "' > '" + out + "' 2>&1";
  *ok = std::system(cmd.c_str()) == 0;
  return ReadFile(out);
}

double SampleValue(const std::string& metrics, const std::string& series) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series, 0) == 0 && line.size() > series.size() &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nan("");
}

double MetricValue(const std::string& metrics, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    const size_t close = next == '{' ? line.find("} ") : name.size();
    if (close == std::string::npos) continue;
    const std::string label_text =
        next == '{' ? line.substr(name.size(), close - name.size() + 1) : "";
    bool all = true;
    for (const auto& [k, v] : labels) {
      const std::string want = k + "=\"" + v + "\"";
      const size_t at = label_text.find(want);
      all = all && at != std::string::npos &&
            (label_text[at - 1] == '{' || label_text[at - 1] == ',');
    }
    if (!all) continue;
    return std::stod(line.substr(close + (next == '{' ? 2 : 1)));
  }
  return std::nan("");
}

std::string WriteConfigWithoutFlink(const std::string& dir, int port,
                                    const std::string& cluster) {
  const std::string path = dir + "/flink-ha-exporter.yml";
  WriteFile(path, "listen: \"127.0.0.1:" + std::to_string(port) +
                      "\"\nclusters:\n  - name: " + cluster +
                      "\n"
                      "    jobmanagers:\n      - name: jm-1\n"
                      "        url: http://127.0.0.1:" +
                      std::to_string(FreePort()) +
                      "\n        advertised: jobmanager:8081\n");
  return path;
}

}  // namespace flinkha::testing
