// OutputWatcher: a worker thread that sleeps in poll() on inotify and a stop
// eventfd, runs the scanner when events arrive (at most every kPublishInterval)
// or a rescan is due, and publishes the totals into the StateStore.
#include "sources/output/output_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "model/filesink.h"
#include "util/logging.h"

namespace flinkha {
namespace {

// Events are coalesced: a burst of renames at a checkpoint becomes one or a few
// publishes.
constexpr std::chrono::milliseconds kPublishInterval{200};
// While the directory is missing or unreadable there is nothing to watch: retry
// this often.
constexpr std::chrono::milliseconds kRetryInterval{1000};

}  // namespace

class OutputWatcherImpl {
 public:
  OutputWatcherImpl(std::shared_ptr<const ClusterConfig> cluster,
                    OutputConfig output, StateStore* store,
                    std::chrono::milliseconds in_progress_interval)
      : cluster_(std::move(cluster)),
        output_(std::move(output)),
        store_(store),
        in_progress_interval_(in_progress_interval),
        source_id_("output/" + output_.path),
        pattern_error_(ValidateGlob(output_.pattern)) {}

  ~OutputWatcherImpl() { Stop(); }

  void Start() {
    if (thread_.joinable()) return;
    stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    if (!thread_.joinable()) return;
    if (stop_fd_ >= 0) {
      const uint64_t one = 1;
      ssize_t rc;
      do {
        rc = write(stop_fd_, &one, sizeof(one));
      } while (rc < 0 && errno == EINTR);
    }
    thread_.join();
    if (stop_fd_ >= 0) close(stop_fd_);
    stop_fd_ = -1;
  }

  OutputScanStats Stats() const {
    std::lock_guard<std::mutex> lock(stats_mu_);
    return stats_;
  }

 private:
  using Clock = std::chrono::steady_clock;

  void Run() {
    if (stop_fd_ < 0) {  // cannot wait for a stop signal: poll with a short
                         // timeout instead
      Logger("output")->warn(
          "eventfd failed for directory={}, stop may take up to {} ms",
          output_.path, kRetryInterval.count());
    }
    OutputScanner scanner(output_, /*use_inotify=*/true);
    const auto rescan =
        std::max(output_.rescan_interval, std::chrono::milliseconds(10));
    // Writers keep in-progress files open, so no inotify event tells their
    // writes: they are stated this often (a handful of files), well inside the
    // 60 s floor of the stall threshold the alert rules compare them with.
    const auto in_progress_every = std::min(
        rescan, std::max(in_progress_interval_, std::chrono::milliseconds(10)));
    Clock::time_point next_rescan = Clock::now();
    Clock::time_point next_in_progress = Clock::now() + in_progress_every;
    Clock::time_point last_publish = Clock::now() - kPublishInterval;
    Clock::time_point next_report = Clock::now();
    bool last_readable = false;
    std::string last_error;
    bool pending = false;
    for (;;) {
      const Clock::time_point now = Clock::now();
      Clock::time_point deadline = std::min(next_rescan, next_in_progress);
      if (pending)
        deadline = std::min(deadline, last_publish + kPublishInterval);
      if (stop_fd_ < 0) deadline = std::min(deadline, now + kRetryInterval);
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
          std::max(deadline - now, Clock::duration{}));
      pollfd fds[2] = {{stop_fd_, POLLIN, 0},
                       {scanner.inotify_fd(), POLLIN, 0}};
      const int rc = poll(
          fds, 2, static_cast<int>(std::min<int64_t>(wait.count(), 60'000)));
      if (rc < 0 && errno != EINTR) {
        Logger("output")->error("poll failed directory={} error=\"{}\"",
                                output_.path, std::strerror(errno));
        return;
      }
      if (rc > 0 && (fds[0].revents & POLLIN)) return;
      if (rc > 0 && (fds[1].revents & POLLIN) && scanner.ReadEvents())
        pending = true;
      const Clock::time_point t = Clock::now();
      if (t >= next_rescan) {
        scanner.Cycle(ScanKind::kRescan);
        const OutputTotals totals = scanner.Totals();
        // While the directory is missing it is retried every second, but
        // reported (one source attempt) only when something changed or once per
        // rescan interval, so source_errors_total counts rescans, not retries.
        if (t >= next_report || totals.readable != last_readable ||
            totals.error != last_error) {
          Publish(scanner, totals);
          next_report = t + rescan;
          last_readable = totals.readable;
          last_error = totals.error;
        }
        next_rescan =
            t + (totals.readable ? rescan : std::min(rescan, kRetryInterval));
        next_in_progress = t + in_progress_every;
        last_publish = t;
        pending = false;
      } else if (t >= next_in_progress) {
        next_in_progress = t + in_progress_every;
        if (scanner.RefreshInProgress()) pending = true;
      } else if (pending && t >= last_publish + kPublishInterval) {
        scanner.Cycle(ScanKind::kIncremental);
        const OutputTotals totals = scanner.Totals();
        Publish(scanner, totals);
        last_readable = totals.readable;
        last_error = totals.error;
        last_publish = t;
        pending = false;
      }
    }
  }

  void Publish(const OutputScanner& scanner, const OutputTotals& t) {
    ++scans_;
    {
      std::lock_guard<std::mutex> lock(stats_mu_);
      stats_ = scanner.stats();
    }
    std::string error = t.error;
    if (!pattern_error_.empty())
      error = "pattern \"" + output_.pattern + "\": " + pattern_error_;
    faults_.Report(source_id_, error);
    watch_faults_.Report(source_id_ + " inotify", scanner.watch_error());
    auto o = std::make_shared<OutputObservation>();
    o->directory = output_.path;
    o->at = std::chrono::system_clock::now();
    o->readable = t.readable;
    o->finished_files = t.finished_files;
    o->in_progress_files = t.in_progress_files;
    o->bytes = t.bytes;
    o->last_file_timestamp_seconds = t.last_file_timestamp_seconds;
    o->in_progress_last_write_timestamp_seconds =
        t.in_progress_last_write_timestamp_seconds;
    o->files_created_total = t.files_created_total;
    o->recent_commit_timestamps_seconds = t.recent_commit_timestamps_seconds;
    o->rows_total = t.rows_total;
    o->scans_total = scans_;
    o->error = error;
    const std::string cluster_name = cluster_ ? cluster_->name : std::string();
    store_->UpdateCluster(cluster_name, [&](ClusterState& c) {
      c.outputs[output_.path] = o;
      RecordSourceAttempt(c, source_id_, o->at, error);
    });
  }

  std::shared_ptr<const ClusterConfig> cluster_;
  OutputConfig output_;
  StateStore* store_;
  const std::chrono::milliseconds in_progress_interval_;
  std::string source_id_;
  std::string pattern_error_;
  FaultLog faults_{"output"};
  FaultLog watch_faults_{"output"};
  int stop_fd_ = -1;
  std::thread thread_;
  uint64_t scans_ = 0;  // worker thread only
  mutable std::mutex stats_mu_;
  OutputScanStats stats_;
};

OutputWatcher::OutputWatcher(std::shared_ptr<const ClusterConfig> cluster,
                             OutputConfig output, StateStore* store,
                             std::chrono::milliseconds in_progress_interval)
    : impl_(std::make_unique<OutputWatcherImpl>(
          std::move(cluster), std::move(output), store, in_progress_interval)) {
}

OutputWatcher::~OutputWatcher() { Stop(); }

void OutputWatcher::Start() { impl_->Start(); }

void OutputWatcher::Stop() { impl_->Stop(); }

OutputScanStats OutputWatcher::Stats() const { return impl_->Stats(); }

}  // namespace flinkha
