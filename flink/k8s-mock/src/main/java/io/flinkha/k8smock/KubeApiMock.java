package io.flinkha.k8smock;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes HA test bed's API server: fabric8's in-memory mock server in CRUD mode on
 * 127.0.0.1 (plain HTTP), for real Flink JobManagers with high-availability.type: kubernetes.
 *
 * <pre>
 *   java -cp 'lib/*' io.flinkha.k8smock.KubeApiMock --port N --kubeconfig FILE
 *        [--namespace NS] [--state FILE] [--stop-on-stdin-eof]
 * </pre>
 *
 * Writes a kubeconfig for it, prints {@code READY <port>} on stdout, logs each request (method
 * and path) on stderr, and stops on SIGTERM (or stdin EOF with --stop-on-stdin-eof). With --state, the ConfigMaps are saved
 * to FILE on stop and loaded from it on start, as a real API server keeps them in etcd across its
 * restart (the mock itself is memory only).
 */
public final class KubeApiMock {
  public static void main(String[] args) throws Exception {
    int port = 0;
    String kubeconfig = null;
    String namespace = "default";
    String state = null;
    boolean stopOnStdinEof = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--stop-on-stdin-eof")) {
        stopOnStdinEof = true;
        i--;
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--kubeconfig" -> kubeconfig = args[i + 1];
        case "--namespace" -> namespace = args[i + 1];
        case "--state" -> state = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    if (state != null && Files.exists(Path.of(state))) {
      // Into the store before the port opens: the JobManagers retry all the time and would
      // otherwise create fresh ConfigMaps first.
      ConfigMapList saved =
          Serialization.unmarshal(Files.readString(Path.of(state)), ConfigMapList.class);
      for (ConfigMap cm : saved.getItems()) {
        cm.getMetadata().setResourceVersion(null);
        MockResponse r =
            dispatcher.handleCreate(
                new RecordedRequest(
                    "HTTP/1.1",
                    HttpMethod.POST,
                    "/api/v1/namespaces/" + cm.getMetadata().getNamespace() + "/configmaps",
                    Headers.builder().add("Content-Type", "application/json").build(),
                    new Buffer().writeUtf8(Serialization.asJson(cm))));
        if (r.code() != 201) {
          throw new IllegalStateException(
              "restoring " + cm.getMetadata().getName() + ": HTTP " + r.code());
        }
      }
      System.err.println("k8s-mock: restored " + saved.getItems().size() + " ConfigMaps");
    }
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    NamespacedKubernetesClient client = server.createClient();
    String url = "http://127.0.0.1:" + server.getPort();
    if (kubeconfig != null) {
      Files.writeString(
          Path.of(kubeconfig),
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: mock",
              "  cluster:",
              "    server: " + url,
              "contexts:",
              "- name: mock",
              "  context:",
              "    cluster: mock",
              "    user: mock",
              "    namespace: " + namespace,
              "current-context: mock",
              "users:",
              "- name: mock",
              "  user:",
              "    token: mock-token",
              ""),
          StandardCharsets.UTF_8);
    }
    final String statePath = state;
    final Object stopLock = new Object();
    final boolean[] stopped = {false};
    Runnable stop =
        () -> {
          synchronized (stopLock) {
            if (stopped[0]) return;
            stopped[0] = true;
            try {
              if (statePath != null) {
                ConfigMapList all = client.configMaps().inAnyNamespace().list();
                Path tmp = Path.of(statePath + ".tmp");
                Files.writeString(tmp, Serialization.asJson(all), StandardCharsets.UTF_8);
                Files.move(tmp, Path.of(statePath), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                System.err.println("k8s-mock: saved " + all.getItems().size() + " ConfigMaps");
              }
            } catch (Exception e) {
              System.err.println("k8s-mock: could not save the state: " + e);
            }
            server.shutdown();
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(stop));
    Thread log =
        new Thread(
            () -> {
              try {
                while (true) {
                  RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
                  if (r != null) {
                    System.err.println(Instant.now() + " " + r.getMethod() + " " + r.getPath());
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "request-log");
    log.setDaemon(true);
    log.start();
    System.out.println("READY " + server.getPort() + " " + url);
    System.out.flush();
    if (!stopOnStdinEof) {
      Thread.currentThread().join();  // until SIGTERM (the shutdown hook saves and stops)
    }
    InputStream in = System.in;
    while (in.read() >= 0) {
      // stdin stays open while the parent wants the server
    }
    stop.run();
    System.exit(0);
  }
}
