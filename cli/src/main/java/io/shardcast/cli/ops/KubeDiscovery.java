package io.shardcast.cli.ops;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.shardcast.k8s.model.LiveCluster;
import java.io.FileReader;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --kube NAME}: a LiveCluster's gateways found through the Kubernetes API, as kubectl finds
 * its cluster: the gateway Service's load-balancer addresses when it has them, then each ready node
 * pod's IP (reachable from inside the cluster's network); and, when no token was given, the ops
 * token from the Secret the LiveCluster names, if the kubeconfig's user may read it.
 */
final class KubeDiscovery {

  /** What was found: gateways to try in order, and the ops token (null when not readable). */
  record Found(List<String> servers, String token) {}

  private KubeDiscovery() {}

  @SuppressWarnings("unchecked")
  static Found find(String name, String namespace, String kubeconfig, boolean wantToken) {
    ApiClient client;
    String ns = namespace;
    try {
      if (kubeconfig != null) {
        Path file = Path.of(OpsContexts.expand(kubeconfig));
        if (!Files.isRegularFile(file)) {
          throw new OpsFailure(ExitCodes.USAGE, "--kubeconfig file not found: " + kubeconfig);
        }
        KubeConfig config;
        try (FileReader in = new FileReader(file.toFile(), StandardCharsets.UTF_8)) {
          config = KubeConfig.loadKubeConfig(in);
        }
        config.setFile(file.toFile());
        client = ClientBuilder.kubeconfig(config).build();
        ns = ns != null ? ns : config.getNamespace();
      } else {
        client = ClientBuilder.standard().build();
      }
    } catch (IOException e) {
      throw new OpsFailure(ExitCodes.USAGE, "cannot load the Kubernetes configuration: " + e.getMessage());
    }
    ns = ns != null ? ns : "default";
    Map<String, Object> lc;
    try {
      lc = (Map<String, Object>) new CustomObjectsApi(client).getNamespacedCustomObject(LiveCluster.GROUP,
          LiveCluster.VERSION, ns, LiveCluster.PLURAL, name).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        throw new OpsFailure(ExitCodes.FAILED, "no LiveCluster " + name + " in namespace " + ns
            + " (kubectl get liveclusters -n " + ns + ")");
      }
      if (e.getCode() == 0 && e.getCause() instanceof ConnectException) {
        throw new OpsFailure(ExitCodes.UNREACHABLE, "the Kubernetes API at " + client.getBasePath()
            + " did not answer: " + e.getCause().getMessage());
      }
      throw new OpsFailure(ExitCodes.FAILED, "reading LiveCluster " + ns + "/" + name + ": " + e.getCode() + " "
          + (e.getResponseBody() == null ? e.getMessage() : e.getResponseBody()));
    }
    Map<String, Object> spec = lc.get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<String, Object> ports = spec.get("ports") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    int http = ports.get("http") instanceof Number n ? n.intValue() : 8080;
    CoreV1Api core = new CoreV1Api(client);
    List<String> servers = new ArrayList<>();
    try {
      V1Service gateway = core.readNamespacedService(name + "-gateway", ns).execute();
      if (gateway.getStatus() != null && gateway.getStatus().getLoadBalancer() != null
          && gateway.getStatus().getLoadBalancer().getIngress() != null) {
        for (V1LoadBalancerIngress i : gateway.getStatus().getLoadBalancer().getIngress()) {
          String host = i.getHostname() != null ? i.getHostname() : i.getIp();
          if (host != null) {
            servers.add("http://" + host + ":" + http);
          }
        }
      }
    } catch (ApiException e) {
      // no gateway Service readable: the pods will do
    }
    try {
      for (V1Pod p : core.listNamespacedPod(ns).labelSelector("shardcast.io/cluster=" + name).execute().getItems()) {
        boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
            .stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        if (ready && p.getStatus().getPodIP() != null) {
          servers.add("http://" + p.getStatus().getPodIP() + ":" + http);
        }
      }
    } catch (ApiException e) {
      throw new OpsFailure(ExitCodes.FAILED, "listing the pods of " + ns + "/" + name + ": " + e.getCode());
    }
    if (servers.isEmpty()) {
      throw new OpsFailure(ExitCodes.UNREACHABLE, "LiveCluster " + ns + "/" + name + " has no ready node and its "
          + "gateway Service no external address (kubectl get pods -n " + ns + " -l shardcast.io/cluster=" + name + ")");
    }
    String token = null;
    Map<String, Object> secret = spec.get("opsTokenSecret") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    if (wantToken && secret != null && secret.get("name") != null && secret.get("key") != null) {
      try {
        V1Secret s = core.readNamespacedSecret(String.valueOf(secret.get("name")), ns).execute();
        byte[] value = s.getData() == null ? null : s.getData().get(String.valueOf(secret.get("key")));
        token = value == null ? null : new String(value, StandardCharsets.UTF_8).strip();
      } catch (ApiException e) {
        // not allowed to read it: the commands say a token is needed
      }
    }
    return new Found(servers, token);
  }
}
