package io.shardcast.cluster.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.room.platform.PlatformEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A platform relay's request body, {@code {"events":[...]}}, read into the room's events: a
 * {@code comment} ({@code "id","user":{"id","name"?},"text"}), a {@code gift} ({@code "id","user",
 * "gift","count"}), {@code like}s ({@code "id","count"}), the platform's {@code viewers}
 * ({@code "id","count","joins"?}) or an {@code order} on its shop ({@code "id","user","productId",
 * "quantity","priceCents"?}). Anything else is a {@link Gateway.BadInput}
 * naming what is wrong. Outside bytes: fuzzed in {@code PlatformEventsBodyFuzzTest}.
 */
final class PlatformEventsBody {

  /** A request carries at most this many events. */
  static final int MAX_EVENTS = 100;
  /** A request body is at most this many bytes (413 beyond). */
  static final int MAX_BYTES = 64 * 1024;
  static final int MAX_TEXT = 2000;
  static final int MAX_ID = 128;
  static final int MAX_NAME = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
    JSON.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  private PlatformEventsBody() {}

  static List<PlatformEvent> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw bad("BAD_JSON", "request body is not valid JSON");
    }
    if (root == null || !root.isObject() || !root.path("events").isArray()) {
      throw bad("BAD_REQUEST", "the body must be {\"events\":[...]}");
    }
    JsonNode list = root.get("events");
    if (list.isEmpty() || list.size() > MAX_EVENTS) {
      throw bad("BAD_REQUEST", "'events' must hold 1.." + MAX_EVENTS + " events");
    }
    List<PlatformEvent> events = new ArrayList<>(list.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String where = "events[" + i + "]";
      if (!e.isObject()) {
        throw bad("BAD_REQUEST", where + " must be an object");
      }
      String id = string(e, "id", MAX_ID, where);
      if (!ids.add(id)) {
        throw bad("BAD_REQUEST", where + ".id " + id + " appears twice in the request");
      }
      String type = string(e, "type", 16, where);
      events.add(switch (type) {
        case "comment" -> new PlatformEvent.Comment(id, string(e.path("user"), "id", MAX_ID, where + ".user"),
            name(e, where), string(e, "text", MAX_TEXT, where));
        case "gift" -> new PlatformEvent.Gift(id, string(e.path("user"), "id", MAX_ID, where + ".user"),
            name(e, where), string(e, "gift", MAX_NAME, where), (int) count(e, 10_000, where));
        case "like" -> new PlatformEvent.Like(id, count(e, 1_000_000, where));
        case "viewers" -> new PlatformEvent.Viewers(id, number(e, "count", 0, 100_000_000, where),
            e.has("joins") ? number(e, "joins", 0, 100_000_000, where) : 0);
        case "order" -> new PlatformEvent.Order(id, string(e.path("user"), "id", MAX_ID, where + ".user"),
            productId(e, where), (int) number(e, "quantity", 1, 10_000, where),
            e.has("priceCents") ? number(e, "priceCents", 0, 100_000_000_00L, where) : -1);
        default -> throw bad("BAD_REQUEST", where + ".type must be comment, gift, like, viewers or order");
      });
    }
    return events;
  }

  private static String name(JsonNode e, String where) {
    JsonNode user = e.path("user");
    if (user.has("name")) {
      return string(user, "name", MAX_NAME, where + ".user");
    }
    String id = user.path("id").asText();
    return id.length() > MAX_NAME ? id.substring(0, MAX_NAME) : id;
  }

  private static String productId(JsonNode e, String where) {
    String id = string(e, "productId", 64, where);
    if (!io.shardcast.room.Ids.valid(id)) {
      throw bad("BAD_REQUEST", where + ".productId must be 1..64 of [A-Za-z0-9_-]");
    }
    return id;
  }

  private static long number(JsonNode e, String field, long min, long max, String where) {
    JsonNode v = e.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw bad("BAD_REQUEST", where + "." + field + " must be an integer " + min + ".." + max);
    }
    return v.asLong();
  }

  private static long count(JsonNode e, long max, String where) {
    JsonNode v = e.get("count");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > max) {
      throw bad("BAD_REQUEST", where + ".count must be an integer 1.." + max);
    }
    return v.asLong();
  }

  /** A non-blank string of at most {@code max} characters, without control characters. */
  private static String string(JsonNode node, String field, int max, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > max
        || v.asText().chars().anyMatch(c -> c < 0x20 && c != '\n')) {
      throw bad("BAD_REQUEST", where + "." + field + " must be a string of 1.." + max
          + " characters without control characters");
    }
    return v.asText();
  }

  private static Gateway.BadInput bad(String code, String message) {
    return new Gateway.BadInput(code, message);
  }
}
