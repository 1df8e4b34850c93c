package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.gateway.GatewaySettings;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.room.Ids;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.RoomEdges;
import io.shardcast.room.RoomSettings;
import io.shardcast.room.TokenBucket;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one viewer sends over its WebSocket: validated, rate-limited and passed to the room (or, for
 * likes, to this node's edge, which aggregates them). A bad message gets an error frame on the same
 * connection, which stays open.
 */
final class ViewerInput {

  private static final Logger log = LoggerFactory.getLogger(ViewerInput.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Frame PONG = Frame.notice("{\"type\":\"pong\"}");

  private final String roomId;
  private final String userId;
  private final boolean readOnly;
  private final ViewerSession session;
  private final EntityRef<LiveRoom.Command> room;
  private final ActorRef<RoomEdges.Command> edges;
  private final GatewaySettings settings;
  private final NodeMetrics metrics;
  private final Access access;
  private final int maxCommentChars;
  private final TokenBucket messages;
  private final TokenBucket comments;

  ViewerInput(String roomId, String userId, boolean readOnly, ViewerSession session, EntityRef<LiveRoom.Command> room,
      ActorRef<RoomEdges.Command> edges, GatewaySettings settings, RoomSettings roomSettings, Access access,
      NodeMetrics metrics) {
    this.roomId = roomId;
    this.userId = userId;
    this.readOnly = readOnly;
    this.access = access;
    this.session = session;
    this.room = room;
    this.edges = edges;
    this.settings = settings;
    this.metrics = metrics;
    this.maxCommentChars = roomSettings.maxCommentChars();
    this.messages = new TokenBucket(settings.messagesPerSecond(), settings.messageBurst());
    this.comments = new TokenBucket(settings.commentsPerSecond(), settings.commentBurst());
  }

  /** One inbound message: its text, or the reason it could not be read. */
  record Inbound(String text, String errorCode, String errorMessage) {}

  void onMessage(Inbound in) {
    if (in.errorCode() != null) {
      reject(in.errorCode(), in.errorMessage());
      return;
    }
    long now = System.nanoTime();
    if (!messages.tryTake(now)) {
      reject("RATE_LIMITED", "too many messages; slow down");
      return;
    }
    JsonNode msg;
    try {
      msg = JSON.readTree(in.text());
    } catch (Exception e) {
      reject("BAD_JSON", "message is not valid JSON");
      return;
    }
    if (msg == null || !msg.isObject() || !msg.path("type").isTextual()) {
      reject("BAD_MESSAGE", "a message is a JSON object with a string \"type\"");
      return;
    }
    String type = msg.get("type").asText();
    if (readOnly && !type.equals("ping")) {
      reject("READ_ONLY", "this connection watches only (an operator's): it cannot comment, like or send gifts");
      return;
    }
    switch (type) {
      case "comment" -> {
        JsonNode text = msg.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
          reject("BAD_COMMENT", "comment needs a non-empty \"text\"");
        } else if (text.asText().length() > maxCommentChars) {
          reject("COMMENT_TOO_LONG", "comments are at most " + maxCommentChars + " characters");
        } else if (!comments.tryTake(now)) {
          reject("RATE_LIMITED", "too many comments; slow down");
        } else if (!access.mayComment(userId, now)) {
          metrics.commenterRateLimited();
          reject("RATE_LIMITED", "too many comments from " + userId + "; slow down");
        } else {
          room.tell(new LiveRoom.PostComment(userId, text.asText()));
          metrics.eventAccepted();
        }
      }
      case "like" -> {
        JsonNode count = msg.path("count");
        int n = count.isMissingNode() ? 1 : count.isInt() ? count.asInt() : -1;
        if (n < 1 || n > settings.maxLikesPerMessage()) {
          reject("BAD_LIKE", "like count must be 1.." + settings.maxLikesPerMessage());
        } else {
          edges.tell(new RoomEdges.Like(roomId, n));
          metrics.eventAccepted();
        }
      }
      case "gift" -> {
        JsonNode gift = msg.path("gift");
        JsonNode count = msg.path("count");
        int n = count.isMissingNode() ? 1 : count.isInt() ? count.asInt() : -1;
        if (!gift.isTextual() || !Ids.valid(gift.asText()) || n < 1 || n > settings.maxGiftsPerMessage()) {
          reject("BAD_GIFT", "gift needs \"gift\" (an id) and \"count\" 1.." + settings.maxGiftsPerMessage());
        } else {
          room.tell(new LiveRoom.SendGift(userId, gift.asText(), n));
          metrics.eventAccepted();
        }
      }
      case "ping" -> session.offer(pong(msg.path("t")));
      default -> reject("UNKNOWN_TYPE", "unknown message type '" + abbreviate(type) + "'");
    }
  }

  /**
   * {@code pong}; to a ping carrying the client's clock {@code t} (a number), also the node's clock
   * {@code serverTime} (epoch ms, the clock sales open by), so a page can measure its offset
   * NTP-style: offset = serverTime - (t + rtt / 2).
   */
  private static Frame pong(JsonNode t) {
    if (!t.isNumber()) {
      return PONG;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "pong").put("t", t.asDouble()).put("serverTime", System.currentTimeMillis());
    return Frame.notice(n.toString());
  }

  private void reject(String code, String message) {
    log.debug("room {} viewer {}: {} {}", roomId, userId, code, message);
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "error").put("code", code).put("message", message);
    session.offer(Frame.notice(n.toString()));
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
