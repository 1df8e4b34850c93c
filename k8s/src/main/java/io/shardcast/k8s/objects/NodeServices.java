package io.shardcast.k8s.objects;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's Services: a headless one the nodes form their cluster through (every pod, ready
 * or not, so a starting node is found), and one per public face (gateway, viewer sockets, RTMP,
 * HTTP-FLV) selecting the serving nodes only, of the type the spec asks.
 */
public final class NodeServices {

  private NodeServices() {}

  public static List<V1Service> of(LiveCluster c) {
    LiveClusterSpec s = c.spec().withDefaults();
    LiveClusterSpec.Ports p = s.ports();
    List<V1Service> out = new ArrayList<>();
    out.add(new V1Service().apiVersion("v1").kind("Service").metadata(Names.owned(c, Names.nodesService(c)))
        .spec(new V1ServiceSpec().clusterIP("None").publishNotReadyAddresses(true).selector(Names.selector(c))
            .ports(List.of(port("remote", p.remote(), "TCP"), port("management", p.management(), "TCP")))));
    Map<String, String> serving = new HashMap<>(Names.selector(c));
    serving.put(Names.SERVING_LABEL, "true");
    // The gateway answers on any node that is up (standbys too): it selects every node pod.
    out.add(face(c, "gateway", s.services().gateway(), Names.selector(c), port("http", p.http(), "TCP")));
    out.add(face(c, "viewer", s.services().viewer(), serving, port("viewer", p.viewer(), "TCP")));
    out.add(face(c, "rtmp", s.services().rtmp(), serving, port("rtmp", p.rtmp(), "TCP")));
    out.add(face(c, "media", s.services().media(), serving, port("media", p.media(), "TCP")));
    return out;
  }

  private static V1Service face(LiveCluster c, String face, String type, Map<String, String> selector,
      V1ServicePort port) {
    return new V1Service().apiVersion("v1").kind("Service").metadata(Names.owned(c, Names.service(c, face)))
        .spec(new V1ServiceSpec().type(type).selector(selector).ports(List.of(port)));
  }

  private static V1ServicePort port(String name, int port, String protocol) {
    return new V1ServicePort().name(name).port(port).targetPort(new IntOrString(name)).protocol(protocol);
  }
}
