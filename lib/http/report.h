// The operator's report over a snapshot, like the shell monitor it replaces:
// built once as lines, printed by the `status` command and shown on the status
// page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/state.h"

namespace flinkha {

// One finding: a check that passed or needs attention, or plain information.
struct ReportLine {
  enum class Mark { kOk, kProblem, kInfo };
  Mark mark = Mark::kInfo;
  std::string text;
};

struct ClusterReport {
  std::string cluster;
  std::vector<ReportLine> lines;
};

// The findings per cluster, in the order an operator checks them: JobManagers,
// leaders and standby, ZooKeeper, TaskManagers and slots, jobs and
// checkpoints, output.
std::vector<ClusterReport> BuildReport(const Snapshot& snapshot);

// One failure from Flink's exception history on one line: "<time>:
// <class>: <message> (task <task>, TaskManager <host:port>) [label=value]".
// Times in the display zone (minutes east of UTC).
std::string FailureText(const JobException& e, int zone = 0);

// One failover on one line: lost JobManager and how, new leader, time without
// a leader (and its upper bound), recovery phases, the restored checkpoint and
// the failure Flink recorded with it.
// Times in the display zone (minutes east of UTC; the JSON API's are UTC).
std::string FailoverSummary(const FailoverReport& report, int zone = 0);

// The failover reports a running exporter keeps (its /api/v1/status JSON), the
// last `max` per cluster newest first, one line each, with the failure that
// came with one; the `status` command
// prints them since it only polls once itself. Empty when there are none;
// nothing that is not the expected JSON is trusted.
std::vector<std::string> FailoverHistory(const nlohmann::json& status,
                                         size_t max = 3);

// True when no line of the report needs attention.
bool ReportHealthy(const std::vector<ClusterReport>& report);

// Plain text, one section per cluster, each check marked [OK] or [!!]; returns
// true in *healthy when nothing needs attention.
std::string HumanReport(const Snapshot& snapshot, bool* healthy);

}  // namespace flinkha
