package io.shardcast.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.commerce.OrderResult;

/**
 * The answer to a request made of a room: an HTTP-like status and a JSON body, so errors cross
 * the cluster as values and the gateway passes them through unchanged.
 */
public record Reply(int status, String body) implements CborSerializable {

  static final ObjectMapper JSON = new ObjectMapper();

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  public static Reply ok(ObjectNode body) {
    return new Reply(200, body.toString());
  }

  public static Reply created(ObjectNode body) {
    return new Reply(201, body.toString());
  }

  public static Reply error(int status, String code, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "error");
    node.put("code", code);
    node.put("message", message);
    return new Reply(status, node.toString());
  }

  /** An order's answer; {@code remaining} is the sale's stock left, omitted when negative. */
  public static Reply order(String orderId, String saleId, String userId, int quantity,
      OrderResult result, int remaining) {
    ObjectNode body = object().put("orderId", orderId).put("saleId", saleId).put("userId", userId)
        .put("quantity", quantity).put("result", result.name());
    if (remaining >= 0) {
      body.put("remaining", remaining);
    }
    return ok(body);
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
