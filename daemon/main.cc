// flink-ha-exporter: flags, config, sources, HTTP server, signal loop; shut
// down in reverse.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app/flags.h"
#include "app/history_sampler.h"
#include "app/signals.h"
#include "app/state_keeper.h"
#include "collectors/collector.h"
#include "config/loader.h"
#include "http/report.h"
#include "http/server.h"
#include "model/history.h"
#include "model/store.h"
#include "util/logging.h"
#include "util/memory.h"
#include "util/sd_notify.h"

using namespace flinkha;  // NOLINT(build/namespaces): main is the only user

int main(int argc, char** argv) {
  // 0. Before any thread starts: per-thread malloc arenas (util/memory.h).
  LimitMallocArenas();

  // 1. Flags.
  auto flags = ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) {
    std::cerr << "flink-ha-exporter: " << flags.error().message << "\n";
    return 2;
  }
  if (flags->help) return std::cout << UsageText(), 0;
  if (flags->version) return std::cout << VersionText(), 0;
  // The metric declarations: a name collision or a broken naming rule is a
  // build mistake, caught before anything serves (collectors/metric_desc.h).
  if (Status metrics = CheckCollectors(AllCollectors()); !metrics.ok()) {
    std::cerr << metrics.error().message << "\n";
    return 1;
  }

  // 2. Configuration: every problem at once, then exit for --config.check.
  auto config = LoadConfigFile(flags->config_file);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    return 1;
  }
  if (flags->config_check) {
    std::cout << flags->config_file << ": configuration is valid ("
              << config->clusters.size() << " cluster(s))\n";
    return 0;
  }
  Config cfg = std::move(config).value();
  if (!flags->listen_address.empty()) cfg.listen = flags->listen_address;
  if (flags->log_level) cfg.log_level = *flags->log_level;
  if (flags->log_format) cfg.log_format = *flags->log_format;
  SetupLogging(cfg.log_level, cfg.log_format);

  // 3. Objects in dependency order: store, sources, HTTP server.
  BlockSignals();
  StateStore store(std::chrono::system_clock::now());
  // The history outlives App's reloads: it is built here, not by App. Both it
  // and the failover record continue from the state file (serve only).
  History history;
  StateKeeper keeper(flags->command == "status" ? "" : cfg.state_dir, &store,
                     &history);
  keeper.Restore(cfg, std::chrono::system_clock::now());
  App app(flags->config_file, &store);
  const std::string listen = cfg.listen;
  app.Start(std::make_shared<const Config>(std::move(cfg)));

  if (flags->command == "status") {
    bool healthy = false;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(flags->status_timeout_seconds);
    while (!store.Get()->AllSourcesReported() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << HumanReport(*store.Get(), &healthy);
    // The failover history lives in the running daemon.
    auto failovers =
        FetchFailoverHistory(listen, std::chrono::milliseconds(1000));
    if (!failovers.ok()) {
      std::cout << "Failovers: " << failovers.error().message << "\n";
    } else {
      std::cout << "Failovers seen by the running exporter (newest first):"
                << (failovers.value().empty() ? " none" : "") << "\n";
      for (const auto& line : failovers.value())
        std::cout << "  " << line << "\n";
    }
    app.Stop();
    return healthy ? 0 : 1;
  }

  HistorySampler sampler(&store, &history);
  sampler.Start();
  keeper.Start();
  ListenerOptions limits;
  limits.max_connections = flags->web_max_connections;
  limits.request_head_timeout = flags->web_request_head_timeout;
  HttpServer server(
      &store,
      ServerOptions{listen, flags->telemetry_path, flags->web_config_file,
                    [&app] { return app.Reload(); }, limits, &history});
  if (auto st = server.Start(); !st.ok()) {
    // Plain lines, like configuration errors: file:line:col: error: ...
    std::cerr << st.error().message << "\n";
    app.Stop();
    return 1;
  }
  // READY=1 once sources reported; WATCHDOG=1 while the store's lock is free.
  SdNotifier notifier([&store] { (void)store.Get(); });

  // 4. Serve until SIGTERM/SIGINT; SIGHUP reloads (a bad config changes
  // nothing).
  for (;;) {
    if (WaitForSignal() == SignalAction::kStop) break;
    notifier.Reloading();
    (void)app.Reload();
    notifier.Ready();
  }

  // 5. Shut down in reverse order.
  Logger("main")->info("shutting down");
  notifier.Stopping();
  server.Stop();
  sampler.Stop();
  keeper.Stop();
  app.Stop();
  return 0;
}
