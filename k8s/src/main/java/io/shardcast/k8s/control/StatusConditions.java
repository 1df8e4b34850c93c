package io.shardcast.k8s.control;

import io.kubernetes.client.openapi.models.V1Condition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The LiveCluster's conditions, {@code Ready}, {@code Progressing} and {@code Degraded}, each with a
 * reason and message; a condition's transition time moves only when its status changes.
 */
final class StatusConditions {

  private StatusConditions() {}

  static List<V1Condition> of(List<V1Condition> previous, long generation, long nowMillis, boolean ready,
      String readyReason, String readyMessage, String progressing, String progressingMessage, String degraded,
      String degradedMessage) {
    List<V1Condition> out = new ArrayList<>();
    out.add(condition(previous, "Ready", ready, readyReason, readyMessage, generation, nowMillis));
    out.add(condition(previous, "Progressing", progressing != null, progressing == null ? "Stable" : progressing,
        progressing == null ? "the cluster is as its spec asks" : progressingMessage, generation, nowMillis));
    out.add(condition(previous, "Degraded", degraded != null, degraded == null ? "AsExpected" : degraded,
        degraded == null ? "" : degradedMessage, generation, nowMillis));
    return out;
  }

  private static V1Condition condition(List<V1Condition> previous, String type, boolean status, String reason,
      String message, long generation, long nowMillis) {
    String value = status ? "True" : "False";
    OffsetDateTime since = OffsetDateTime.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
    if (previous != null) {
      for (V1Condition c : previous) {
        if (type.equals(c.getType()) && value.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new V1Condition().type(type).status(value).reason(reason).message(Objects.requireNonNullElse(message, ""))
        .observedGeneration(generation).lastTransitionTime(since);
  }

  /** The condition of {@code type}, or null. */
  static V1Condition find(List<V1Condition> conditions, String type) {
    if (conditions != null) {
      for (V1Condition c : conditions) {
        if (type.equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }
}
