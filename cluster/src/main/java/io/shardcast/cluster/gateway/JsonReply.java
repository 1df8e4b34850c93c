package io.shardcast.cluster.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An HTTP answer with a JSON body, as the gateway and the viewer port send it. */
public record JsonReply(int status, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** The error code of a refusal ({@code code} of its body), or null when it succeeded. */
  public String errorCode() {
    if (ok()) {
      return null;
    }
    try {
      return JSON.readTree(body).path("code").asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  public static JsonReply ok(ObjectNode body) {
    return new JsonReply(200, body.toString());
  }

  public static JsonReply created(ObjectNode body) {
    return new JsonReply(201, body.toString());
  }

  public static JsonReply accepted(ObjectNode body) {
    return new JsonReply(202, body.toString());
  }

  /** {@code {"type":"error","code":...,"message":...}}: what every refusal looks like. */
  public static JsonReply error(int status, String code, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "error");
    node.put("code", code);
    node.put("message", message);
    return new JsonReply(status, node.toString());
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
