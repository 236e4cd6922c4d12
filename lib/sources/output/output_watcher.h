// Watches one output directory (FileSink buckets): finished vs in-progress part
// files.
#pragma once

#include <chrono>
#include <memory>

#include "config/config.h"
#include "model/store.h"
#include "sources/output/output_scanner.h"
#include "sources/source.h"

namespace flinkha {

class OutputWatcherImpl;

// Publishes cluster.outputs[output.path] and source "output/<path>". inotify
// with a periodic full rescan as the safety net. Owns one worker thread.
class OutputWatcher : public Source {
 public:
  // in_progress_interval: how often open in-progress files are stated for
  // their last write (inotify cannot tell); tests shorten it.
  OutputWatcher(std::shared_ptr<const ClusterConfig> cluster,
                OutputConfig output, StateStore* store,
                std::chrono::milliseconds in_progress_interval =
                    std::chrono::seconds(10));
  ~OutputWatcher() override;
  void Start() override;
  void Stop() override;

  // The scanner's operation counters as of the last cycle. Thread-safe.
  OutputScanStats Stats() const;

 private:
  std::unique_ptr<OutputWatcherImpl> impl_;
};

}  // namespace flinkha
