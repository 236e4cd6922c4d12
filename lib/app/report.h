// The operator's report over a snapshot, like the shell monitor it replaces:
// built once as lines, printed by the `status` command and shown on the status
// page.
#pragma once

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

// True when no line of the report needs attention.
bool ReportHealthy(const std::vector<ClusterReport>& report);

// Plain text, one section per cluster, each check marked [OK] or [!!]; returns
// true in *healthy when nothing needs attention.
std::string HumanReport(const Snapshot& snapshot, bool* healthy);

}  // namespace flinkha
