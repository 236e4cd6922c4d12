// ZkHealthProbe: every health_interval, asks each quorum member srvr (stock
// whitelist), and mntr and ruok where the whitelist allows, and publishes what
// they answer.
#include "sources/zookeeper/zk_health_probe.h"

#include "config/address.h"
#include "model/zk_4lw.h"
#include "model/zk_ensemble.h"
#include "sources/zookeeper/four_letter_word.h"
#include "util/logging.h"

namespace flinkha {
namespace {

constexpr const char* kSource = "zookeeper_health";
// A refused command is asked again now and then: the whitelist changes with a
// restart.
constexpr uint64_t kRetryRefusedEvery = 30;

}  // namespace

ZkHealthProbe::ZkHealthProbe(std::shared_ptr<const ClusterConfig> cluster,
                             StateStore* store)
    : cluster_(std::move(cluster)), store_(store) {}
ZkHealthProbe::~ZkHealthProbe() { Stop(); }

void ZkHealthProbe::Start() {
  if (!cluster_->zookeeper) return;
  // Continue the election count across a reload.
  auto snap = store_->Get();
  if (auto it = snap->clusters.find(cluster_->name);
      it != snap->clusters.end() && it->second.zookeeper_ensemble) {
    elections_ = it->second.zookeeper_ensemble->elections;
  }
  worker_.Start(cluster_->zookeeper->health_interval, [this] { ProbeOnce(); });
}

void ZkHealthProbe::Stop() { worker_.Stop(); }

ZkServerHealth ZkHealthProbe::ProbeServer(const HostPort& member) {
  const std::string server = FormatHostPort(member);
  const ZooKeeperConfig& zk = *cluster_->zookeeper;
  ZkServerHealth h;
  h.server = server;
  h.at = std::chrono::system_clock::now();
  // Bounded by the cluster's request timeout, at most 5 s per command.
  const auto timeout = std::min<std::chrono::milliseconds>(
      cluster_->request_timeout, std::chrono::milliseconds(5000));
  auto& allowed = allowed_[server];
  const bool retry_refused = rounds_ % kRetryRefusedEvery == 0;
  auto worth_asking = [&](const std::string& cmd) {
    auto it = allowed.find(cmd);
    return it == allowed.end() || it->second || retry_refused;
  };
  // Asks cmd; nullopt when the server did not answer at all (h.error says why).
  auto ask = [&](const std::string& cmd) -> std::optional<std::string> {
    auto answer = SendFourLetterWord(member.host, member.port, cmd, timeout);
    if (!answer.ok()) {
      h.error = cmd + ": " + answer.error().message;
      return std::nullopt;
    }
    allowed[cmd] = !IsNotWhitelisted(answer.value());
    return answer.value();
  };

  std::vector<std::string> stats_commands;
  if (zk.four_letter_words == FourLetterWords::kSrvr) {
    stats_commands = {"srvr"};
  } else {
    stats_commands = {"mntr", "srvr"};  // auto and mntr: the richer one first
  }
  bool answered = false;
  for (const auto& cmd : stats_commands) {
    if (!worth_asking(cmd)) continue;
    auto answer = ask(cmd);
    if (!answer)
      return h;  // unreachable or silent: asking more would only wait longer
    answered = true;
    if (IsNotWhitelisted(*answer)) continue;
    ZkServerHealth parsed = h;
    auto st = cmd == "mntr" ? ParseMntr(*answer, &parsed)
                            : ParseSrvr(*answer, &parsed);
    if (!st.ok()) {
      h.error = st.error().message;
      if (IsNotServing(*answer)) return h;
      continue;
    }
    h = parsed;
    h.up = true;
    h.command_used = cmd;
    h.error.clear();
    break;
  }
  // mntr has no Zxid: srvr adds the epoch that tells elections apart.
  if (h.up && h.command_used == "mntr" && worth_asking("srvr")) {
    if (auto answer = ask("srvr")) {
      ZkServerHealth srvr;
      if (ParseSrvr(*answer, &srvr).ok()) h.zxid = srvr.zxid;
    }
    h.error.clear();
  }
  if (zk.four_letter_words == FourLetterWords::kAuto && worth_asking("ruok")) {
    if (auto answer = ask("ruok")) {
      answered = true;
      if (!h.up && ParseRuok(*answer).ok()) {
        h.up = true;
        h.command_used = "ruok";
        h.error.clear();
      }
    }
  }
  if (!h.up && answered && h.error.empty()) {
    h.error = "no four-letter word allowed: add srvr to 4lw.commands.whitelist";
  }
  h.commands_allowed = allowed;
  return h;
}

void ZkHealthProbe::ProbeOnce() {
  const ZooKeeperConfig& zk = *cluster_->zookeeper;
  std::map<std::string, std::shared_ptr<const ZkServerHealth>> results;
  std::string error;
  // The loader checked the quorum: an error here means none to probe.
  auto quorum = ParseQuorum(zk.quorum);
  if (!quorum.ok()) error = quorum.error().message;
  for (const HostPort& member :
       quorum.ok() ? *quorum : std::vector<HostPort>()) {
    if (worker_.stopping()) return;
    const std::string server = FormatHostPort(member);
    auto h = std::make_shared<ZkServerHealth>(ProbeServer(member));
    if (!h->error.empty())
      error += (error.empty() ? "" : "; ") + server + ": " + h->error;
    results[server] = std::move(h);
  }
  ++rounds_;
  static FaultLog faults("zookeeper_health");
  faults.Report(cluster_->name, error);
  const TimePoint now = std::chrono::system_clock::now();
  auto ensemble = std::make_shared<ZkEnsembleState>();
  ensemble->view =
      DeriveEnsemble({results.begin(), results.end()},
                     quorum.ok() ? static_cast<int>(quorum->size()) : 0);
  const std::string old_leader = elections_.leader;
  bool elected = false;
  elections_ = TrackElections(elections_, ensemble->view, now, &elected);
  ensemble->elections = elections_;
  if (elected) {
    Logger("zookeeper_health")
        ->warn(
            "zookeeper leader elected cluster={} leader={} previous={} "
            "epoch={} elections_total={}",
            cluster_->name, elections_.leader, old_leader, *elections_.epoch,
            elections_.elections_total);
  }
  if (ensemble->view.quorum != quorum_seen_) {
    Logger("zookeeper_health")
        ->warn("zookeeper quorum {} cluster={} serving={}/{}",
               ensemble->view.quorum ? "intact" : "lost", cluster_->name,
               ensemble->view.serving, ensemble->view.servers);
    quorum_seen_ = ensemble->view.quorum;
  }
  store_->UpdateCluster(cluster_->name, [&](ClusterState& c) {
    c.zookeeper_servers = results;
    c.zookeeper_ensemble = ensemble;
    RecordSourceAttempt(c, kSource, now, error);
  });
}

}  // namespace flinkha
