package io.shardcast.cli.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What every {@code shardcast ops} command takes: where the cluster is, the token, and the output form. */
public final class OpsOptions {

  @Option(names = {"-s", "--server"}, split = ",", paramLabel = "URL",
      description = "A gateway of the cluster, http://host:8080 (repeat or separate by commas: the next is tried "
          + "when one cannot be reached). Default: SHARDCAST_SERVER.")
  List<String> servers = new ArrayList<>();

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "The ops token (default: SHARDCAST_OPS_TOKEN). Prefer the variable: a command line is visible to "
          + "other users of the machine.")
  String token;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), json or yaml: the whole answer, for scripts.")
  Output.Format format;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
      description = "How long one request may take (500ms, 10s, PT10S). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--context", paramLabel = "NAME",
      description = "A context of the context file (default: its current-context). See shardcast ops config.")
  String context;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The context file (default: SHARDCAST_CONFIG, else ~/.shardcast/config.yaml).")
  Path config;

  @Option(names = "--kube", paramLabel = "LIVECLUSTER",
      description = "Find the gateways (and, if readable, the ops token) of this LiveCluster through the Kubernetes API.")
  String kube;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "The LiveCluster's namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "A kubeconfig file for --kube (default: in a pod its service account, else KUBECONFIG or ~/.kube/config).")
  String kubeconfig;

  /**
   * The client, from the first source that names servers: {@code --server}, {@code --kube},
   * {@code SHARDCAST_SERVER}, then the context file; the token likewise from {@code --token},
   * {@code SHARDCAST_OPS_TOKEN}, the context, then the LiveCluster's Secret.
   */
  OpsClient client() {
    List<String> s = new ArrayList<>(servers);
    String t = token != null ? token : System.getenv("SHARDCAST_OPS_TOKEN");
    if (s.isEmpty() && kube != null) {
      KubeDiscovery.Found found = KubeDiscovery.find(kube, namespace, kubeconfig, t == null);
      s.addAll(found.servers());
      t = t != null ? t : found.token();
    }
    String env = System.getenv("SHARDCAST_SERVER");
    if (s.isEmpty() && env != null && !env.isBlank()) {
      for (String one : env.split(",")) {
        if (!one.isBlank()) {
          s.add(one.strip());
        }
      }
    }
    if (s.isEmpty() || t == null) {
      Path file = OpsContexts.path(config);
      if (context != null || config != null || java.nio.file.Files.exists(file)) {
        OpsContexts.Context c = OpsContexts.load(file).select(context);
        if (c != null) {
          boolean fromContext = s.isEmpty();
          if (fromContext) {
            s.addAll(c.servers());
          }
          t = t != null ? t : c.resolveToken();
          if (fromContext && s.isEmpty() && c.kubeCluster() != null) {
            KubeDiscovery.Found found = KubeDiscovery.find(c.kubeCluster(), c.kubeNamespace(), c.kubeconfig(), t == null);
            s.addAll(found.servers());
            t = t != null ? t : found.token();
          }
        }
      }
    }
    return new OpsClient(s, t, timeout);
  }
}
