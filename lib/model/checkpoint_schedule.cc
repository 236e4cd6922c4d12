// CheckpointSchedule: per-job cadence from the checkpoint interval, earliest
// due first; RequestPacer: even spacing under a per-JobManager budget.
#include "model/checkpoint_schedule.h"

#include <algorithm>

namespace flinkha {

Duration MaxCheckpointCadence(Duration poll_interval) {
  return std::max(poll_interval, std::min<Duration>(std::chrono::seconds(60),
                                                    poll_interval * 12));
}

Duration CheckpointCadence(const CadenceInput& in, Duration poll_interval) {
  const Duration max = MaxCheckpointCadence(poll_interval);
  if (!in.running) return poll_interval;
  if (in.checkpointing_disabled) return max;
  if (!in.checkpoint_interval || *in.checkpoint_interval <= Duration::zero()) {
    return poll_interval;
  }
  return std::clamp<Duration>(*in.checkpoint_interval / 4, poll_interval, max);
}

RequestPacer::RequestPacer(int per_second)
    : spacing_(std::chrono::nanoseconds(std::chrono::seconds(1)) /
               std::max(1, per_second)) {}

MonoTime RequestPacer::NextSlot(MonoTime now) const {
  if (!last_) return now;
  return std::max(now, *last_ + spacing_);
}

void RequestPacer::Take(MonoTime at) { last_ = std::max(at, NextSlot(at)); }

CheckpointSchedule::CheckpointSchedule(Duration poll_interval)
    : poll_interval_(poll_interval) {}

void CheckpointSchedule::SetDue(const std::string& id, Entry& e, MonoTime due) {
  queue_.erase({e.due, id});
  e.due = due;
  queue_.insert({e.due, id});
}

void CheckpointSchedule::Sync(const std::vector<const JobSummary*>& jobs,
                              const std::string& endpoint, MonoTime now) {
  if (!epoch_) epoch_ = now;
  const bool endpoint_changed = endpoint != endpoint_;
  endpoint_ = endpoint;
  std::set<std::string> listed;
  // Jobs due now are offset by a nanosecond each, so they are asked in list
  // order.
  auto now_in_order = [&, n = 0]() mutable {
    return now + std::chrono::nanoseconds(n++);
  };
  for (const JobSummary* job : jobs) {
    listed.insert(job->id);
    auto [it, inserted] = jobs_.try_emplace(job->id);
    Entry& e = it->second;
    const bool changed = inserted || endpoint_changed ||
                         e.state != job->state ||
                         e.start_time_ms != job->start_time_ms ||
                         e.last_modification_ms != job->last_modification_ms;
    e.state = job->state;
    e.start_time_ms = job->start_time_ms;
    e.last_modification_ms = job->last_modification_ms;
    if (inserted) {
      // Golden-ratio steps: any number of jobs, in listing order, lands
      // evenly spread over [0, 1) (and stays so as jobs come and go).
      constexpr double kGolden = 0.6180339887498949;
      e.phase = static_cast<double>(listed_total_++) * kGolden;
      e.phase -= static_cast<double>(static_cast<uint64_t>(e.phase));
      e.cadence = poll_interval_;
      e.due = now_in_order();
      queue_.insert({e.due, job->id});
      ++unvisited_;
    } else if (changed && e.due > now) {
      SetDue(job->id, e, now_in_order());
    }
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (listed.count(it->first)) {
      ++it;
      continue;
    }
    queue_.erase({it->second.due, it->first});
    if (!it->second.visited) --unvisited_;
    it = jobs_.erase(it);
  }
}

std::optional<std::string> CheckpointSchedule::NextDue(MonoTime now) const {
  if (queue_.empty() || queue_.begin()->first > now) return std::nullopt;
  return queue_.begin()->second;
}

std::optional<MonoTime> CheckpointSchedule::EarliestDue() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first;
}

void CheckpointSchedule::Visited(const std::string& id, const CadenceInput& in,
                                 MonoTime now,
                                 std::optional<MonoTime> revisit_by) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Entry& e = it->second;
  if (!e.visited) --unvisited_;
  e.visited = true;
  e.cadence = CheckpointCadence(in, poll_interval_);
  // The first time at least half a cadence from now that is at the job's
  // phase: a late visit does not shift the job for good.
  const auto cadence =
      std::chrono::duration_cast<MonoTime::duration>(e.cadence);
  const auto offset =
      std::chrono::duration_cast<MonoTime::duration>(cadence * e.phase);
  const MonoTime earliest = now + cadence / 2;
  const MonoTime base = epoch_.value_or(now) + offset;
  MonoTime due = base;
  if (due < earliest) {
    due += ((earliest - due) / cadence + 1) * cadence;
  }
  if (revisit_by && *revisit_by < due) due = std::max(now, *revisit_by);
  SetDue(id, e, due);
}

size_t CheckpointSchedule::Overdue(MonoTime now, Duration late) const {
  size_t n = 0;
  for (const auto& [due, id] : queue_) {
    if (due + late >= now) break;
    ++n;
  }
  return n;
}

std::optional<MonoTime> CheckpointSchedule::DueOf(const std::string& id) const {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.due;
}

std::optional<Duration> CheckpointSchedule::CadenceOf(
    const std::string& id) const {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.cadence;
}

}  // namespace flinkha
