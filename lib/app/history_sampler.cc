// HistorySampler: one sample of the current snapshot per interval.
#include "app/history_sampler.h"

namespace flinkha {

void HistorySampler::Start(std::chrono::milliseconds interval) {
  worker_.Start(interval, [this] {
    history_->Sample(*store_->Get(), std::chrono::system_clock::now());
  });
}

}  // namespace flinkha
