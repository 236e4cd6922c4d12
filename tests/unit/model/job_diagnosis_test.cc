// BackpressureBetween over recorded and edited job details, NewExceptions and
// the bounded failure counts.
#include "model/job_diagnosis.h"

#include <catch2/catch.hpp>

namespace flinkha {
namespace {

VertexTimes V(const std::string& id, double bp, double idle,
              std::optional<double> busy, int64_t parallelism = 2) {
  VertexTimes v;
  v.id = id;
  v.name = "vertex " + id;
  v.parallelism = parallelism;
  v.backpressured_ms = bp;
  v.idle_ms = idle;
  v.busy_ms = busy;
  return v;
}

JobException E(int64_t timestamp_ms, const std::string& cls) {
  JobException e;
  e.timestamp_ms = timestamp_ms;
  e.exception_class = cls;
  return e;
}

JobDetails D(int64_t now_ms, std::vector<VertexTimes> v) {
  JobDetails d;
  d.state = "RUNNING";
  d.now_ms = now_ms;
  d.vertices = std::move(v);
  return d;
}

TEST_CASE("BackpressureBetween: the busiest vertex's share of time",
          "[model][diagnosis]") {
  const JobDetails a = D(1000, {V("src", 0, 1000, 0), V("map", 0, 0, 1000)});
  // 10 s later, 2 subtasks: the source spent 15 of 20 s backpressured.
  const JobDetails b =
      D(11000, {V("src", 15000, 5000, 1000), V("map", 0, 0, 21000)});
  auto bp = BackpressureBetween(a, b);
  REQUIRE(bp);
  CHECK(bp->ratio == Approx(0.75));
  CHECK(bp->vertex == "vertex src");
  CHECK(bp->window_s == Approx(10));
}

TEST_CASE("BackpressureBetween: unknown busy time uses wall time x parallelism",
          "[model][diagnosis]") {
  const JobDetails a = D(0, {V("src", 0, 0, std::nullopt)});
  const JobDetails b = D(10000, {V("src", 5000, 15000, std::nullopt)});
  auto bp = BackpressureBetween(a, b);
  REQUIRE(bp);
  CHECK(bp->ratio == Approx(0.25));
}

TEST_CASE("BackpressureBetween: nothing when no vertex moved forward",
          "[model][diagnosis]") {
  const JobDetails a = D(0, {V("src", 100, 100, 100)});
  // Not refreshed by Flink's metric store in between.
  CHECK_FALSE(BackpressureBetween(a, D(5000, {V("src", 100, 100, 100)})));
  // A restart reset the times.
  CHECK_FALSE(BackpressureBetween(a, D(5000, {V("src", 0, 10, 10)})));
  // Other vertices (a new attempt's plan), no clock progress, no values.
  CHECK_FALSE(BackpressureBetween(a, D(5000, {V("other", 900, 100, 100)})));
  CHECK_FALSE(BackpressureBetween(a, D(0, {V("src", 900, 100, 100)})));
  JobDetails none = D(5000, {V("src", 0, 0, 0)});
  none.vertices[0].backpressured_ms.reset();
  CHECK_FALSE(BackpressureBetween(a, none));
}

TEST_CASE("NewExceptions: entries newer than the previous history",
          "[model][diagnosis]") {
  ExceptionHistory before;
  before.entries = {E(200, "B"), E(100, "A")};
  ExceptionHistory after;
  after.entries = {E(300, "C"), E(200, "B"), E(100, "A")};
  auto fresh = NewExceptions(&before, after);
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0]->exception_class == "C");
  CHECK(NewExceptions(nullptr, after).size() == 3);
  CHECK(NewExceptions(&after, after).empty());
  // A new JobMaster (failover) starts an empty history: later entries count.
  ExceptionHistory empty;
  CHECK(NewExceptions(&empty, after).size() == 3);
}

TEST_CASE("FailureCounts: at most kMaxFailureClasses classes, then other",
          "[model][diagnosis]") {
  FailureCounts c;
  for (size_t i = 0; i < kMaxFailureClasses + 5; ++i) {
    c.Add("E" + std::to_string(i));
  }
  c.Add("E0");
  c.Add("E0");
  CHECK(c.by_class.size() == kMaxFailureClasses + 1);
  CHECK(c.by_class.at("E0") == 3);
  CHECK(c.by_class.at(kOtherExceptionClass) == 5);
  CHECK_FALSE(c.by_class.count("E" + std::to_string(kMaxFailureClasses)));
  // A class named "other" by Flink lands in the same bucket.
  c.Add("other");
  CHECK(c.by_class.at(kOtherExceptionClass) == 6);
}

}  // namespace
}  // namespace flinkha
