// STUB: replaced by the output watcher implementation.
#include "sources/output/output_watcher.h"

namespace flinkha {

class OutputWatcherImpl {};

OutputWatcher::OutputWatcher(std::shared_ptr<const ClusterConfig> cluster,
                             OutputConfig output, StateStore* store) {
  (void)cluster;
  (void)output;
  (void)store;
}
OutputWatcher::~OutputWatcher() { Stop(); }
void OutputWatcher::Start() {}
void OutputWatcher::Stop() {}

}  // namespace flinkha
