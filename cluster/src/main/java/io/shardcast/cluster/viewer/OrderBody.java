package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.room.Ids;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The body of an order being received on a keep-alive connection, gathered across reads; once
 * complete, either the order to place or the answer for a bad one.
 */
final class OrderBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PortRequest.Order head;
  private final byte[] bytes;
  private int length;

  OrderBody(PortRequest.Order head) {
    this.head = head;
    this.bytes = new byte[head.length()];
  }

  PortRequest.Order head() {
    return head;
  }

  /** Takes what {@code buf} holds of the body, leaving the rest (a pipelined request); true once complete. */
  boolean fill(ByteBuffer buf) {
    int n = Math.min(buf.remaining(), bytes.length - length);
    buf.get(bytes, length, n);
    length += n;
    return length == bytes.length;
  }

  /** A complete body that is a JSON object for a well-formed room id: the order; else null. */
  JsonNode order() {
    if (!Ids.valid(head.roomId())) {
      return null;
    }
    try {
      JsonNode order = JSON.readTree(bytes);
      return order != null && order.isObject() ? order : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Why {@link #order()} is null, as the client's answer. */
  JsonReply refusal() {
    return !Ids.valid(head.roomId())
        ? JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]")
        : JsonReply.error(400, "BAD_JSON", "request body must be a JSON object");
  }
}
