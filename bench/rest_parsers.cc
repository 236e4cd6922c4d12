// Parse cost of the REST bodies the exporter reads every poll: /jobs/overview
// with N jobs (default 1000) and one job's /checkpoints (Flink 1.18 fixture);
// prints microseconds per parse. Usage: rest_parsers [jobs] [iterations]
#include "model/rest_parsers.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "model/checkpoint_parsers.h"

#ifndef FLINKHA_SOURCE_DIR
#define FLINKHA_SOURCE_DIR "."
#endif

using namespace flinkha;  // NOLINT: a benchmark main

namespace {

std::string JobsOverview(int jobs) {
  std::string body = R"({"jobs":[)";
  for (int i = 0; i < jobs; ++i) {
    char id[33];
    std::snprintf(id, sizeof id, "%032x", i + 1);
    if (i) body += ',';
    body +=
        R"({"jid":")" + std::string(id) + R"(","name":"csv-writer-)" +
        std::to_string(i) +
        R"(","start-time":1717000000000,"end-time":-1,"duration":3600000,)"
        R"("last-modification":1717000005000,"state":"RUNNING","tasks":{"total":4,)"
        R"("created":0,"scheduled":0,"deploying":0,"running":4,"finished":0,"canceling":0,)"
        R"("canceled":0,"failed":0,"reconciling":0,"initializing":0}})";
  }
  return body + "]}";
}

template <typename F>
void Time(const char* what, size_t bytes, int iterations, F&& parse) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    if (!parse()) {
      std::fprintf(stderr, "%s: parse failed\n", what);
      std::exit(1);
    }
  }
  const double us = std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - start)
                        .count() /
                    iterations;
  std::printf("%-32s %8zu bytes %10.1f us/parse %8.1f MB/s\n", what, bytes, us,
              bytes / us);
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 200;
  const std::string overview = JobsOverview(jobs);
  Time("jobs/overview", overview.size(), iterations,
       [&] { return ParseJobsOverview(overview).ok(); });
  std::ifstream in(std::string(FLINKHA_SOURCE_DIR) +
                   "/tests/fixtures/flink-rest/1.18/checkpoints.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string checkpoints = ss.str();
  Time("jobs/<jid>/checkpoints", checkpoints.size(), iterations * 10,
       [&] { return ParseCheckpointStats(checkpoints).ok(); });
  return 0;
}
