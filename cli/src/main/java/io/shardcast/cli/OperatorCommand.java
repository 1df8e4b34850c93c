package io.shardcast.cli;

import com.typesafe.config.ConfigFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.shardcast.k8s.control.GatewayOps;
import io.shardcast.k8s.control.Operator;
import io.shardcast.k8s.control.OperatorEndpoints;
import io.shardcast.k8s.control.OperatorMetrics;
import java.io.File;
import java.io.FileReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shardcast operator}: the LiveCluster operator of one namespace (docs/operator.md). */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Run the LiveCluster operator: in a pod with its service account, or elsewhere with a kubeconfig.")
public final class OperatorCommand implements Callable<Integer> {

  private static final Path POD_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Spec CommandSpec spec;

  @Option(names = "--namespace", description = "Namespace whose LiveClusters it reconciles (default: the pod's own, "
      + "else the kubeconfig context's, else default).")
  String namespace;

  @Option(names = "--kubeconfig", description = "A kubeconfig file (default: in a pod its service account, else "
      + "$KUBECONFIG or ~/.kube/config).")
  File kubeconfig;

  @Option(names = "--identity", description = "This replica's name in the leader election (default: $POD_NAME or "
      + "the host name).")
  String identity;

  @Option(names = "--metrics-port", defaultValue = "8090", description = "Port of /metrics, /healthz, /readyz "
      + "(default 8090; 0: any free port).")
  int metricsPort;

  @Option(names = "--metrics-host", defaultValue = "0.0.0.0", description = "Address of that port (default 0.0.0.0).")
  String metricsHost;

  @Option(names = "--lease-duration", defaultValue = "15s", description = "How long a leader's lease lasts unrenewed.")
  String leaseDuration;

  @Option(names = "--renew-deadline", defaultValue = "10s", description = "A leader that cannot renew this long stops acting.")
  String renewDeadline;

  @Option(names = "--retry-period", defaultValue = "2s", description = "How often the lease is tried or renewed.")
  String retryPeriod;

  @Override
  public Integer call() throws Exception {
    Duration lease = duration("--lease-duration", leaseDuration);
    Duration deadline = duration("--renew-deadline", renewDeadline);
    Duration retry = duration("--retry-period", retryPeriod);
    if (deadline.compareTo(lease) >= 0 || retry.compareTo(deadline) >= 0) {
      throw new ParameterException(spec.commandLine(), "need --retry-period < --renew-deadline < --lease-duration");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ParameterException(spec.commandLine(), "--metrics-port must be 0..65535");
    }
    ApiClient client;
    String ns = namespace;
    if (kubeconfig != null) {
      if (!kubeconfig.isFile()) {
        throw new ParameterException(spec.commandLine(), "--kubeconfig file not found: " + kubeconfig);
      }
      KubeConfig config;
      try (FileReader in = new FileReader(kubeconfig)) {
        config = KubeConfig.loadKubeConfig(in);
      }
      config.setFile(kubeconfig);
      client = ClientBuilder.kubeconfig(config).build();
      if (ns == null) {
        ns = config.getNamespace();
      }
    } else {
      client = ClientBuilder.standard().build();
    }
    if (ns == null) {
      ns = Files.isReadable(POD_NAMESPACE) ? Files.readString(POD_NAMESPACE).trim() : "default";
    }
    String id = identity != null ? identity
        : System.getenv("POD_NAME") != null ? System.getenv("POD_NAME") : InetAddress.getLocalHost().getHostName();
    OperatorMetrics metrics = OperatorMetrics.start(ConfigFactory.load());
    Operator operator = new Operator(client, ns, id, new GatewayOps(Duration.ofSeconds(5), System::currentTimeMillis),
        metrics, lease, deadline, retry, System::currentTimeMillis);
    OperatorEndpoints endpoints = new OperatorEndpoints(metricsHost, metricsPort, metrics::scrape, operator::synced);
    operator.start();
    System.out.println("shardcast operator " + id + ": LiveClusters in namespace " + ns + " at " + client.getBasePath()
        + "; metrics on :" + endpoints.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      endpoints.close();
      stopped.countDown();
    }, "operator-shutdown"));
    stopped.await();
    return 0;
  }

  private Duration duration(String flag, String text) {
    try {
      return Duration.ofMillis(ConfigFactory.parseString("d = " + text).getDuration("d").toMillis());
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), flag + " is not a duration (like 15s): " + text);
    }
  }
}
