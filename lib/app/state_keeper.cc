// StateKeeper: the state file's reads and atomic writes.
#include "app/state_keeper.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/saved_state.h"
#include "util/errno_text.h"

namespace flinkha {
namespace {

constexpr char kFileName[] = "state.json";
constexpr auto kCheckEvery = std::chrono::seconds(1);
constexpr auto kHistoryEvery = std::chrono::seconds(60);

// write + fsync + rename + fsync of the directory: a crash leaves the old
// file or the new one, never a torn one.
Status WriteAtomically(const std::string& dir, const std::string& path,
                       const std::string& data) {
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Error{"cannot write " + tmp + ": " + ErrnoText(errno)};
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      close(fd);
      unlink(tmp.c_str());
      return Error{"cannot write " + tmp + ": " + ErrnoText(e)};
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    const int e = errno;
    unlink(tmp.c_str());
    return Error{"cannot sync " + tmp + ": " + ErrnoText(e)};
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(tmp.c_str());
    return Error{"cannot replace " + path + ": " + ErrnoText(e)};
  }
  if (int d = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    fsync(d);
    close(d);
  }
  return Ok{};
}

// The failover part of the state: reports, events and totals per cluster.
SavedState FailoverPart(const Snapshot& s) {
  SavedState out;
  for (const auto& [name, c] : s.clusters) {
    SavedCluster& sc = out.clusters[name];
    if (c.failover) sc.failover = *c.failover;
    if (c.ha) sc.ha_events = c.ha->events;
  }
  return out;
}

}  // namespace

StateKeeper::StateKeeper(std::string dir, StateStore* store, History* history)
    : dir_(std::move(dir)), store_(store), history_(history) {
  if (!dir_.empty()) path_ = dir_ + "/" + kFileName;
}

StateKeeper::~StateKeeper() { Stop(); }

void StateKeeper::Restore(const Config& config, TimePoint now) {
  if (path_.empty()) return;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) {
      faults_.Report(path_, "cannot read the state file: " + ErrnoText(errno) +
                                "; starting empty");
    }
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto saved = DecodeSavedState(text.str());
  if (!saved.ok()) {
    faults_.Report(path_, "ignoring the state file: " + saved.error().message +
                              "; starting empty");
    return;
  }
  size_t restored = 0;
  for (const auto& c : config.clusters) {
    auto it = saved->clusters.find(c.name);
    if (it == saved->clusters.end()) continue;
    auto failover = std::make_shared<const FailoverState>(
        ResumeFailoverState(it->second, saved->saved_at, now));
    store_->UpdateCluster(c.name, [&](ClusterState& cs) {
      cs.name = c.name;
      cs.failover = failover;
    });
    ++restored;
  }
  if (!saved->history_error.empty()) {
    faults_.Report(path_ + " history",
                   "ignoring the saved history: " + saved->history_error);
  }
  history_->Restore(std::move(saved->history), now);
  Logger("state")->info(
      "restored path={} clusters={} saved_at_age_seconds={}", path_, restored,
      std::chrono::duration_cast<std::chrono::seconds>(now - saved->saved_at)
          .count());
}

void StateKeeper::Start() {
  if (path_.empty() || thread_.joinable()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    faults_.Report(path_, "cannot create " + dir_ + ": " + ec.message());
  }
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void StateKeeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) {
    thread_.join();
    SaveIfChanged(true);  // the last word: what this process knew at the end
  }
}

void StateKeeper::Run() {
  auto last_full = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, kCheckEvery, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    const bool full =
        std::chrono::steady_clock::now() - last_full >= kHistoryEvery;
    SaveIfChanged(full);
    if (full) last_full = std::chrono::steady_clock::now();
    lock.lock();
  }
}

void StateKeeper::SaveIfChanged(bool force) {
  const SnapshotPtr snap = store_->Get();
  SavedState state = FailoverPart(*snap);
  std::string part = EncodeSavedState(state);
  if (!force && part == last_failover_part_) return;
  state.saved_at = std::chrono::system_clock::now();
  state.history = history_->Copy();
  const Status st = WriteAtomically(dir_, path_, EncodeSavedState(state));
  faults_.Report(path_, st.ok() ? "" : st.error().message);
  if (st.ok()) last_failover_part_ = std::move(part);
}

}  // namespace flinkha
