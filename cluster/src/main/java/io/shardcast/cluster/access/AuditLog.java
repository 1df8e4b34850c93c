package io.shardcast.cluster.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import kamon.Kamon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per host and ops action, refused ones too, on the logger {@code shardcast.audit}:
 * when, who ({@code host:<roomId>}, {@code ops:<name>}, or {@code unknown} without credentials),
 * the action, the room or node it touched, the result (HTTP status and code) and the remote address.
 * Tokens are never written. Each line also counts in {@code shardcast_audit_total{action,status}}. Route the logger to its own file or collector to keep it apart.
 */
public final class AuditLog {

  private static final Logger audit = LoggerFactory.getLogger("shardcast.audit");
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  /**
   * Records an action.
   *
   * @param who who acted, as {@link Identity#name()} or {@code host:<roomId>}
   * @param action what it asked, such as {@code host.pin} or {@code ops.node.drain}
   * @param room the room it touched, or null
   * @param target the node, sale or product it touched, or null
   * @param status the HTTP status it was answered
   * @param code the answer's error code, or null when it succeeded
   * @param remote the client's address, or null when unknown
   */
  public static void record(String who, String action, String room, String target, int status, String code,
      String remote) {
    Kamon.counter("shardcast.audit", "host and ops actions, refused ones too").withTag("action", action)
        .withTag("status", (long) status).increment();
    if (!audit.isInfoEnabled()) {
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("at", Instant.now().toString()).put("who", who).put("action", action);
    if (room != null) {
      line.put("room", room);
    }
    if (target != null) {
      line.put("target", target);
    }
    line.put("status", status);
    if (code != null) {
      line.put("code", code);
    }
    if (remote != null) {
      line.put("remote", remote);
    }
    audit.info(line.toString());
  }
}
