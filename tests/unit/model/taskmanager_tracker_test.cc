// The lost-TaskManager rule as tables of polls: what counts as lost, and what
// (failovers, re-registration, REST errors) does not.
#include "model/taskmanager_tracker.h"

#include <catch2/catch.hpp>
#include <optional>
#include <set>

namespace flinkha {
namespace {

using std::chrono::seconds;

const TimePoint t0 = TimePoint{} + seconds(1'764'629'000);
constexpr Duration kLostAfter = seconds(30);

TaskManagerSummary Tm(const std::string& id) {
  TaskManagerSummary s;
  s.id = id;
  s.address = id + ":6122";
  s.slots_number = 4;
  s.free_slots = 1;
  return s;
}

// One poll of the preferred JobManager: its name, the time in seconds after
// t0, and the ids it lists (nullopt: no successful GET /taskmanagers).
struct Poll {
  std::string jobmanager;
  int at_s;
  std::optional<std::vector<std::string>> listed;
};

struct Case {
  const char* what;
  std::vector<Poll> polls;
  uint64_t lost_total;
  std::vector<std::string> lost;  // ids, oldest first
  std::vector<std::string> listed_at_end;
};

using Ids = std::vector<std::string>;
const auto kNone = std::nullopt;

TaskManagerView Run(const std::vector<Poll>& polls) {
  TaskManagerView view;
  for (const auto& p : polls) {
    std::vector<TaskManagerSummary> tms;
    if (p.listed) {
      for (const auto& id : *p.listed) tms.push_back(Tm(id));
    }
    TaskManagerListing in{p.jobmanager, t0 + seconds(p.at_s),
                          p.listed ? &tms : nullptr};
    view = NextTaskManagerView(view, in, kLostAfter);
  }
  return view;
}

TEST_CASE("The tracker counts a TaskManager lost only when it stays unlisted",
          "[model][taskmanagers]") {
  const std::vector<Case> cases = {
      {"steady cluster",
       {{"jm-1", 0, Ids{"a", "b"}}, {"jm-1", 60, Ids{"a", "b"}}},
       0,
       {},
       {"a", "b"}},
      {"unlisted for the whole window: lost once",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-1", 20, Ids{"a"}},
        {"jm-1", 35, Ids{"a"}},
        {"jm-1", 90, Ids{"a"}}},
       1,
       {"b"},
       {"a"}},
      {"not yet the whole window",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-1", 34, Ids{"a"}}},
       0,
       {},
       {"a"}},
      {"re-registers within the window",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-1", 25, Ids{"a", "b"}},
        {"jm-1", 50, Ids{"a", "b"}}},
       0,
       {},
       {"a", "b"}},
      {"failover: the new leader lists none, then all re-register",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, kNone},
        {"jm-2", 10, kNone},
        {"jm-2", 15, Ids{}},
        {"jm-2", 20, Ids{"a"}},
        {"jm-2", 40, Ids{"a", "b"}},
        {"jm-2", 120, Ids{"a", "b"}}},
       0,
       {},
       {"a", "b"}},
      {"failover: one TaskManager never comes back to the new leader",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-2", 10, Ids{}},
        {"jm-2", 20, Ids{"a"}},
        {"jm-2", 39, Ids{"a"}},
        {"jm-2", 40, Ids{"a"}}},
       1,
       {"b"},
       {"a"}},
      {"another preferred JobManager restarts the clock",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-2", 30, Ids{"a"}},
        {"jm-2", 59, Ids{"a"}}},
       0,
       {},
       {"a"}},
      {"404 of /taskmanagers (no resource manager leader) restarts the clock",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-1", 20, kNone},
        {"jm-1", 30, Ids{"a"}},
        {"jm-1", 59, Ids{"a"}}},
       0,
       {},
       {"a"}},
      {"a long REST outage alone loses nothing",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"", 10, kNone},
        {"", 600, kNone},
        {"jm-1", 605, Ids{"a", "b"}}},
       0,
       {},
       {"a", "b"}},
      {"an empty list for the whole window: all lost",
       {{"jm-1", 0, Ids{"a", "b"}}, {"jm-1", 5, Ids{}}, {"jm-1", 35, Ids{}}},
       2,
       {"a", "b"},
       {}},
      {"the same answer fed twice counts nothing twice",
       {{"jm-1", 0, Ids{"a"}},
        {"jm-1", 5, Ids{}},
        {"jm-1", 35, Ids{}},
        {"jm-1", 35, Ids{}},
        {"jm-1", 70, Ids{}}},
       1,
       {"a"},
       {}},
      {"lost, back, lost again: counted twice",
       {{"jm-1", 0, Ids{"a", "b"}},
        {"jm-1", 5, Ids{"a"}},
        {"jm-1", 35, Ids{"a"}},
        {"jm-1", 40, Ids{"a", "b"}},
        {"jm-1", 45, Ids{"a"}},
        {"jm-1", 75, Ids{"a"}}},
       2,
       {"b", "b"},
       {"a"}},
      {"never listed: nothing to lose",
       {{"jm-1", 0, Ids{}}, {"jm-1", 100, Ids{}}},
       0,
       {},
       {}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const TaskManagerView v = Run(c.polls);
    CHECK(v.lost_total == c.lost_total);
    std::vector<std::string> lost, listed;
    for (const auto& l : v.lost) lost.push_back(l.id);
    for (const auto& t : v.taskmanagers) listed.push_back(t.id);
    CHECK(lost == c.lost);
    CHECK(listed == c.listed_at_end);
  }
}

TEST_CASE("A lost TaskManager is reported with when it was last listed",
          "[model][taskmanagers]") {
  // b is last listed at 0, gone at 5; the failover at 20 restarts the clock,
  // so the loss is counted at 50 but still dated 5.
  const TaskManagerView v = Run({{"jm-1", 0, Ids{"a", "b"}},
                                 {"jm-1", 5, Ids{"a"}},
                                 {"jm-2", 20, Ids{"a"}},
                                 {"jm-2", 50, Ids{"a"}}});
  REQUIRE(v.lost.size() == 1);
  CHECK(v.lost[0].id == "b");
  CHECK(v.lost[0].address == "b:6122");
  CHECK(v.lost[0].last_seen == t0);
  CHECK(v.lost[0].gone_at == t0 + seconds(5));
  CHECK(v.lost[0].counted_at == t0 + seconds(50));
  CHECK(v.tracked.count("b") == 0);  // forgotten once counted
  CHECK(v.jobmanager == "jm-2");
  REQUIRE(v.listed_at);
  CHECK(*v.listed_at == t0 + seconds(50));
}

TEST_CASE("Without a successful answer the view lists no TaskManager",
          "[model][taskmanagers]") {
  const TaskManagerView v = Run({{"jm-1", 0, Ids{"a"}}, {"jm-1", 5, kNone}});
  CHECK(v.taskmanagers.empty());
  CHECK_FALSE(v.listed_at);
  CHECK(v.tracked.count("a") == 1);  // still remembered
}

TEST_CASE("The lost list keeps the newest kMaxLostTaskManagers",
          "[model][taskmanagers]") {
  std::vector<Poll> polls;
  Ids all;
  for (size_t i = 0; i < kMaxLostTaskManagers + 5; ++i) {
    all.push_back("tm-" + std::to_string(100 + i));
  }
  polls.push_back({"jm-1", 0, all});
  polls.push_back({"jm-1", 5, Ids{}});
  polls.push_back({"jm-1", 40, Ids{}});
  const TaskManagerView v = Run(polls);
  CHECK(v.lost_total == kMaxLostTaskManagers + 5);
  REQUIRE(v.lost.size() == kMaxLostTaskManagers);
  CHECK(v.lost.back().id == all.back());
  CHECK(v.lost.front().id == all[5]);
}

ClusterState Cluster() {
  ClusterConfig cfg;
  cfg.name = "c";
  cfg.jobmanagers = {{"jm-1", "http://a:8081", "a:8081"},
                     {"jm-2", "http://b:8081", "b:8081"}};
  cfg.taskmanager_lost_after = seconds(10);
  ClusterState c;
  c.config = std::make_shared<const ClusterConfig>(cfg);
  return c;
}

std::shared_ptr<JobManagerObservation> Jm(TimePoint at, const Ids* ids) {
  auto o = std::make_shared<JobManagerObservation>();
  o->at = at;
  o->up = true;
  o->overview = ClusterOverview{};
  if (ids) {
    o->taskmanagers.emplace();
    for (const auto& id : *ids) o->taskmanagers->push_back(Tm(id));
  }
  return o;
}

TEST_CASE(
    "UpdateTaskManagers reads the preferred JobManager and keeps an "
    "unchanged view",
    "[model][taskmanagers]") {
  ClusterState c = Cluster();
  // As DeriveCluster does: the facts first, then the view.
  auto update = [](ClusterState& cluster) {
    cluster.facts = DeriveFacts(cluster);
    UpdateTaskManagers(cluster);
  };
  update(c);
  REQUIRE(c.taskmanagers);  // a view (lost_total 0) even before any answer
  CHECK(c.taskmanagers->jobmanager.empty());

  const Ids ab{"a", "b"}, a{"a"};
  c.jobmanagers["jm-1"] = Jm(t0, &ab);
  c.jobmanagers["jm-2"] = Jm(t0, &a);  // not preferred: first up in config
  update(c);
  REQUIRE(c.taskmanagers->taskmanagers.size() == 2);
  CHECK(c.taskmanagers->jobmanager == "jm-1");
  const auto before = c.taskmanagers;
  update(c);  // e.g. another source's update: same answer
  CHECK(c.taskmanagers == before);

  c.jobmanagers["jm-1"] = Jm(t0 + seconds(5), &a);
  update(c);
  c.jobmanagers["jm-1"] = Jm(t0 + seconds(15), &a);
  update(c);
  CHECK(c.taskmanagers->lost_total == 1);
  CHECK(c.taskmanagers->lost.back().id == "b");
}

}  // namespace
}  // namespace flinkha
