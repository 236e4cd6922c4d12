// `contender` mode: one JobManager's leader election only, driven over stdin, for tests.
package flinksim;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Usage: Contender --zk HOST:PORT --namespace flink/cluster-id --rest http://host:port
 *        --rpc host:port [--layout 1.15] [--jobs jid,jid] [--session-timeout-ms 4000]
 * Prints "LEADER <uuid>" and "NOT_LEADER" lines on stdout. Reads commands from stdin:
 * "close" leaves gracefully (deletes its leader data), "exit" exits without cleanup (like a
 * crash that the session timeout has to notice, unless the process is SIGKILLed first).
 */
public final class Contender {
  public static void main(String[] args) throws Exception {
    String zk = null, namespace = "flink/default", rest = null, rpc = null, layout = "1.15";
    int sessionTimeoutMs = 4000;
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--zk": zk = args[i + 1]; break;
        case "--namespace": namespace = args[i + 1]; break;
        case "--rest": rest = args[i + 1]; break;
        case "--rpc": rpc = args[i + 1]; break;
        case "--layout": layout = args[i + 1]; break;
        case "--jobs": jobs.addAll(Arrays.asList(args[i + 1].split(","))); break;
        case "--session-timeout-ms": sessionTimeoutMs = Integer.parseInt(args[i + 1]); break;
        default: throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (zk == null || rest == null || rpc == null) {
      System.err.println("usage: Contender --zk HOST:PORT --namespace NS --rest URL --rpc HOST:PORT");
      System.exit(2);
    }
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(zk)
        .namespace(namespace)
        .sessionTimeoutMs(sessionTimeoutMs)
        .connectionTimeoutMs(sessionTimeoutMs)
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 1000))
        .build();
    client.start();
    if (!client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)) {
      System.err.println("flinksim: cannot connect to ZooKeeper at " + zk);
      System.exit(1);
    }
    LeaderContender contender = new LeaderContender(client, layout, rest, rpc, jobs,
        new LeaderContender.Listener() {
          @Override public void granted(UUID session) { say("LEADER " + session); }
          @Override public void revoked() { say("NOT_LEADER"); }
        });
    contender.start();
    say("STARTED session=0x" + Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId()));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      line = line.trim();
      if (line.equals("close")) {
        contender.close();
        client.close();
        say("CLOSED");
        System.exit(0);
      } else if (line.equals("exit")) {
        Runtime.getRuntime().halt(0);
      }
    }
    // stdin closed: the test harness went away; leave like a crash.
    Runtime.getRuntime().halt(0);
  }

  private static synchronized void say(String s) {
    System.out.println(s);
    System.out.flush();
  }
}
