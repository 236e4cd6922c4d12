// Test support: the real flink-ha-exporter binary, started on a free loopback
// port.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace flinkha::testing {

// Writes the YAML config into dir, starts the binary with it; the destructor
// stops it.
class ExporterProcess {
 public:
  ExporterProcess(const std::string& dir, const std::string& config_yaml,
                  std::vector<std::string> extra_args = {});

  // Stops the exporter (SIGTERM: it saves its state file) and starts it again
  // on the same port with the same arguments, as an upgrade or a service
  // restart would; true when it serves /ready again within `timeout`.
  bool Restart(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Waits until /ready answers 200.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  HttpResult Get(const std::string& path) const;
  std::string Metrics() const;  // the body of /metrics ("" on failure)
  int port() const { return port_; }
  std::string config_path() const { return config_path_; }
  Subprocess& process() { return *proc_; }

 private:
  int port_;
  std::string config_path_;
  std::vector<std::string> argv_;
  std::string log_path_;
  int restarts_ = 0;
  std::unique_ptr<Subprocess> proc_;
};

// Writes <dir>/flink-ha-exporter.yml listening on 127.0.0.1:port with one
// cluster whose one JobManager nobody answers (the daemon serves whether or
// not Flink is there); returns its path.
std::string WriteConfigWithoutFlink(const std::string& dir, int port,
                                    const std::string& cluster);

// Runs `promtool check metrics` on text; returns its output, and sets *ok.
std::string PromtoolCheckMetrics(const std::string& dir,
                                 const std::string& text, bool* ok);

// The value of the first sample whose line starts with `series` (name plus
// labels as rendered, e.g.
// `flinkha_jobmanager_up{flink_cluster="c",jobmanager="jm-1"}`); NaN if absent.
double SampleValue(const std::string& metrics, const std::string& series);

// The value of the first sample of metric `name` that carries every label in
// `labels` (others may be present, in any order); NaN if none.
double MetricValue(const std::string& metrics, const std::string& name,
                   const std::map<std::string, std::string>& labels = {});

}  // namespace flinkha::testing
