// Pure parsers for a job's exception history and details (Flink REST): bytes
// in, typed result out. Both the 1.x shape (exceptionHistory beside the old
// root-exception / all-exceptions) and the 2.x one (exceptionHistory only,
// FLINK-32688) are read.
#pragma once

#include <cstddef>
#include <string_view>

#include "model/job_diagnosis_types.h"
#include "util/result.h"

namespace flinkha {

// Entries kept per job; the poller also asks Flink for no more
// (?maxExceptions=).
inline constexpr size_t kMaxExceptions = 10;
// Characters kept of an exception's message.
inline constexpr size_t kMaxExceptionMessage = 300;

// GET /jobs/<jid>/exceptions
Result<ExceptionHistory> ParseExceptionHistory(std::string_view body);

// GET /jobs/<jid>: state, now, timestamps and the vertices' accumulated
// backpressured / idle / busy times; the plan and other fields are ignored.
Result<JobDetails> ParseJobDetails(std::string_view body);

// "java.lang.IllegalStateException: boom\n\tat ..." -> "boom": the first line
// of a Java stack trace without the leading class name, at most
// kMaxExceptionMessage characters.
std::string ExceptionMessage(std::string_view stacktrace,
                             std::string_view exception_class);

}  // namespace flinkha
