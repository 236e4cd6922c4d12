// One attempt of the simulated streaming job, run by the leading JobManager: recovers from the
// newest checkpoint in ZooKeeper, writes CSV rows FileSink-style, checkpoints and commits.
package flinksim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * A job attempt lives from leadership grant to revocation (a new JobMaster after a failover is a
 * new SimJob, so its checkpoint counts restart from zero as Flink's do). Thread safety: state is
 * guarded by `this`; ZooKeeper is only called without the lock (Curator callbacks take the
 * JobManager's locks on the ZooKeeper event thread). Timers run on one private thread.
 */
final class SimJob {
  static final int VERTICES = 2; // "Source: rows" -> "Sink: csv"
  private static final int HISTORY = 10; // Flink's web.checkpoints.history default
  private static final DateTimeFormatter BUCKET = DateTimeFormatter.ofPattern("yyyy-MM-dd--HH");

  private final JobManager.Options opt;
  private final CuratorFramework zk;
  private final JobManager.Events events;
  private final BooleanSupplier leader; // still the leader? checked before writing to ZooKeeper
  private final IntSupplier slotsTotal;
  private final ScheduledExecutorService timer;
  // This attempt's lock on the checkpoints it holds (Flink: one lock node per store instance).
  private final String lockId = UUID.randomUUID().toString();

  // Guarded by this.
  private boolean stopped;
  private String state = "INITIALIZING";
  private long startTime;
  private long lastModification;
  private int numRestarts;
  private Long restoreFrom; // checkpoint id the next RUNNING transition restores
  private Long lastCompletedId; // of this attempt
  private long nextCheckpointId = 1;
  private long inProgressId = -1;
  private long inProgressTrigger;
  private int countRestored, countCompleted, countFailed;
  private Json.Raw latestCompleted, latestFailed, latestRestored;
  private final Deque<Json.Raw> history = new ArrayDeque<>();
  private final List<long[]> completedStats = new ArrayList<>(); // {checkpointed, state, duration}
  private final List<ScheduledFuture<?>> running = new ArrayList<>();
  private boolean failCheckpoints, stopOutput;
  private PartWriter writer;
  private long rowsTotal, rowsSinceCheckpoint, lastTick;
  private double rowDebt;

  SimJob(JobManager.Options opt, CuratorFramework zk, JobManager.Events events,
      BooleanSupplier leader, IntSupplier slotsTotal, boolean failCheckpoints, boolean stopOutput) {
    this.opt = opt;
    this.zk = zk;
    this.events = events;
    this.leader = leader;
    this.slotsTotal = slotsTotal;
    this.failCheckpoints = failCheckpoints;
    this.stopOutput = stopOutput;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flinksim-job");
      t.setDaemon(true);
      return t;
    });
  }

  String jobId() {
    return opt.jobId;
  }

  /** Recovers the job from ZooKeeper and starts it (asynchronously). */
  void start() {
    synchronized (this) {
      startTime = lastModification = System.currentTimeMillis();
    }
    events.say("JOB INITIALIZING " + opt.jobId);
    timer.execute(this::recover);
  }

  /** Leadership lost or process leaving: stop at once; the open part file stays in progress. */
  void stop() {
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      cancelTimers();
      if (writer != null) writer.abandon();
      writer = null;
      state = "SUSPENDED";
    }
    timer.shutdownNow();
    events.say("JOB STOPPED " + opt.jobId);
  }

  synchronized void setFailCheckpoints(boolean on) {
    failCheckpoints = on;
  }

  synchronized void setStopOutput(boolean on) {
    stopOutput = on;
  }

  /** A task failure: the job restarts in place from its latest checkpoint (numRestarts + 1). */
  void failJob(String why) {
    synchronized (this) {
      if (stopped || !state.equals("RUNNING")) return;
      restartLocked();
    }
    events.say("JOB RESTARTING " + opt.jobId + " " + why);
  }

  /** TaskManagers came or went: too few slots fail the running job; enough slots restart it. */
  void resourcesChanged() {
    boolean restart = false;
    synchronized (this) {
      if (!stopped && state.equals("RUNNING") && slotsTotal.getAsInt() < opt.parallelism) {
        restartLocked();
        restart = true;
      }
    }
    if (restart) events.say("JOB RESTARTING " + opt.jobId + " not enough slots");
  }

  private void restartLocked() {
    numRestarts++;
    cancelTimers();
    if (writer != null) writer.abandon(); // rows after the checkpoint are replayed
    writer = null;
    if (inProgressId >= 0) {
      recordFailureLocked(inProgressId, "Checkpoint was canceled because a task failed.");
    }
    state = "RESTARTING";
    lastModification = System.currentTimeMillis();
    if (lastCompletedId != null) restoreFrom = lastCompletedId;
    schedule(this::toRunning, opt.restoreDelayMs);
  }

  // ---- attempt life cycle (timer thread) ----

  private void recover() {
    Long newest = null;
    long counter = 1;
    try {
      String graph = "/jobgraphs/" + opt.jobId;
      if (zk.checkExists().forPath(graph) == null && leader.getAsBoolean()) {
        try {
          zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
              .forPath(graph, opt.jobName.getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException ignored) {
          // another JobManager stored it first
        }
      }
      String dir = checkpointsDir();
      if (zk.checkExists().forPath(dir) != null) {
        for (String child : zk.getChildren().forPath(dir)) {
          Long id = checkpointId(child);
          if (id != null && (newest == null || id > newest)) newest = id;
        }
      }
      // Flink's recovery locks the checkpoints it takes over.
      if (newest != null && leader.getAsBoolean()) lock(dir + String.format("/%019d", newest));
      String counterPath = counterPath();
      if (zk.checkExists().forPath(counterPath) != null) {
        byte[] b = zk.getData().forPath(counterPath);
        if (b != null && b.length == 4) counter = ByteBuffer.wrap(b).getInt();
      }
    } catch (Exception e) {
      events.say("ERROR recovering job from ZooKeeper: " + e);
    }
    synchronized (this) {
      if (stopped) return;
      restoreFrom = newest;
      nextCheckpointId = Math.max(counter, newest == null ? 1 : newest + 1);
      schedule(this::toRunning, opt.restoreDelayMs);
    }
  }

  private void toRunning() {
    Long restored;
    synchronized (this) {
      if (stopped) return;
      if (slotsTotal.getAsInt() < opt.parallelism) {
        // Waiting for TaskManagers, as Flink does with too few slots: retry later.
        if (!state.equals("RESTARTING")) {
          state = "RESTARTING";
          lastModification = System.currentTimeMillis();
        }
        schedule(this::toRunning, opt.restoreDelayMs);
        return;
      }
      long now = System.currentTimeMillis();
      restored = restoreFrom;
      if (restored != null) {
        countRestored++;
        latestRestored = Json.obj("id", restored, "restore_timestamp", now, "is_savepoint", false,
            "external_path", externalPath(restored));
      }
      state = "RUNNING";
      lastModification = now;
      lastTick = now;
      rowDebt = 0;
      writer = new PartWriter(Path.of(opt.output));
      running.add(timer.scheduleAtFixedRate(this::writeRows, 100, 100, TimeUnit.MILLISECONDS));
      running.add(timer.scheduleWithFixedDelay(this::triggerCheckpoint,
          opt.checkpointIntervalMs, opt.checkpointIntervalMs, TimeUnit.MILLISECONDS));
    }
    if (restored != null) events.say("JOB RESTORED " + opt.jobId + " " + restored);
    events.say("JOB RUNNING " + opt.jobId);
  }

  private void writeRows() {
    synchronized (this) {
      if (stopped || !state.equals("RUNNING") || writer == null) return;
      long now = System.currentTimeMillis();
      rowDebt += opt.rowsPerSecond * (now - lastTick) / 1000.0;
      lastTick = now;
      long n = (long) rowDebt;
      rowDebt -= n;
      if (stopOutput || n == 0) return;
      try {
        StringBuilder rows = new StringBuilder();
        for (long i = 0; i < n; i++) {
          long seq = rowsTotal + i;
          rows.append(seq).append(',').append(now).append(",key-").append(seq % 16).append(',')
              .append(ThreadLocalRandom.current().nextInt(1000)).append('\n');
        }
        writer.write(rows.toString());
        rowsTotal += n;
        rowsSinceCheckpoint += n;
      } catch (IOException e) {
        events.say("ERROR writing output: " + e);
      }
    }
  }

  private void triggerCheckpoint() {
    long id;
    synchronized (this) {
      if (stopped || !state.equals("RUNNING") || inProgressId >= 0) return;
      id = nextCheckpointId++;
      inProgressId = id;
      inProgressTrigger = System.currentTimeMillis();
      addHistoryLocked(entry("in_progress", "IN_PROGRESS", id, inProgressTrigger,
          inProgressTrigger, 0, 0, 0));
    }
    // Flink's ZooKeeperCheckpointIDCounter: the next id survives a failover.
    if (leader.getAsBoolean()) {
      writeZk(counterPath(), ByteBuffer.allocate(4).putInt((int) id + 1).array());
    }
    long duration = Math.min(opt.checkpointIntervalMs / 2, 20 + ThreadLocalRandom.current().nextInt(60));
    schedule(() -> completeCheckpoint(id), duration);
  }

  private void completeCheckpoint(long id) {
    boolean fail;
    synchronized (this) {
      if (stopped || inProgressId != id) return;
      fail = failCheckpoints;
      if (fail) {
        recordFailureLocked(id, "Checkpoint was declined (simulated by flinksim: fail-checkpoints).");
      }
    }
    if (fail) {
      events.say("CHECKPOINT_FAILED " + id);
      return;
    }
    // Flink's ZooKeeperCompletedCheckpointStore: the pointer (and our lock on it) first, then
    // the older ones go: our lock is released, the node removed once no JobManager holds it
    // (a dead leader's ephemeral lock lasts until its session expires).
    if (!leader.getAsBoolean()) return;
    String dir = checkpointsDir();
    String node = dir + String.format("/%019d", id);
    writeZk(node, externalPath(id).getBytes(StandardCharsets.UTF_8));
    lock(node);
    try {
      for (String child : zk.getChildren().forPath(dir)) {
        Long old = checkpointId(child);
        if (old == null || old >= id) continue; // not a pointer, or the new one
        String locks = dir + "/" + child + "/locks";
        try {
          zk.delete().forPath(locks + "/" + lockId);
        } catch (KeeperException.NoNodeException ignored) {
          // not ours, or released before
        }
        try {
          if (zk.checkExists().forPath(locks) == null
              || zk.getChildren().forPath(locks).isEmpty()) {
            zk.delete().deletingChildrenIfNeeded().forPath(dir + "/" + child);
          }
        } catch (KeeperException.NoNodeException ignored) {
          // removed meanwhile
        }
      }
    } catch (Exception e) {
      events.say("ERROR pruning checkpoints: " + e);
    }
    String committed = null;
    synchronized (this) {
      if (stopped || inProgressId != id) return;
      long now = System.currentTimeMillis();
      long duration = now - inProgressTrigger;
      long checkpointed = 1024 + rowsSinceCheckpoint * 24;
      long stateSize = 1024 + rowsTotal * 24;
      rowsSinceCheckpoint = 0;
      inProgressId = -1;
      countCompleted++;
      Json.Raw e = entry("completed", "COMPLETED", id, inProgressTrigger, now, duration,
          checkpointed, stateSize);
      latestCompleted = e;
      lastCompletedId = id;
      replaceHistoryLocked(id, e);
      completedStats.add(new long[] {checkpointed, stateSize, duration});
      if (completedStats.size() > 1000) completedStats.remove(0);
      // FileSink commits the pending part file when the checkpoint completes.
      try {
        if (writer != null) committed = writer.commit();
      } catch (IOException ex) {
        events.say("ERROR committing part file: " + ex);
      }
    }
    events.say("CHECKPOINT " + id);
    if (committed != null) events.say("COMMITTED " + committed);
  }

  // ---- helpers ----

  private void recordFailureLocked(long id, String message) {
    long now = System.currentTimeMillis();
    inProgressId = -1;
    countFailed++;
    latestFailed = Json.with(entry("failed", "FAILED", id, inProgressTrigger, now,
        now - inProgressTrigger, 0, 0), "failure_timestamp", now, "failure_message", message);
    replaceHistoryLocked(id, latestFailed);
  }

  private void writeZk(String path, byte[] data) {
    try {
      if (zk.checkExists().forPath(path) == null) {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
      } else {
        zk.setData().forPath(path, data);
      }
    } catch (Exception e) {
      events.say("ERROR writing " + path + ": " + e);
    }
  }

  /**
   * Completed checkpoints (children `%019d` ids): `jobs/<jid>/checkpoints` from Flink 1.14,
   * `checkpoints/<jid>` before (Flink's ZooKeeperUtils).
   */
  private String checkpointsDir() {
    return opt.layout.equals("1.13") ? "/checkpoints/" + opt.jobId
        : "/jobs/" + opt.jobId + "/checkpoints";
  }

  /** The checkpoint id counter: `jobs/<jid>/checkpoint_id_counter` from 1.14. */
  private String counterPath() {
    return opt.layout.equals("1.13") ? "/checkpoint-counter/" + opt.jobId
        : "/jobs/" + opt.jobId + "/checkpoint_id_counter";
  }

  /** The id a child of checkpointsDir() names, null for anything but 19 digits. */
  private static Long checkpointId(String child) {
    if (!child.matches("[0-9]{19}")) return null;
    try {
      return Long.parseLong(child);
    } catch (NumberFormatException e) {
      return null; // above Long.MAX_VALUE
    }
  }

  /** Our EPHEMERAL `locks/<uuid>` child under a checkpoint node, as Flink's state handle store. */
  private void lock(String node) {
    try {
      zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath(node + "/locks/" + lockId);
    } catch (KeeperException.NodeExistsException ignored) {
      // held already
    } catch (Exception e) {
      events.say("ERROR locking " + node + ": " + e);
    }
  }

  private String externalPath(long id) {
    return "file:" + opt.checkpointDir + "/" + opt.jobId + "/chk-" + id;
  }

  private boolean modern() {
    return !opt.layout.equals("1.13") && !opt.layout.equals("1.14");
  }

  private Json.Raw entry(String kind, String status, long id, long trigger, long ack,
      long duration, long checkpointed, long stateSize) {
    List<Object> kv = new ArrayList<>(Arrays.asList(modern() ? "className" : "@class", kind,
        "id", id, "status", status, "is_savepoint", false, "trigger_timestamp", trigger,
        "latest_ack_timestamp", ack));
    if (modern()) kv.addAll(Arrays.asList("checkpointed_size", checkpointed));
    kv.addAll(Arrays.asList("state_size", stateSize, "end_to_end_duration", duration,
        "alignment_buffered", 0, "processed_data", 0, "persisted_data", 0,
        "num_subtasks", VERTICES * opt.parallelism,
        "num_acknowledged_subtasks", status.equals("COMPLETED") ? VERTICES * opt.parallelism : 0,
        "checkpoint_type", "CHECKPOINT", "tasks", Json.obj()));
    if (status.equals("COMPLETED")) {
      kv.addAll(Arrays.asList("external_path", externalPath(id), "discarded", false));
    }
    return Json.obj(kv.toArray());
  }

  private void addHistoryLocked(Json.Raw e) {
    history.addFirst(e);
    while (history.size() > HISTORY) history.removeLast();
  }

  private void replaceHistoryLocked(long id, Json.Raw e) {
    history.removeIf(h -> h.node.path("id").asLong(-1) == id);
    addHistoryLocked(e);
  }

  private synchronized void schedule(Runnable r, long delayMs) {
    running.removeIf(ScheduledFuture::isDone);
    if (!stopped) running.add(timer.schedule(r, delayMs, TimeUnit.MILLISECONDS));
  }

  private void cancelTimers() {
    for (ScheduledFuture<?> f : running) f.cancel(false);
    running.clear();
  }

  // ---- REST views ----

  synchronized String state() {
    return state;
  }

  synchronized boolean running() {
    return !stopped && state.equals("RUNNING");
  }

  /** Slots the job holds: its parallelism while deployed. */
  synchronized int usedSlots() {
    return !stopped && state.equals("RUNNING") ? opt.parallelism : 0;
  }

  synchronized Json.Raw overview() {
    long now = System.currentTimeMillis();
    int total = state.equals("INITIALIZING") ? 0 : VERTICES * opt.parallelism;
    int runningTasks = state.equals("RUNNING") ? total : 0;
    int scheduled = total - runningTasks;
    Json.Raw tasks = Json.obj("running", runningTasks, "canceling", 0, "canceled", 0, "total",
        total, "created", 0, "scheduled", scheduled, "deploying", 0, "reconciling", 0,
        "finished", 0, "initializing", 0, "failed", 0);
    return Json.obj("jid", opt.jobId, "name", opt.jobName, "start-time", startTime,
        "end-time", -1, "duration", now - startTime, "state", state,
        "last-modification", lastModification, "tasks", tasks);
  }

  /** /jobs/:jid/checkpoints, or null while the job has no execution graph yet (INITIALIZING). */
  synchronized String checkpoints() {
    if (state.equals("INITIALIZING")) return null;
    Json.Raw counts = Json.obj("restored", countRestored,
        "total", countCompleted + countFailed + (inProgressId >= 0 ? 1 : 0),
        "in_progress", inProgressId >= 0 ? 1 : 0, "completed", countCompleted,
        "failed", countFailed);
    List<Object> summary = new ArrayList<>();
    if (modern()) summary.addAll(Arrays.asList("checkpointed_size", stats(0)));
    summary.addAll(Arrays.asList("state_size", stats(1), "end_to_end_duration", stats(2),
        "alignment_buffered", stats(-1), "processed_data", stats(-1), "persisted_data", stats(-1)));
    Json.Raw latest = Json.obj("completed", latestCompleted, "savepoint", null,
        "failed", latestFailed, "restored", latestRestored);
    return Json.obj("counts", counts, "summary", Json.obj(summary.toArray()), "latest", latest,
        "history", Json.arr(history)).text();
  }

  // min/max/avg and Flink's percentiles over completed checkpoints; column -1 = always zero.
  private Json.Raw stats(int column) {
    int n = completedStats.size();
    if (n == 0) {
      return Json.obj("min", 0, "max", 0, "avg", 0, "p50", Double.NaN, "p90", Double.NaN,
          "p95", Double.NaN, "p99", Double.NaN, "p999", Double.NaN);
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) v[i] = column < 0 ? 0 : completedStats.get(i)[column];
    Arrays.sort(v);
    long sum = 0;
    for (long x : v) sum += x;
    return Json.obj("min", v[0], "max", v[n - 1], "avg", sum / n, "p50", pct(v, 0.5),
        "p90", pct(v, 0.9), "p95", pct(v, 0.95), "p99", pct(v, 0.99), "p999", pct(v, 0.999));
  }

  private static Double pct(long[] sorted, double q) {
    return (double) sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  String checkpointConfig() {
    return Json.obj("mode", "exactly_once", "interval", opt.checkpointIntervalMs,
        "timeout", opt.checkpointTimeoutMs, "min_pause", 0, "max_concurrent", 1,
        "externalization", Json.obj("enabled", true, "delete_on_cancellation", false),
        "state_backend", "HashMapStateBackend", "checkpoint_storage", "FileSystemCheckpointStorage",
        "unaligned_checkpoints", false, "tolerable_failed_checkpoints", opt.tolerableFailedCheckpoints,
        "aligned_checkpoint_timeout", 0, "checkpoints_after_tasks_finish", true,
        "state_changelog_enabled", false, "changelog_periodic_materialization_interval", 600000,
        "changelog_storage", "memory").text();
  }

  /** Job metrics by name, as the metric store answers them (values are strings). */
  synchronized String metric(String name) {
    if (state.equals("INITIALIZING")) return null;
    long now = System.currentTimeMillis();
    switch (name) {
      case "numRestarts":
        return String.valueOf(numRestarts);
      case "fullRestarts":
        return opt.flinkVersion.startsWith("2.") ? null : String.valueOf(numRestarts);
      case "uptime":
        return String.valueOf(state.equals("RUNNING") ? now - lastModification : 0);
      case "numberOfCompletedCheckpoints":
        return String.valueOf(countCompleted);
      case "numberOfFailedCheckpoints":
        return String.valueOf(countFailed);
      case "totalNumberOfCheckpoints":
        return String.valueOf(countCompleted + countFailed + (inProgressId >= 0 ? 1 : 0));
      default:
        return null;
    }
  }

  static final String[] METRICS = {"numRestarts", "fullRestarts", "uptime",
      "numberOfCompletedCheckpoints", "numberOfFailedCheckpoints", "totalNumberOfCheckpoints"};

  // ---- FileSink-style part files ----

  /**
   * Rows go to a hidden in-progress file `.part-<uuid>-<n>.csv.inprogress.<uuid>` in an hourly
   * bucket; commit() renames it to `part-<uuid>-<n>.csv`. Like FileSink, a part file is opened on
   * the first row, so an idle job commits nothing. Not thread safe: used under the job's lock.
   */
  private static final class PartWriter {
    private final Path base;
    private final String uuid = UUID.randomUUID().toString(); // one per attempt and subtask
    private int counter;
    private Path inProgress, target;
    private BufferedWriter out;

    PartWriter(Path base) {
      this.base = base;
    }

    void write(String rows) throws IOException {
      if (out == null) {
        Path bucket = base.resolve(LocalDateTime.now().format(BUCKET));
        Files.createDirectories(bucket);
        String name = "part-" + uuid + "-" + counter + ".csv";
        target = bucket.resolve(name);
        inProgress = bucket.resolve("." + name + ".inprogress." + UUID.randomUUID());
        out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(inProgress,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), StandardCharsets.UTF_8));
      }
      out.write(rows);
      out.flush(); // visible at once, as a growing in-progress file
    }

    /** Returns the committed file, or null when nothing was written since the last commit. */
    String commit() throws IOException {
      if (out == null) return null;
      out.close();
      out = null;
      Files.move(inProgress, target, StandardCopyOption.ATOMIC_MOVE);
      counter++;
      return target.toString();
    }

    void abandon() {
      if (out == null) return;
      try {
        out.close();
      } catch (IOException ignored) {
        // the file stays behind, in progress, as a dead attempt's file does
      }
      out = null;
    }
  }
}
