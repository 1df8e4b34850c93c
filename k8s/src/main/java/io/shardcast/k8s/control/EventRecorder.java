package io.shardcast.k8s.control;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.shardcast.k8s.model.LiveCluster;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Kubernetes Event on the LiveCluster for each action (what {@code kubectl describe}
 * shows) and logs it. An Event that cannot be written is logged, never a reason to fail the work.
 */
final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private final CoreV1Api core;
  private final LongSupplier clockMillis;
  private final AtomicLong sequence = new AtomicLong();
  private final OperatorMetrics metrics;

  EventRecorder(ApiClient client, LongSupplier clockMillis, OperatorMetrics metrics) {
    this.core = new CoreV1Api(client);
    this.clockMillis = clockMillis;
    this.metrics = metrics;
  }

  void normal(LiveCluster c, String reason, String message) {
    record(c, "Normal", reason, message);
  }

  void warning(LiveCluster c, String reason, String message) {
    record(c, "Warning", reason, message);
  }

  private void record(LiveCluster c, String type, String reason, String message) {
    log.info("{}/{}: {} {}: {}", c.namespace(), c.name(), type, reason, message);
    metrics.action(reason);
    long now = clockMillis.getAsLong();
    OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    CoreV1Event event = new CoreV1Event().apiVersion("v1").kind("Event")
        .metadata(new V1ObjectMeta().name(c.name() + "." + Long.toHexString(now) + Long.toHexString(sequence.incrementAndGet()))
            .namespace(c.namespace()))
        .involvedObject(new V1ObjectReference().apiVersion(LiveCluster.API_VERSION).kind(LiveCluster.KIND)
            .name(c.name()).namespace(c.namespace()).uid(c.metadata().getUid()))
        .type(type).reason(reason).message(message.length() > 1024 ? message.substring(0, 1024) : message)
        .source(new V1EventSource().component("shardcast-operator")).firstTimestamp(at).lastTimestamp(at).count(1);
    try {
      core.createNamespacedEvent(c.namespace(), event).execute();
    } catch (ApiException e) {
      log.warn("{}/{}: event {} not written: {} {}", c.namespace(), c.name(), reason, e.getCode(), e.getMessage());
    }
  }
}
