// Pure logic over a job's diagnosis answers: the busiest vertex's backpressured
// share of time between two job details, and failures counted by exception
// class with a bounded number of classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/job_diagnosis_types.h"

namespace flinkha {

// Per vertex, the backpressured share of the time its subtasks spent between
// the two answers: d(backpressured) / d(backpressured + idle + busy), the
// three times Flink accumulates per subtask (they add up to the wall time);
// when busy time is unknown, d(now) x parallelism stands in for the sum.
// The busiest vertex (highest share) wins. nullopt when no vertex has a value
// in both answers that moved forward (Flink's metric store refreshes them
// every metrics.fetcher.update-interval; a restart resets them).
std::optional<Backpressure> BackpressureBetween(const JobDetails& before,
                                                const JobDetails& after);

// Exception classes counted separately per cluster; later classes count as
// kOtherExceptionClass.
inline constexpr size_t kMaxFailureClasses = 20;
inline constexpr char kOtherExceptionClass[] = "other";

// Failures counted by exception class over the exporter's life, at most
// kMaxFailureClasses classes plus "other" (so a job failing with ever new
// classes cannot grow the series without bound).
struct FailureCounts {
  std::map<std::string, uint64_t> by_class;
  void Add(const std::string& exception_class);
};

// Entries of `current` that `previous` did not have: newer than its newest
// entry; every entry when there is no previous history.
std::vector<const JobException*> NewExceptions(const ExceptionHistory* previous,
                                               const ExceptionHistory& current);

}  // namespace flinkha
