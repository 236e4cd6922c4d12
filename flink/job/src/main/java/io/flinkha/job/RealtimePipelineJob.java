package io.flinkha.job;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference deployment's job: generated rows "seq,epoch_ms,key-N,value" written as CSV by
 * a FileSink that commits files on each checkpoint (exactly-once). This class is also the
 * client: it submits itself to a running session cluster over REST and prints the job id.
 *
 * <p>Only APIs present in every pinned version, 1.18 to 2.x, are used: e.g. checkpointing is
 * enabled without naming a CheckpointingMode (exactly-once is the default), since the enum is in
 * org.apache.flink.streaming.api up to 1.19 (gone in 2.0) and org.apache.flink.core.execution
 * from 1.20.
 */
public final class RealtimePipelineJob {
  private static final int KEYS = 16;

  /** Row i of the stream; stateless, so a restored job just continues from the source's split state. */
  static final class CsvRow implements GeneratorFunction<Long, String> {
    @Override
    public String map(Long seq) {
      long value = Math.floorMod(seq * 2654435761L, 100000L);
      return seq + "," + System.currentTimeMillis() + ",key-" + (seq % KEYS) + "," + value;
    }
  }

  /**
   * Drill control (only with --marker-dir): marker files a test creates in that directory make
   * the job misbehave once, on demand. The first subtask to delete a marker acts on it:
   * <ul>
   *   <li>{@code fail}: the record it holds fails with an IllegalStateException (a task failure
   *       Flink records in the job's exception history, then restarts the job);
   *   <li>{@code fail-checkpoint}: the next checkpoint's snapshot fails (a failed checkpoint with
   *       a failure message);
   *   <li>{@code slow} (kept, not deleted): every record waits the milliseconds written in the
   *       file (200 when empty), so the source upstream is backpressured.
   * </ul>
   * The operator starts its own chain (forward edges, no shuffle): the source is a vertex of
   * its own whose backpressure Flink measures.
   */
  static final class DrillControl implements MapFunction<String, String>, CheckpointedFunction {
    private final String dir;
    private transient long nextCheckMs;
    private transient long sleepMs;

    DrillControl(String dir) {
      this.dir = dir;
    }

    @Override
    public String map(String row) throws Exception {
      long now = System.currentTimeMillis();
      if (now >= nextCheckMs) {
        nextCheckMs = now + 100;
        if (Files.deleteIfExists(Paths.get(dir, "fail"))) {
          throw new IllegalStateException("flinkha drill: failure requested by marker file");
        }
        sleepMs = slowMs();
      }
      if (sleepMs > 0) {
        Thread.sleep(sleepMs);
      }
      return row;
    }

    private long slowMs() {
      try {
        String text = new String(Files.readAllBytes(Paths.get(dir, "slow")),
            StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? 200 : Long.parseLong(text);
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
      if (Files.deleteIfExists(Paths.get(dir, "fail-checkpoint"))) {
        throw new IllegalStateException(
            "flinkha drill: checkpoint failure requested by marker file");
      }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    String host = a.getOrDefault("rest-host", "127.0.0.1");
    int port = Integer.parseInt(a.getOrDefault("rest-port", "8081"));
    String jar = a.get("jar");
    String output = a.get("output");
    if (jar == null || output == null) {
      System.err.println("usage: RealtimePipelineJob --jar JOB_JAR --output DIR [--rest-host H]"
          + " [--rest-port P] [--parallelism 3] [--rows-per-second 100]"
          + " [--checkpoint-interval-ms 10000] [--job-name realtime-pipeline]"
          + " [--marker-dir DIR]");
      System.exit(2);
    }
    int parallelism = Integer.parseInt(a.getOrDefault("parallelism", "3"));
    double rowsPerSecond = Double.parseDouble(a.getOrDefault("rows-per-second", "100"));
    long intervalMs = Long.parseLong(a.getOrDefault("checkpoint-interval-ms", "10000"));
    String name = a.getOrDefault("job-name", "realtime-pipeline");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(host, port, jar);
    env.setParallelism(parallelism);
    env.enableCheckpointing(intervalMs); // exactly-once: the default mode

    // perSecond is the total rate, shared by the parallel source readers.
    DataGeneratorSource<String> source = new DataGeneratorSource<>(
        new CsvRow(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(rowsPerSecond), Types.STRING);
    FileSink<String> sink = FileSink
        .forRowFormat(new Path(output), new SimpleStringEncoder<String>("UTF-8"))
        .withRollingPolicy(OnCheckpointRollingPolicy.build()) // a file commits on each checkpoint
        .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".csv").build())
        .build(); // default bucket assigner: yyyy-MM-dd--HH directories

    DataStream<String> rows = env.fromSource(source, WatermarkStrategy.noWatermarks(), "rows");
    String markers = a.get("marker-dir");
    if (markers != null) {
      rows = rows.map(new DrillControl(markers)).name("drill-control").startNewChain();
    }
    rows.sinkTo(sink).name("csv-files");

    JobClient client = env.executeAsync(name);
    System.out.println("JobID " + client.getJobID());
    System.out.flush();
    // The REST client keeps non-daemon threads; the job runs on in the cluster.
    System.exit(0);
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        System.err.println("bad argument: " + argv[i]);
        System.exit(2);
      }
      m.put(argv[i].substring(2), argv[++i]);
    }
    return m;
  }
}
