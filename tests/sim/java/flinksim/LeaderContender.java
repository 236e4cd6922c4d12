// Joins Flink's ZooKeeper leader election exactly as a JobManager does and writes the leader
// information the way ZooKeeperUtils.writeLeaderInformationToZooKeeper does.
package flinksim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * One JobManager process contending for leadership. Layouts (see docs/flink-facts.md):
 * "1.13": one latch per component at leaderlatch/<c>_lock, data at leader/<c>_lock;
 * "1.14": latch leader/<c>/latch, data leader/<c>/connection_info;
 * "1.15": one shared latch leader/latch, data leader/<c>/connection_info, jobs leader/<jid>/...;
 * "1.19": as 1.15, jobs at leader/job-<jid>/connection_info.
 * Paths are relative to the Curator namespace (root + cluster id).
 */
public final class LeaderContender implements AutoCloseable {
  public static final String[] COMPONENTS = {"resource_manager", "dispatcher", "rest_server"};

  /** Called when this process gains or loses leadership (of every component). */
  public interface Listener {
    void granted(UUID session);
    void revoked();
  }

  private final CuratorFramework client;
  private final String layout;
  private final String restAddress; // http://host:port
  private final String rpcHostPort; // host:port of the RPC endpoint
  private final List<String> jobIds;
  private final Listener listener;
  private final List<LeaderLatch> latches = new ArrayList<>();
  private final AtomicBoolean leader = new AtomicBoolean(false);
  private volatile UUID session;

  public LeaderContender(CuratorFramework client, String layout, String restAddress,
      String rpcHostPort, List<String> jobIds, Listener listener) {
    this.client = client;
    this.layout = layout;
    this.restAddress = restAddress;
    this.rpcHostPort = rpcHostPort;
    this.jobIds = new ArrayList<>(jobIds);
    this.listener = listener;
  }

  public void start() throws Exception {
    if (layout.equals("1.13") || layout.equals("1.14")) {
      // Before 1.15 every component elects on its own latch; one process joins all of them and
      // the sim treats it as leader once it holds them all (a real split is possible).
      for (String c : COMPONENTS) {
        String path = layout.equals("1.13") ? "/leaderlatch/" + c + "_lock" : "/leader/" + c + "/latch";
        latches.add(new LeaderLatch(client, path));
      }
    } else {
      latches.add(new LeaderLatch(client, "/leader/latch"));
    }
    for (LeaderLatch latch : latches) {
      latch.addListener(new LeaderLatchListener() {
        @Override public void isLeader() { onChange(); }
        @Override public void notLeader() { onChange(); }
      });
      latch.start();
    }
  }

  public boolean isLeader() { return leader.get(); }

  public UUID session() { return session; }

  private synchronized void onChange() {
    boolean all = true;
    for (LeaderLatch l : latches) all &= l.hasLeadership();
    if (all && !leader.get()) {
      session = UUID.randomUUID();
      leader.set(true);
      try {
        writeAll();
      } catch (Exception e) {
        System.err.println("flinksim: writing leader information failed: " + e);
      }
      listener.granted(session);
    } else if (!all && leader.get()) {
      leader.set(false);
      listener.revoked();
    }
  }

  /** Writes connection info of every component and every job; called on leadership grant. */
  public void writeAll() throws Exception {
    for (String c : COMPONENTS) {
      String address = c.equals("rest_server") ? restAddress
          : "pekko.tcp://flink@" + rpcHostPort + "/user/rpc/" + (c.equals("dispatcher") ? "dispatcher_1" : "resourcemanager_0");
      write(componentPath(c), address);
    }
    for (String jid : jobIds) writeJob(jid);
  }

  public void writeJob(String jid) throws Exception {
    write(jobPath(jid), "pekko.tcp://flink@" + rpcHostPort + "/user/rpc/jobmanager_2");
  }

  public String componentPath(String component) {
    return layout.equals("1.13") ? "/leader/" + component + "_lock" : "/leader/" + component + "/connection_info";
  }

  public String jobPath(String jid) {
    switch (layout) {
      case "1.13": return "/leader/" + jid + "/job_manager_lock";
      case "1.14": return "/jobs/" + jid + "/leader/connection_info";
      case "1.19": return "/leader/job-" + jid + "/connection_info";
      default: return "/leader/" + jid + "/connection_info";
    }
  }

  /** Flink's encoding: ObjectOutputStream.writeUTF(address) then writeObject(UUID). */
  public static byte[] encode(String address, UUID session) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeUTF(address);
      out.writeObject(session);
    }
    return bytes.toByteArray();
  }

  // Mirrors ZooKeeperUtils.writeLeaderInformationToZooKeeper: an EPHEMERAL node owned by our
  // session; a node left by another session is deleted first.
  private void write(String path, String address) throws Exception {
    byte[] data = encode(address, session);
    boolean written = false;
    while (!written && leader.get()) {
      Stat stat = client.checkExists().forPath(path);
      if (stat != null) {
        long owner = stat.getEphemeralOwner();
        long mine = client.getZookeeperClient().getZooKeeper().getSessionId();
        if (owner == mine) {
          try {
            client.setData().forPath(path, data);
            written = true;
          } catch (KeeperException.NoNodeException ignored) {
            // deleted meanwhile: create it on the next round
          }
        } else {
          try {
            client.delete().forPath(path);
          } catch (KeeperException.NoNodeException ignored) {
            // already gone
          }
        }
      } else {
        try {
          client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
          written = true;
        } catch (KeeperException.NodeExistsException ignored) {
          // raced with another writer: look again
        }
      }
    }
  }

  /** Graceful leave, as a JobManager shutting down: clear our leader data, leave the latch. */
  @Override
  public synchronized void close() throws Exception {
    if (leader.get()) {
      long mine = client.getZookeeperClient().getZooKeeper().getSessionId();
      List<String> paths = new ArrayList<>();
      for (String c : COMPONENTS) paths.add(componentPath(c));
      for (String jid : jobIds) paths.add(jobPath(jid));
      for (String p : paths) {
        Stat stat = client.checkExists().forPath(p);
        if (stat != null && stat.getEphemeralOwner() == mine) {
          try {
            client.delete().forPath(p);
          } catch (KeeperException.NoNodeException ignored) {
            // already gone
          }
        }
      }
      leader.set(false);
    }
    for (LeaderLatch l : latches) l.close();
    latches.clear();
  }
}
