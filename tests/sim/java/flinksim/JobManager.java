// One simulated Flink JobManager in ZooKeeper HA mode: leader election (LeaderContender), the job
// when leading (SimJob), Flink's REST API (a standby forwards to the leader) and /sim/ controls.
package flinksim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Usage: JobManager --zk HOST:PORT --namespace flink/CLUSTER_ID --rest-port PORT [options]
 * (see Options for every flag and its default). Prints one line per event on stdout:
 * "STARTED rest=<port> job=<jid> session=0x..", "LEADER <uuid>", "NOT_LEADER",
 * "JOB INITIALIZING|RUNNING|RESTARTING|STOPPED <jid>", "JOB RESTORED <jid> <id>",
 * "CHECKPOINT <id>", "CHECKPOINT_FAILED <id>", "COMMITTED <file>", "TASKMANAGERS <n>", "HANG",
 * "UNHANG", "KILLED", "LEAVING", "LEFT".
 */
public final class JobManager {
  static final String ELECTION_503 =
      "{\"errors\":[\"Service temporarily unavailable due to an ongoing leader election. Please refresh.\"]}";
  static final int SLOTS_PER_TASKMANAGER = 4;

  /** Command-line options, defaults in one place. */
  static final class Options {
    String zk;
    String namespace = "flink/default";
    int restPort = 8081;
    String bind = "127.0.0.1";
    String advertisedHost = "127.0.0.1";
    int rpcPort = 6123;
    String layout = "1.19";
    String output = "output";
    String checkpointDir = "/flinksim/checkpoints"; // reported as external_path only
    long checkpointIntervalMs = 5000;
    long checkpointTimeoutMs = 600000; // Flink's default
    int tolerableFailedCheckpoints = 0; // Flink's default
    int taskmanagers = 2;
    int parallelism = 2;
    String jobName = "realtime-pipeline";
    String jobId;
    double rowsPerSecond = 10;
    int sessionTimeoutMs = 60000; // Flink's high-availability.zookeeper.client.session-timeout
    long restoreDelayMs = 1000; // INITIALIZING -> RUNNING: restoring from the checkpoint
    long forwardTimeoutMs = 10000;
    String flinkVersion = "1.19.1";

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + ": missing value");
        String v = args[i + 1];
        switch (args[i]) {
          case "--zk": o.zk = v; break;
          case "--namespace": o.namespace = v.replaceAll("^/+|/+$", ""); break;
          case "--rest-port": o.restPort = Integer.parseInt(v); break;
          case "--bind": o.bind = v; break;
          case "--advertised-host": o.advertisedHost = v; break;
          case "--rpc-port": o.rpcPort = Integer.parseInt(v); break;
          case "--layout": o.layout = v; break;
          case "--output": o.output = v; break;
          case "--checkpoint-dir": o.checkpointDir = v; break;
          case "--checkpoint-interval-ms": o.checkpointIntervalMs = Long.parseLong(v); break;
          case "--checkpoint-timeout-ms": o.checkpointTimeoutMs = Long.parseLong(v); break;
          case "--tolerable-failed-checkpoints": o.tolerableFailedCheckpoints = Integer.parseInt(v); break;
          case "--taskmanagers": o.taskmanagers = Integer.parseInt(v); break;
          case "--parallelism": o.parallelism = Integer.parseInt(v); break;
          case "--job-name": o.jobName = v; break;
          case "--rows-per-second": o.rowsPerSecond = Double.parseDouble(v); break;
          case "--session-timeout-ms": o.sessionTimeoutMs = Integer.parseInt(v); break;
          case "--restore-delay-ms": o.restoreDelayMs = Long.parseLong(v); break;
          case "--forward-timeout-ms": o.forwardTimeoutMs = Long.parseLong(v); break;
          case "--flink-version": o.flinkVersion = v; break;
          default: throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (o.zk == null) throw new IllegalArgumentException("--zk is required");
      if (!List.of("1.13", "1.14", "1.15", "1.19").contains(o.layout)) {
        throw new IllegalArgumentException("--layout: expected 1.13, 1.14, 1.15 or 1.19, found " + o.layout);
      }
      o.jobId = jobIdOf(o.jobName);
      return o;
    }

    String restAddress() {
      return "http://" + advertisedHost + ":" + restPort;
    }
  }

  /** A Flink JobID (16 bytes, 32 hex digits) derived from the job name, so every run agrees. */
  static String jobIdOf(String name) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(name.getBytes(StandardCharsets.UTF_8));
      StringBuilder s = new StringBuilder();
      for (byte b : d) s.append(String.format("%02x", b));
      return s.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Event lines on stdout for tests and the demo to sync on. */
  static final class Events {
    synchronized void say(String line) {
      System.out.println(line);
      System.out.flush();
    }
  }

  private final Options opt;
  private final Events events = new Events();
  private final CuratorFramework client;
  private final LeaderContender contender;
  private final HttpClient http;
  private final long startTime = System.currentTimeMillis();
  private final AtomicBoolean shutDown = new AtomicBoolean();
  private HttpServer server;

  // Guarded by this.
  private SimJob job;
  private boolean hung;
  private boolean failCheckpoints, stopOutput;
  private final List<String> taskManagerIds = new ArrayList<>();

  JobManager(Options opt) {
    this.opt = opt;
    client = CuratorFrameworkFactory.builder()
        .connectString(opt.zk)
        .namespace(opt.namespace)
        .sessionTimeoutMs(opt.sessionTimeoutMs)
        .connectionTimeoutMs(Math.min(opt.sessionTimeoutMs, 15000))
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 1000))
        .build();
    contender = new LeaderContender(client, opt.layout, opt.restAddress(),
        opt.advertisedHost + ":" + opt.rpcPort, List.of(opt.jobId), new LeaderContender.Listener() {
          @Override public void granted(UUID session) { onGranted(session); }
          @Override public void revoked() { onRevoked(); }
        });
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    setTaskManagers(opt.taskmanagers);
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("flinksim: " + e.getMessage());
      System.err.println("usage: JobManager --zk HOST:PORT --namespace flink/CLUSTER_ID --rest-port PORT "
          + "[--advertised-host H] [--rpc-port P] [--layout 1.19] [--output DIR] "
          + "[--checkpoint-interval-ms MS] [--taskmanagers N] [--parallelism N] [--job-name NAME] "
          + "[--rows-per-second R] [--session-timeout-ms MS] [--restore-delay-ms MS] "
          + "[--flink-version V] [--bind ADDR]");
      System.exit(2);
      return;
    }
    new JobManager(opt).run();
  }

  private void run() throws Exception {
    server = HttpServer.create(new InetSocketAddress(opt.bind, opt.restPort), 64);
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flinksim-rest");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    client.start();
    if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
      System.err.println("flinksim: cannot connect to ZooKeeper at " + opt.zk);
      Runtime.getRuntime().halt(1);
    }
    // SIGTERM: leave gracefully, as a JobManager shutting down releases its leadership.
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "flinksim-shutdown"));
    contender.start();
    events.say("STARTED rest=" + opt.restPort + " job=" + opt.jobId + " session=0x"
        + Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId()));
    Thread.currentThread().join(); // serve until killed or told to leave
  }

  // ---- leadership ----

  private void onGranted(UUID session) {
    events.say("LEADER " + session);
    SimJob j;
    synchronized (this) {
      if (job != null) job.stop();
      job = j = new SimJob(opt, client, events, contender::isLeader, this::slotsTotal,
          failCheckpoints, stopOutput);
    }
    j.start();
  }

  private void onRevoked() {
    SimJob j;
    synchronized (this) {
      j = job;
      job = null;
    }
    if (j != null) j.stop();
    events.say("NOT_LEADER");
  }

  // Not under our lock: closing the latch calls back into onRevoked.
  private void shutdown() {
    if (!shutDown.compareAndSet(false, true)) return;
    SimJob j;
    synchronized (this) {
      j = job;
      job = null;
    }
    if (j != null) j.stop();
    try {
      contender.close();
    } catch (Exception e) {
      System.err.println("flinksim: leaving the election failed: " + e);
    }
    client.close();
  }

  // ---- cluster state ----

  private synchronized int slotsTotal() {
    return taskManagerIds.size() * SLOTS_PER_TASKMANAGER;
  }

  private void setTaskManagers(int n) {
    SimJob j;
    synchronized (this) {
      while (taskManagerIds.size() > n) taskManagerIds.remove(taskManagerIds.size() - 1);
      // The same ids on every simulated JobManager (not its host): a real TaskManager keeps its
      // ResourceID when it re-registers with a new leader, and the exporter tracks them by id.
      while (taskManagerIds.size() < n) {
        int i = taskManagerIds.size();
        taskManagerIds.add(String.format("127.0.0.1:%d-%06x", 40000 + i,
            (0x4a5b6c + 0x10f3 * i) & 0xffffff));
      }
      j = job;
    }
    if (j != null) j.resourcesChanged();
  }

  // ---- HTTP ----

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/sim/")) {
        control(ex, path.substring(5));
        return;
      }
      synchronized (this) {
        while (hung) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      rest(ex, path);
    } catch (Exception e) {
      send(ex, 500, Json.obj("errors", Json.arr(List.of("Internal server error.", e.toString())))
          .text());
    } finally {
      ex.close();
    }
  }

  private void rest(HttpExchange ex, String path) throws IOException {
    String[] p = path.replaceAll("/+$", "").split("/");
    boolean known = path.equals("/config") || path.equals("/overview") || path.equals("/jobs")
        || path.equals("/jobs/overview") || path.equals("/taskmanagers")
        || (p.length >= 4 && p[1].equals("jobs")
            && (path.endsWith("/checkpoints") || path.endsWith("/checkpoints/config")
                || path.endsWith("/metrics")));
    if (!known) {
      send(ex, 404, "{\"errors\":[\"Not found: " + path + "\"]}");
      return;
    }
    if (contender.isLeader()) {
      local(ex, path, p);
      return;
    }
    String leader = restLeader();
    if (leader == null || leader.equals(opt.restAddress())) {
      send(ex, 503, ELECTION_503);
      return;
    }
    if (path.equals("/config")) {
      local(ex, path, p); // no RPC behind it: a standby answers with its own configuration
      return;
    }
    forward(ex, leader);
  }

  /** The REST leader's address from ZooKeeper, or null when no leader is known. */
  private String restLeader() {
    try {
      byte[] data = client.getData().forPath(contender.componentPath("rest_server"));
      if (data == null || data.length == 0) return null;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
        String address = in.readUTF();
        in.readObject(); // the leader session UUID
        return address;
      }
    } catch (Exception e) {
      return null; // absent or unreadable: no leader known
    }
  }

  // A standby's handlers run against the leading Dispatcher; forwarding over HTTP is the same.
  private void forward(HttpExchange ex, String leader) throws IOException {
    URI uri = URI.create(leader + ex.getRequestURI().getRawPath()
        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
          .timeout(Duration.ofMillis(opt.forwardTimeoutMs)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      send(ex, r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 500, "{\"errors\":[\"Internal server error.\"]}");
    } catch (IOException e) {
      // The leader in ZooKeeper does not answer (e.g. killed, its session not yet expired).
      send(ex, 500, Json.obj("errors", Json.arr(List.of("Internal server error.",
          "<Exception on server side:\norg.apache.flink.runtime.rpc.exceptions."
              + "RpcConnectionException: could not reach the leader at " + leader + ": " + e + ">")))
          .text());
    }
  }

  private void local(HttpExchange ex, String path, String[] p) throws IOException {
    SimJob j;
    synchronized (this) {
      j = job;
    }
    switch (path) {
      case "/config":
        send(ex, 200, Json.obj("refresh-interval", 3000, "timezone-name", "Coordinated Universal Time",
            "timezone-offset", 0, "flink-version", opt.flinkVersion,
            "flink-revision", "flinksim @ 1970-01-01T00:00:00+00:00",
            "features", Json.obj("web-submit", false, "web-cancel", false, "web-rescale", false,
                "web-history", false)).text());
        return;
      case "/overview": {
        int tms, slots;
        synchronized (this) {
          tms = taskManagerIds.size();
          slots = slotsTotal();
        }
        int used = j == null ? 0 : j.usedSlots();
        List<Object> kv = new ArrayList<>(List.of("taskmanagers", tms, "slots-total", slots,
            "slots-available", slots - used, "jobs-running", j == null ? 0 : 1, "jobs-finished", 0,
            "jobs-cancelled", 0, "jobs-failed", 0));
        if (!opt.layout.equals("1.13")) {
          kv.addAll(List.of("flink-version", opt.flinkVersion, "flink-commit", "flinksim"));
        }
        send(ex, 200, Json.obj(kv.toArray()).text());
        return;
      }
      case "/jobs":
        send(ex, 200, Json.obj("jobs", Json.arr(j == null ? List.of()
            : List.of(Json.obj("id", j.jobId(), "status", j.state())))).text());
        return;
      case "/jobs/overview":
        send(ex, 200, Json.obj("jobs", Json.arr(j == null ? List.of() : List.of(j.overview()))).text());
        return;
      case "/taskmanagers":
        send(ex, 200, taskManagers(j == null ? 0 : j.usedSlots()));
        return;
      default:
        break;
    }
    String jid = p[2];
    if (j == null || !jid.equals(j.jobId())) {
      send(ex, 404, "{\"errors\":[\"org.apache.flink.runtime.messages.FlinkJobNotFoundException: "
          + "Could not find Flink job (" + jid.replace("\"", "") + ")\"]}");
      return;
    }
    if (path.endsWith("/checkpoints/config")) {
      send(ex, 200, j.checkpointConfig());
    } else if (path.endsWith("/checkpoints")) {
      String body = j.checkpoints();
      if (body == null) {
        send(ex, 404, "{\"errors\":[\"Checkpointing has not been enabled.\"]}");
      } else {
        send(ex, 200, body);
      }
    } else {
      send(ex, 200, metrics(j, query(ex).get("get")));
    }
  }

  private String metrics(SimJob j, String get) {
    List<Object> out = new ArrayList<>();
    if (get == null) {
      for (String m : SimJob.METRICS) out.add(Json.obj("id", m));
    } else {
      for (String m : get.split(",")) {
        String v = j.metric(m);
        if (v != null) out.add(Json.obj("id", m, "value", v));
      }
    }
    return Json.arr(out).text();
  }

  private synchronized String taskManagers(int usedSlots) {
    long now = System.currentTimeMillis();
    List<Object> tms = new ArrayList<>();
    int left = usedSlots;
    for (int i = 0; i < taskManagerIds.size(); i++) {
      int used = Math.min(left, SLOTS_PER_TASKMANAGER);
      left -= used;
      String id = taskManagerIds.get(i);
      long mem = 4L << 30;
      tms.add(Json.obj("id", id,
          "path", "pekko.tcp://flink@" + id.substring(0, id.lastIndexOf('-')) + "/user/rpc/taskmanager_0",
          "dataPort", 41000 + i, "jmxPort", -1,
          "timeSinceLastHeartbeat", now - ThreadLocalRandom.current().nextInt(5000),
          "slotsNumber", SLOTS_PER_TASKMANAGER, "freeSlots", SLOTS_PER_TASKMANAGER - used,
          "hardware", Json.obj("cpuCores", 4, "physicalMemory", 4 * mem, "freeMemory", mem,
              "managedMemory", mem / 2),
          "blocked", false));
    }
    return Json.obj("taskmanagers", Json.arr(tms)).text();
  }

  // ---- controls (POST /sim/<command>) ----

  private void control(HttpExchange ex, String command) throws IOException {
    if (command.equals("status")) {
      SimJob j;
      synchronized (this) {
        j = job;
      }
      send(ex, 200, Json.obj("leader", contender.isLeader(), "job_id", opt.jobId,
          "job_state", j == null ? null : j.state(), "rest_leader", restLeader(),
          "hung", hung(), "taskmanagers", slotsTotal() / SLOTS_PER_TASKMANAGER).text());
      return;
    }
    if (!ex.getRequestMethod().equals("POST")) {
      send(ex, 405, "{\"errors\":[\"use POST for /sim/" + command + "\"]}");
      return;
    }
    Map<String, String> q = query(ex);
    boolean on = !"0".equals(q.getOrDefault("on", "1"));
    SimJob j;
    synchronized (this) {
      j = job;
    }
    switch (command) {
      case "kill":
        events.say("KILLED");
        send(ex, 200, "{\"ok\":true}");
        ex.close();
        Runtime.getRuntime().halt(137); // like SIGKILL: no cleanup, ephemeral nodes stay
        return;
      case "hang":
        setHung(true);
        events.say("HANG");
        break;
      case "unhang":
        setHung(false);
        events.say("UNHANG");
        break;
      case "fail-checkpoints":
        synchronized (this) {
          failCheckpoints = on;
        }
        if (j != null) j.setFailCheckpoints(on);
        events.say("FAIL_CHECKPOINTS " + (on ? 1 : 0));
        break;
      case "stop-output":
        synchronized (this) {
          stopOutput = on;
        }
        if (j != null) j.setStopOutput(on);
        events.say("STOP_OUTPUT " + (on ? 1 : 0));
        break;
      case "fail-job":
        if (j != null) j.failJob("simulated task failure");
        break;
      case "taskmanagers": {
        int n;
        try {
          n = Integer.parseInt(q.getOrDefault("n", ""));
        } catch (NumberFormatException e) {
          send(ex, 400, "{\"errors\":[\"taskmanagers: expected ?n=<count>\"]}");
          return;
        }
        setTaskManagers(Math.max(0, n));
        events.say("TASKMANAGERS " + Math.max(0, n));
        break;
      }
      case "leave":
        events.say("LEAVING");
        send(ex, 200, "{\"ok\":true}");
        ex.close();
        new Thread(() -> {
          shutdown();
          events.say("LEFT");
          server.stop(0);
          System.exit(0);
        }, "flinksim-leave").start();
        return;
      default:
        send(ex, 404, "{\"errors\":[\"unknown control /sim/" + command
            + "; expected status, kill, hang, unhang, fail-checkpoints, stop-output, fail-job, "
            + "taskmanagers or leave\"]}");
        return;
    }
    send(ex, 200, "{\"ok\":true}");
  }

  private synchronized boolean hung() {
    return hung;
  }

  private synchronized void setHung(boolean on) {
    hung = on;
    notifyAll();
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getQuery();
    if (raw == null) return q;
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) q.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return q;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
