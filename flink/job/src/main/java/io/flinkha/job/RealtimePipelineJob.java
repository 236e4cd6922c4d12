package io.flinkha.job;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.util.HashMap;
import java.util.Map;

/**
 * The reference deployment's job: generated rows "seq,epoch_ms,key-N,value" written as CSV by
 * a FileSink that commits files on each checkpoint (exactly-once). This class is also the
 * client: it submits itself to a running session cluster over REST and prints the job id.
 *
 * <p>Only APIs present in both Flink 1.20 and 2.x are used (e.g. CheckpointingMode from
 * org.apache.flink.core.execution; the org.apache.flink.streaming.api one is gone in 2.0).
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

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    String host = a.getOrDefault("rest-host", "127.0.0.1");
    int port = Integer.parseInt(a.getOrDefault("rest-port", "8081"));
    String jar = a.get("jar");
    String output = a.get("output");
    if (jar == null || output == null) {
      System.err.println("usage: RealtimePipelineJob --jar JOB_JAR --output DIR [--rest-host H]"
          + " [--rest-port P] [--parallelism 3] [--rows-per-second 100]"
          + " [--checkpoint-interval-ms 10000] [--job-name realtime-pipeline]");
      System.exit(2);
    }
    int parallelism = Integer.parseInt(a.getOrDefault("parallelism", "3"));
    double rowsPerSecond = Double.parseDouble(a.getOrDefault("rows-per-second", "100"));
    long intervalMs = Long.parseLong(a.getOrDefault("checkpoint-interval-ms", "10000"));
    String name = a.getOrDefault("job-name", "realtime-pipeline");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(host, port, jar);
    env.setParallelism(parallelism);
    env.enableCheckpointing(intervalMs, CheckpointingMode.EXACTLY_ONCE);

    // perSecond is the total rate, shared by the parallel source readers.
    DataGeneratorSource<String> source = new DataGeneratorSource<>(
        new CsvRow(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(rowsPerSecond), Types.STRING);
    FileSink<String> sink = FileSink
        .forRowFormat(new Path(output), new SimpleStringEncoder<String>("UTF-8"))
        .withRollingPolicy(OnCheckpointRollingPolicy.build()) // a file commits on each checkpoint
        .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".csv").build())
        .build(); // default bucket assigner: yyyy-MM-dd--HH directories

    env.fromSource(source, WatermarkStrategy.noWatermarks(), "rows")
        .sinkTo(sink).name("csv-files");

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
