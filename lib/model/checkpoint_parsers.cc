// Checkpoint statistics and configuration parsers (Flink 1.13 to 1.20 shapes).
#include "model/checkpoint_parsers.h"

#include "model/json_reader.h"

namespace flinkha {
namespace {

// latest.completed / latest.savepoint: one completed checkpoint.
CompletedCheckpoint ReadCompleted(ObjectReader& parent, const Json& value,
                                  const std::string& path) {
  ObjectReader r(value, path);
  CompletedCheckpoint c;
  c.id = r.Int("id");
  c.trigger_timestamp_ms = r.Int("trigger_timestamp");
  c.latest_ack_timestamp_ms = r.Int("latest_ack_timestamp");
  c.end_to_end_duration_ms = r.Int("end_to_end_duration");
  // Since 1.15 checkpointed_size is what this checkpoint wrote (incremental)
  // and state_size the full state; before, only state_size exists and plays
  // both parts.
  auto checkpointed = r.OptInt("checkpointed_size");
  if (checkpointed) {
    c.checkpointed_size_bytes = *checkpointed;
    c.state_size_bytes = r.OptInt("state_size").value_or(*checkpointed);
  } else {
    c.state_size_bytes = r.Int("state_size");
    c.checkpointed_size_bytes = c.state_size_bytes;
  }
  c.external_path = r.OptString("external_path").value_or("");
  c.is_savepoint = r.OptBool("is_savepoint").value_or(false);
  parent.Absorb(r);
  return c;
}

FailedCheckpoint ReadFailed(ObjectReader& parent, const Json& value,
                            const std::string& path) {
  ObjectReader r(value, path);
  FailedCheckpoint f;
  f.id = r.Int("id");
  f.trigger_timestamp_ms = r.OptInt("trigger_timestamp").value_or(0);
  f.failure_timestamp_ms = r.Int("failure_timestamp");
  f.failure_message = r.OptString("failure_message").value_or("");
  parent.Absorb(r);
  return f;
}

RestoredCheckpoint ReadRestored(ObjectReader& parent, const Json& value,
                                const std::string& path) {
  ObjectReader r(value, path);
  RestoredCheckpoint x;
  x.id = r.Int("id");
  x.restore_timestamp_ms = r.Int("restore_timestamp");
  x.is_savepoint = r.OptBool("is_savepoint").value_or(false);
  x.external_path = r.OptString("external_path").value_or("");
  parent.Absorb(r);
  return x;
}

}  // namespace

Result<CheckpointStats> ParseCheckpointStats(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  CheckpointStats out;
  if (const Json* counts = r.Object("counts")) {
    ObjectReader c(*counts, "counts");
    out.restored = c.Int("restored");
    out.total = c.Int("total");
    out.in_progress = c.Int("in_progress");
    out.completed = c.Int("completed");
    out.failed = c.Int("failed");
    r.Absorb(c);
  }
  // Some versions omit `latest` entirely for a job without any checkpoint
  // statistics.
  if (const Json* latest = r.OptObject("latest")) {
    ObjectReader l(*latest, "latest");
    if (const Json* v = l.OptObject("completed")) {
      out.latest_completed = ReadCompleted(l, *v, "latest.completed");
    }
    if (const Json* v = l.OptObject("savepoint")) {
      out.latest_savepoint = ReadCompleted(l, *v, "latest.savepoint");
      out.latest_savepoint->is_savepoint = true;
    }
    if (const Json* v = l.OptObject("failed")) {
      out.latest_failed = ReadFailed(l, *v, "latest.failed");
    }
    if (const Json* v = l.OptObject("restored")) {
      out.latest_restored = ReadRestored(l, *v, "latest.restored");
    }
    r.Absorb(l);
  }
  if (const Json* history = r.OptArray("history")) {
    for (size_t i = 0; i < history->size(); ++i) {
      const Json& entry = (*history)[i];
      const std::string path = "history[" + std::to_string(i) + "]";
      ObjectReader h(entry, path);
      if (!entry.is_object() ||
          h.OptString("status").value_or("") != "COMPLETED") {
        continue;  // in progress or failed: no acknowledgement to take
      }
      CompletedCheckpoint c;
      c.id = h.Int("id");
      c.trigger_timestamp_ms = h.Int("trigger_timestamp");
      c.latest_ack_timestamp_ms = h.Int("latest_ack_timestamp");
      c.is_savepoint = h.OptBool("is_savepoint").value_or(false);
      r.Absorb(h);
      out.history_completed.push_back(c);
    }
  }
  if (!r.ok()) return *r.error();
  return out;
}

Result<CheckpointConfigInfo> ParseCheckpointConfig(std::string_view body) {
  auto json = ParseJsonBody(body);
  if (!json.ok()) return json.error();
  ObjectReader r(*json, "");
  CheckpointConfigInfo out;
  out.interval_ms = r.Int("interval");
  out.timeout_ms = r.Int("timeout");
  out.min_pause_ms = r.OptInt("min_pause").value_or(0);
  out.mode = r.OptString("mode").value_or("");
  if (auto t = r.OptInt("tolerable_failed_checkpoints")) {
    out.tolerable_failed_checkpoints = *t;
    out.tolerable_failed_checkpoints_known = true;
  }
  if (!r.ok()) return *r.error();
  return out;
}

}  // namespace flinkha
