// The metric descriptors: the naming rules CheckMetricDescs enforces (table
// cases), every collector's table passing them, each emitted family matching
// its declaration, and the declarations as a golden file that tests/docs
// checks docs/metrics.md against.
#include "collectors/metric_desc.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "collectors/collector.h"
#include "support/full_snapshot.h"
#include "support/golden.h"

namespace flinkha {
namespace {

using prometheus::MetricType;

TEST_CASE("CheckMetricDescs accepts well-named families", "[collectors]") {
  constexpr MetricDesc a{"flinkha_up", MetricType::Gauge, "Up.", "",
                         "flink_cluster,server"};
  constexpr MetricDesc b{"flinkha_errors_total", MetricType::Counter, "Errors",
                         " since start.", ""};
  constexpr MetricDesc c{"process_open_fds", MetricType::Gauge, "Fds.", "", ""};
  const MetricDesc* all[] = {&a, &b, &c};
  CHECK(CheckMetricDescs(all).ok());
  CHECK(b.Help() == "Errors since start.");
  CHECK(a.LabelNames() ==
        std::vector<std::string_view>{"flink_cluster", "server"});
  CHECK(c.LabelNames().empty());
}

TEST_CASE("CheckMetricDescs reports each broken rule", "[collectors]") {
  struct Case {
    MetricDesc desc;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"flinkha_errors", MetricType::Counter, "x", "", ""},
       "metric flinkha_errors: a counter's name must end in _total"},
      {{"flinkha_up_total", MetricType::Gauge, "x", "", ""},
       "metric flinkha_up_total: only a counter's name may end in _total"},
      {{"flink_up", MetricType::Gauge, "x", "", ""},
       "metric flink_up: expected the prefix flinkha_ (or process_)"},
      {{"flinkha_up-now", MetricType::Gauge, "x", "", ""},
       "metric flinkha_up-now: expected a name of [a-zA-Z_:][a-zA-Z0-9_:]*"},
      {{"flinkha_up", MetricType::Gauge, "", "", ""},
       "metric flinkha_up: expected HELP of one non-empty line"},
      {{"flinkha_up", MetricType::Gauge, "two\nlines", "", ""},
       "metric flinkha_up: expected HELP of one non-empty line"},
      {{"flinkha_up", MetricType::Gauge, "x", "", "__name"},
       "metric flinkha_up: label \"__name\": expected [a-zA-Z_][a-zA-Z0-9_]* "
       "not starting with __"},
      {{"flinkha_up", MetricType::Gauge, "x", "", "job-id"},
       "metric flinkha_up: label \"job-id\": expected [a-zA-Z_][a-zA-Z0-9_]* "
       "not starting with __"},
      {{"flinkha_up", MetricType::Gauge, "x", "", "server,server"},
       "metric flinkha_up: label \"server\" repeated"},
  };
  for (const Case& c : cases) {
    INFO(c.desc.name);
    const MetricDesc* one[] = {&c.desc};
    auto st = CheckMetricDescs(one);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message == c.message);
  }
  // A collision, and every problem reported at once.
  constexpr MetricDesc up{"flinkha_up", MetricType::Gauge, "x", "", ""};
  constexpr MetricDesc bad{"flinkha_bad", MetricType::Counter, "x", "", ""};
  const MetricDesc* all[] = {&up, &bad, &up};
  CHECK(CheckMetricDescs(all).error().message ==
        "metric flinkha_bad: a counter's name must end in _total\n"
        "metric flinkha_up: declared twice");
}

TEST_CASE("every collector's declarations pass the start-up check",
          "[collectors]") {
  const auto collectors = AllCollectors();
  const Status st = CheckCollectors(collectors);
  INFO((st.ok() ? "" : st.error().message));
  CHECK(st.ok());
  for (const auto& c : collectors) CHECK_FALSE(c->Descriptors().empty());
}

// Each collector emits only the families it declares, each with the declared
// type, HELP and label names (in order), and the full snapshot shows every
// declared family. A family built with Gauge()/Counter() instead of Family()
// fails here.
TEST_CASE("every emitted family matches its collector's declaration",
          "[collectors]") {
  const Snapshot snapshot = testing::FullSnapshot();
  std::set<std::string> emitted;
  for (const auto& c : testing::StableCollectors()) {
    std::map<std::string, const MetricDesc*> declared;
    for (const MetricDesc* d : c->Descriptors()) {
      declared[std::string(d->name)] = d;
    }
    std::vector<prometheus::MetricFamily> families;
    c->Collect(snapshot, &families);
    for (const auto& f : families) {
      INFO(f.name);
      emitted.insert(f.name);
      auto it = declared.find(f.name);
      REQUIRE(it != declared.end());  // declare it in the collector's table
      const MetricDesc& d = *it->second;
      CHECK(f.type == d.type);
      CHECK(f.help == d.Help());
      for (const auto& m : f.metric) {
        std::vector<std::string_view> names;
        for (const auto& l : m.label) names.push_back(l.name);
        CHECK(names == d.LabelNames());
      }
    }
  }
  for (const MetricDesc* d : AllDescriptors(AllCollectors())) {
    INFO(d->name);
    CHECK(emitted.count(std::string(d->name)) == 1);
  }
}

std::string TypeName(MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    default:
      return "other";
  }
}

// One line per family: name, type, label names, HELP (tab-separated).
// tests/docs checks docs/metrics.md against this file.
TEST_CASE("the declarations match the golden descriptor list", "[collectors]") {
  std::string text;
  for (const MetricDesc* d : AllDescriptors(AllCollectors())) {
    text += std::string(d->name) + "\t" + TypeName(d->type) + "\t" +
            std::string(d->labels) + "\t" + d->Help() + "\n";
  }
  const std::string diff =
      testing::CompareGolden("metric_descriptors.tsv", text);
  INFO(diff);
  CHECK(diff.empty());
}

}  // namespace
}  // namespace flinkha
