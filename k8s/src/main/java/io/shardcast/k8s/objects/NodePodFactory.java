package io.shardcast.k8s.objects;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import io.shardcast.k8s.model.PodTemplate;
import io.shardcast.k8s.plan.NodePod.ClusterRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A node pod: {@code shardcast node} on the pod's own IP, finding the cluster through the Kubernetes
 * API, its settings from the cluster's ConfigMap, its secrets from the env, {@code /ready} and
 * {@code /alive} as probes. It restarts on failure only: a node that left the cluster (drained or
 * retired) exits 0 and its pod stays Succeeded until the operator deletes it. The spec's pod
 * template is merged in last.
 */
public final class NodePodFactory {

  /** The node container's name; a pod-template container of this name adds to it. */
  public static final String CONTAINER = "node";
  /** Long enough for a node's coordinated shutdown (leave the cluster, hand its rooms off). */
  public static final long GRACE_SECONDS = 60;

  private NodePodFactory() {}

  public static V1Pod of(LiveCluster c, int ordinal, ClusterRole role, String revision) {
    LiveClusterSpec s = c.spec().withDefaults();
    LiveClusterSpec.Ports p = s.ports();
    String name = Names.pod(c, ordinal);
    Map<String, String> labels = new LinkedHashMap<>(Names.labels(c));
    labels.put(Names.REVISION_LABEL, revision);
    labels.put(Names.SERVING_LABEL, "false");
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Names.START_ROLE_ANNOTATION, role.name().toLowerCase(Locale.ROOT));

    List<String> args = new ArrayList<>(List.of("node", "--hostname", "$(POD_IP)", "--discovery", "kubernetes-api",
        "--scaler", "kubernetes", "--role", role == ClusterRole.ACTIVE ? "active" : "standby",
        "--journal", s.journal().kind(), "--config", NodeConfig.MOUNT + "/" + NodeConfig.FILE,
        "--http-port", String.valueOf(p.http()), "--viewer-port", String.valueOf(p.viewer()),
        "--media-port", String.valueOf(p.media()), "--rtmp-port", String.valueOf(p.rtmp()),
        "--rtp-port", String.valueOf(p.rtp()), "--remote-port", String.valueOf(p.remote()),
        "--relay-port", String.valueOf(p.relay()), "--management-port", String.valueOf(p.management()),
        "--webrtc-port", String.valueOf(p.webrtc())));
    List<V1EnvVar> env = new ArrayList<>();
    env.add(field("POD_IP", "status.podIP"));
    env.add(field("POD_NAME", "metadata.name"));
    env.add(field("POD_NAMESPACE", "metadata.namespace"));
    env.add(field("SHARDCAST_K8S_NAMESPACE", "metadata.namespace")); // the autoscaler scales its own LiveCluster
    env.add(secret("SHARDCAST_OPS_TOKEN", s.opsTokenSecret()));
    if (s.access().viewerTokenSecret() != null) {
      env.add(secret("SHARDCAST_VIEWER_TOKEN_SECRET", s.access().viewerTokenSecret()));
    }
    if (s.access().playSecret() != null) {
      env.add(secret("SHARDCAST_PLAY_SECRET", s.access().playSecret()));
    }
    if (s.journal().kind().equals("postgres")) {
      args.addAll(List.of("--postgres-url", s.journal().url(), "--postgres-user", s.journal().user()));
      if (s.journal().passwordSecret() != null) {
        env.add(secret("SHARDCAST_POSTGRES_PASSWORD", s.journal().passwordSecret()));
      }
    }
    V1Container node = new V1Container().name(CONTAINER).image(s.image()).imagePullPolicy(s.imagePullPolicy())
        .args(args).env(env).resources(s.resources())
        .ports(ports(s))
        .readinessProbe(probe("/ready", 2, 3))
        .livenessProbe(probe("/alive", 10, 6))
        .volumeMounts(new ArrayList<>(List.of(new V1VolumeMount().name("config").mountPath(NodeConfig.MOUNT)
            .readOnly(true))));
    V1PodSpec spec = new V1PodSpec().hostname(name).subdomain(Names.nodesService(c))
        .serviceAccountName(Names.nodeAccount(c)).restartPolicy("OnFailure")
        .terminationGracePeriodSeconds(GRACE_SECONDS)
        .containers(new ArrayList<>(List.of(node)))
        .volumes(new ArrayList<>(List.of(new V1Volume().name("config")
            .configMap(new V1ConfigMapVolumeSource().name(Names.config(c))))));
    V1Pod pod = new V1Pod().apiVersion("v1").kind("Pod")
        .metadata(new V1ObjectMeta().name(name).namespace(c.namespace()).labels(labels).annotations(annotations)
            .ownerReferences(List.of(Names.owner(c))))
        .spec(spec);
    overlay(pod, s.podTemplate());
    return pod;
  }

  /**
   * Merges the spec's pod template: its labels and annotations (the operator's own win), the
   * scheduling fields, extra containers and volumes; a container named {@value #CONTAINER} adds its
   * env and mounts to the node container.
   */
  static void overlay(V1Pod pod, PodTemplate template) {
    if (template == null) {
      return;
    }
    if (template.metadata() != null) {
      Map<String, String> labels = new LinkedHashMap<>(or(template.metadata().labels()));
      labels.putAll(pod.getMetadata().getLabels());
      pod.getMetadata().labels(labels);
      Map<String, String> annotations = new LinkedHashMap<>(or(template.metadata().annotations()));
      annotations.putAll(pod.getMetadata().getAnnotations());
      pod.getMetadata().annotations(annotations);
    }
    PodTemplate.Spec t = template.spec();
    if (t == null) {
      return;
    }
    V1PodSpec spec = pod.getSpec();
    spec.affinity(t.affinity()).tolerations(t.tolerations()).nodeSelector(t.nodeSelector())
        .priorityClassName(t.priorityClassName()).securityContext(t.securityContext())
        .imagePullSecrets(t.imagePullSecrets()).topologySpreadConstraints(t.topologySpreadConstraints());
    if (t.volumes() != null) {
      spec.getVolumes().addAll(t.volumes());
    }
    if (t.containers() != null) {
      for (V1Container extra : t.containers()) {
        if (CONTAINER.equals(extra.getName())) {
          V1Container node = spec.getContainers().get(0);
          if (extra.getEnv() != null) {
            node.getEnv().addAll(extra.getEnv());
          }
          if (extra.getVolumeMounts() != null) {
            node.getVolumeMounts().addAll(extra.getVolumeMounts());
          }
          if (extra.getSecurityContext() != null) {
            node.securityContext(extra.getSecurityContext());
          }
        } else {
          spec.getContainers().add(extra);
        }
      }
    }
    if (t.initContainers() != null) {
      spec.initContainers(t.initContainers());
    }
  }

  private static <K, V> Map<K, V> or(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  private static V1EnvVar field(String name, String path) {
    return new V1EnvVar().name(name).valueFrom(new V1EnvVarSource().fieldRef(new V1ObjectFieldSelector()
        .fieldPath(path)));
  }

  private static List<V1ContainerPort> ports(LiveClusterSpec s) {
    LiveClusterSpec.Ports p = s.ports();
    List<V1ContainerPort> out = new ArrayList<>(List.of(containerPort("http", p.http(), "TCP"),
        containerPort("viewer", p.viewer(), "TCP"), containerPort("media", p.media(), "TCP"),
        containerPort("rtmp", p.rtmp(), "TCP"), containerPort("rtp", p.rtp(), "UDP"),
        containerPort("remote", p.remote(), "TCP"), containerPort("relay", p.relay(), "UDP"),
        containerPort("management", p.management(), "TCP"), containerPort("webrtc", p.webrtc(), "UDP"),
        // The same number over TCP: WebRTC's fallback for browsers whose network blocks UDP.
        containerPort("webrtc-tcp", p.webrtc(), "TCP")));
    if (s.access().metrics().equals("internal")) {
      out.add(containerPort("metrics", s.access().metricsPort(), "TCP")); // for the scraper, inside the cluster
    }
    return out;
  }

  private static V1EnvVar secret(String name, LiveClusterSpec.SecretKey key) {
    return new V1EnvVar().name(name).valueFrom(new V1EnvVarSource().secretKeyRef(new V1SecretKeySelector()
        .name(key.name()).key(key.key())));
  }

  private static V1ContainerPort containerPort(String name, int port, String protocol) {
    return new V1ContainerPort().name(name).containerPort(port).protocol(protocol);
  }

  private static V1Probe probe(String path, int period, int failures) {
    return new V1Probe().httpGet(new V1HTTPGetAction().path(path).port(new IntOrString("management")))
        .periodSeconds(period).failureThreshold(failures);
  }
}
