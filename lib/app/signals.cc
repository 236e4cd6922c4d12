// sigwait-based signal loop: no async-signal-safety concerns, no flags to poll.
#include "app/signals.h"

#include <csignal>

namespace flinkha {
namespace {

sigset_t Set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockSignals() {
  sigset_t set = Set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a scraper closing early must not kill us
}

SignalAction WaitForSignal() {
  sigset_t set = Set();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) return SignalAction::kReload;
    return SignalAction::kStop;
  }
}

}  // namespace flinkha
