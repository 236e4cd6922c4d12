// Backpressure share between two job details; failure counts by class.
#include "model/job_diagnosis.h"

#include <algorithm>

namespace flinkha {

std::optional<Backpressure> BackpressureBetween(const JobDetails& before,
                                                const JobDetails& after) {
  std::optional<Backpressure> best;
  const double window_ms = static_cast<double>(after.now_ms - before.now_ms);
  if (window_ms <= 0) return std::nullopt;
  for (const VertexTimes& a : after.vertices) {
    auto b = std::find_if(before.vertices.begin(), before.vertices.end(),
                          [&](const VertexTimes& v) { return v.id == a.id; });
    if (b == before.vertices.end()) continue;
    if (!a.backpressured_ms || !b->backpressured_ms || !a.idle_ms ||
        !b->idle_ms) {
      continue;
    }
    const double bp = *a.backpressured_ms - *b->backpressured_ms;
    const double idle = *a.idle_ms - *b->idle_ms;
    if (bp < 0 || idle < 0) continue;  // the tasks restarted in between
    double total = 0;
    if (a.busy_ms && b->busy_ms && *a.busy_ms >= *b->busy_ms) {
      total = bp + idle + (*a.busy_ms - *b->busy_ms);
    } else {
      total =
          window_ms * static_cast<double>(std::max<int64_t>(1, a.parallelism));
    }
    if (total <= 0) continue;  // not refreshed by Flink in between
    const double ratio = std::clamp(bp / total, 0.0, 1.0);
    if (!best || ratio > best->ratio) {
      best = Backpressure{ratio, a.name, window_ms / 1000.0};
    }
  }
  return best;
}

void FailureCounts::Add(const std::string& exception_class) {
  auto it = by_class.find(exception_class);
  if (it != by_class.end()) {
    ++it->second;
    return;
  }
  const size_t named = by_class.size() - by_class.count(kOtherExceptionClass);
  if (named < kMaxFailureClasses && exception_class != kOtherExceptionClass) {
    by_class[exception_class] = 1;
  } else {
    ++by_class[kOtherExceptionClass];
  }
}

std::vector<const JobException*> NewExceptions(
    const ExceptionHistory* previous, const ExceptionHistory& current) {
  int64_t newest = -1;
  if (previous) {
    for (const auto& e : previous->entries) {
      newest = std::max(newest, e.timestamp_ms);
    }
  }
  std::vector<const JobException*> out;
  for (const auto& e : current.entries) {
    if (e.timestamp_ms > newest) out.push_back(&e);
  }
  return out;
}

}  // namespace flinkha
