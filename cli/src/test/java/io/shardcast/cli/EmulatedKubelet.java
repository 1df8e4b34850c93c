package io.shardcast.cli;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Secret;
import io.shardcast.testkit.cluster.NodeProgram;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A kubelet for the emulated API server: each node pod the operator creates runs as a real
 * {@code shardcast node} process on an address of its own (127.0.1.N; a pod that is replaced gets a
 * new one, as on a real cluster), with the pod's args, its env (field and Secret references
 * resolved) and its ConfigMap as the file it mounts. Its status follows the process: Running with
 * the pod IP, Ready while {@code /ready} answers 200, Succeeded when it exits 0 (a node that left
 * the cluster), restarted on failure with CrashLoopBackOff shown. A pod deleted is SIGTERMed. An
 * image whose name contains {@code unpullable} never starts (ErrImagePull). Service-account files
 * the Kubernetes discovery reads from /var/run/secrets in a pod are written to the pod's own
 * directory and pointed at from its config, KUBECONFIG stands in for the in-cluster client, and the
 * media listeners bind the pod's address (a pod's 0.0.0.0 is its own network namespace; here all
 * pods share the host's).
 */
final class EmulatedKubelet implements AutoCloseable {

  private final ApiClient client;
  private final CoreV1Api core;
  private final String namespace;
  private final NodeProgram program;
  private final List<String> jvmOptions;
  private final Path workDir;
  private final String apiUrl;
  private final Path caFile;
  private final Consumer<String> record;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread loop = new Thread(this::loop, "emulated-kubelet");
  private volatile boolean stopped;
  private int nextAddress = 10;

  /** A pod's process and what the kubelet last reported of it. */
  private static final class Running {
    final String uid;
    final String ip;
    Process process;
    OffsetDateTime startedAt;
    int restarts;
    long restartAtMillis;
    /** Not restarted while set: a machine that is down. */
    volatile boolean held;
    Boolean readyReported;
    String phaseReported = "";
    String waitingReported = "";

    Running(String uid, String ip) {
      this.uid = uid;
      this.ip = ip;
    }
  }

  EmulatedKubelet(ApiClient client, String namespace, NodeProgram program, List<String> jvmOptions, Path workDir,
      String apiUrl, Path caFile, Consumer<String> record) {
    this.client = client;
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.program = program;
    this.jvmOptions = jvmOptions;
    this.workDir = workDir;
    this.apiUrl = apiUrl;
    this.caFile = caFile;
    this.record = record;
    loop.setDaemon(true);
  }

  void start() {
    loop.start();
  }

  private void loop() {
    while (!stopped) {
      try {
        step();
      } catch (Exception e) {
        record.accept("KUBELET error " + e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void step() throws Exception {
    List<V1Pod> pods = core.listNamespacedPod(namespace).labelSelector("app.kubernetes.io/managed-by=shardcast-operator")
        .execute().getItems();
    Map<String, V1Pod> byName = new HashMap<>();
    for (V1Pod p : pods) {
      byName.put(p.getMetadata().getName(), p);
    }
    // Pods gone (or replaced under the same name): their processes get SIGTERM.
    for (Map.Entry<String, Running> e : running.entrySet()) {
      V1Pod p = byName.get(e.getKey());
      if (p == null || !p.getMetadata().getUid().equals(e.getValue().uid) || p.getMetadata().getDeletionTimestamp() != null) {
        stop(e.getKey(), e.getValue());
        running.remove(e.getKey());
      }
    }
    for (V1Pod p : pods) {
      String name = p.getMetadata().getName();
      Running r = running.get(name);
      if (r == null) {
        r = new Running(p.getMetadata().getUid(), "127.0.1." + nextAddress++);
        running.put(name, r);
        launch(p, r);
      }
      report(p, r);
    }
  }

  private void launch(V1Pod pod, Running r) throws Exception {
    V1Container c = pod.getSpec().getContainers().get(0);
    if (c.getImage().contains("unpullable")) {
      return;
    }
    Path dir = Files.createDirectories(workDir.resolve("pods").resolve(pod.getMetadata().getName() + "-" + r.ip));
    Files.writeString(dir.resolve("token"), "emulated-service-account-token");
    Files.writeString(dir.resolve("namespace"), namespace);
    V1ConfigMap config = core.readNamespacedConfigMap(pod.getSpec().getVolumes().get(0).getConfigMap().getName(),
        namespace).execute();
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, config.getData().get("node.conf") + "\n# the emulated kubelet: service-account files\n"
        + "pekko.discovery.kubernetes-api.api-ca-path = \"" + caFile + "\"\n"
        + "pekko.discovery.kubernetes-api.api-token-path = \"" + dir.resolve("token") + "\"\n"
        + "pekko.discovery.kubernetes-api.pod-namespace-path = \"" + dir.resolve("namespace") + "\"\n"
        + "pekko.coordination.lease.kubernetes.api-ca-path = \"" + caFile + "\"\n"
        + "pekko.coordination.lease.kubernetes.api-token-path = \"" + dir.resolve("token") + "\"\n"
        + "pekko.coordination.lease.kubernetes.namespace-path = \"" + dir.resolve("namespace") + "\"\n"
        // A pod's 0.0.0.0 is its own address only; here every pod shares the host's interfaces.
        + "shardcast.media.interface = \"" + r.ip + "\"\n");
    Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: emulated, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
        users: [{name: node, user: {token: emulated-service-account-token}}]
        contexts: [{name: emulated, context: {cluster: emulated, user: node, namespace: %s}}]
        current-context: emulated
        """.formatted(apiUrl, namespace));
    List<String> args = new ArrayList<>();
    for (String a : c.getArgs()) {
      args.add(a.replace("$(POD_IP)", r.ip).replace("/etc/shardcast/node.conf", conf.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(program.command(jvmOptions, args)).directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()));
    Map<String, String> env = pb.environment();
    for (V1EnvVar e : c.getEnv()) {
      env.put(e.getName(), value(pod, e, r.ip));
    }
    URI api = URI.create(apiUrl);
    env.put("KUBERNETES_SERVICE_HOST", api.getHost());
    env.put("KUBERNETES_SERVICE_PORT", String.valueOf(api.getPort()));
    env.put("KUBECONFIG", dir.resolve("kubeconfig").toString());
    r.process = pb.start();
    r.startedAt = OffsetDateTime.now();
    record.accept("KUBELET started " + pod.getMetadata().getName() + " at " + r.ip);
  }

  private String value(V1Pod pod, V1EnvVar e, String ip) throws ApiException {
    if (e.getValue() != null) {
      return e.getValue();
    }
    if (e.getValueFrom().getFieldRef() != null) {
      return switch (e.getValueFrom().getFieldRef().getFieldPath()) {
        case "status.podIP" -> ip;
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> namespace;
        default -> "";
      };
    }
    V1Secret s = core.readNamespacedSecret(e.getValueFrom().getSecretKeyRef().getName(), namespace).execute();
    return new String(s.getData().get(e.getValueFrom().getSecretKeyRef().getKey()), StandardCharsets.UTF_8);
  }

  /** Writes the pod's status when it changed: phase, IP, readiness, a container waiting in a crash loop. */
  private void report(V1Pod pod, Running r) throws Exception {
    String phase = "Running";
    String waiting = "";
    boolean ready = false;
    if (r.process == null) {
      phase = "Pending";
      waiting = pod.getSpec().getContainers().get(0).getImage().contains("unpullable") ? "ErrImagePull" : "";
    } else if (!r.process.isAlive()) {
      int code = r.process.exitValue();
      if (code == 0) {
        if (!"Succeeded".equals(r.phaseReported)) {
          record.accept("KUBELET exited " + pod.getMetadata().getName() + " 0");
        }
        phase = "Succeeded";
      } else {
        // restartPolicy OnFailure: again after a backoff that grows, shown as CrashLoopBackOff meanwhile.
        long now = System.currentTimeMillis();
        if (r.restartAtMillis == 0) {
          r.restarts++;
          r.restartAtMillis = now + Math.min(10_000, 1000L << Math.min(r.restarts, 4));
          record.accept("KUBELET exited " + pod.getMetadata().getName() + " " + code);
        }
        waiting = "CrashLoopBackOff";
        if (now >= r.restartAtMillis && !r.held) {
          r.restartAtMillis = 0;
          launch(pod, r);
        }
      }
    } else {
      ready = ready(r.ip, pod);
    }
    if (phase.equals(r.phaseReported) && waiting.equals(r.waitingReported) && Boolean.valueOf(ready).equals(r.readyReported)) {
      return;
    }
    V1ContainerStatus container = new V1ContainerStatus().name("node").image(pod.getSpec().getContainers().get(0)
        .getImage()).imageID("").ready(ready).restartCount(r.restarts);
    if (!waiting.isEmpty() || r.process == null) {
      container.state(new V1ContainerState().waiting(new V1ContainerStateWaiting()
          .reason(waiting.isEmpty() ? "ContainerCreating" : waiting)));
    } else if (r.process.isAlive()) {
      container.state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(r.startedAt)));
    } else {
      container.state(new V1ContainerState().terminated(new V1ContainerStateTerminated()
          .exitCode(r.process.exitValue()).startedAt(r.startedAt).finishedAt(OffsetDateTime.now())));
    }
    pod.status(new V1PodStatus().phase(phase).podIP(r.process == null ? null : r.ip).hostIP("127.0.0.1")
        .conditions(List.of(new V1PodCondition().type("Ready").status(ready ? "True" : "False")))
        .containerStatuses(List.of(container)));
    try {
      core.replaceNamespacedPodStatus(pod.getMetadata().getName(), namespace, pod).execute();
      r.phaseReported = phase;
      r.waitingReported = waiting;
      r.readyReported = ready;
    } catch (ApiException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
    }
  }

  private boolean ready(String ip, V1Pod pod) {
    int port = pod.getSpec().getContainers().get(0).getPorts().stream().filter(p -> p.getName().equals("management"))
        .findFirst().orElseThrow().getContainerPort();
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/ready"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; the other pods are looked after meanwhile. */
  private void stop(String name, Running r) {
    if (r.process != null && r.process.isAlive()) {
      record.accept("KUBELET SIGTERM " + name);
      r.process.destroy();
      Thread reaper = new Thread(() -> {
        try {
          if (!r.process.waitFor(60, TimeUnit.SECONDS)) {
            r.process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          r.process.destroyForcibly();
        }
      }, "kubelet-stop-" + name);
      reaper.setDaemon(true);
      reaper.start();
    }
  }

  /**
   * Kills a pod's process as the loss of its machine would (SIGKILL: no leave, no handover) and
   * keeps it down until {@link #release}.
   */
  void killAndHold(String pod) {
    Running r = running.get(pod);
    r.held = true;
    record.accept("KUBELET SIGKILL " + pod);
    r.process.destroyForcibly();
  }

  /** The killed pod's machine is back: the kubelet restarts its container. */
  void release(String pod) {
    running.get(pod).held = false;
  }

  /** The directory of a pod's process (its config and log). */
  Path podDir() {
    return workDir.resolve("pods");
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
    for (Running r : running.values()) {
      if (r.process != null) {
        r.process.destroy();
      }
    }
    for (Running r : running.values()) {
      try {
        if (r.process != null && !r.process.waitFor(20, TimeUnit.SECONDS)) {
          r.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        r.process.destroyForcibly();
      }
    }
  }
}
