package io.shardcast.room.restream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.media.MediaNode;
import io.shardcast.room.state.RoomState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The room's restream destinations and how each push is doing, as the origin last reported it.
 * Owned by the room actor. Renders {@code {"roomId","destinations":[{"destinationId","platform",
 * "url","layer","chat","replyUrl","state","bytes","kbps","reconnects","lastError","lastErrorAt",
 * "nextAttemptAt"}]}}: never the stream key or the chat secret. A report older than
 * {@link #STALE_MILLIS} (the origin went away) reads as {@code "unknown"}; without a live origin every push is {@code "idle"} (it starts when the room does).
 */
public final class RestreamView {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The origin reports every 2 s; three missed reports make the last one stale. */
  static final long STALE_MILLIS = 6_000;

  private final Map<String, MediaNode.PushState> reported = new HashMap<>();
  private String reportedBy;
  private long reportedAtMillis;

  /** The origin at {@code endpoint} reported its pushes of the room. */
  public void report(String endpoint, List<MediaNode.PushState> states, long nowMillis) {
    reported.clear();
    for (MediaNode.PushState s : states) {
      reported.put(s.destinationId(), s);
    }
    reportedBy = endpoint;
    reportedAtMillis = nowMillis;
  }

  /** The JSON body for the room's destinations, with the origin now at {@code originEndpoint} (null: none). */
  public String render(String roomId, RoomState state, String originEndpoint, long nowMillis) {
    ObjectNode out = JSON.createObjectNode().put("roomId", roomId);
    ArrayNode list = out.putArray("destinations");
    boolean fresh = originEndpoint != null && originEndpoint.equals(reportedBy)
        && nowMillis - reportedAtMillis <= STALE_MILLIS;
    for (RoomState.Destination d : state.destinations.values()) {
      ObjectNode n = list.addObject().put("destinationId", d.destinationId()).put("platform", d.platform())
          .put("url", d.url());
      if (d.layer() != null) {
        n.put("layer", d.layer());
      }
      n.put("chat", d.chatSecret() != null);
      if (d.replyUrl() != null) {
        n.put("replyUrl", d.replyUrl());
      }
      MediaNode.PushState s = fresh ? reported.get(d.destinationId()) : null;
      if (s == null) {
        n.put("state", originEndpoint == null ? "idle" : "unknown");
        continue;
      }
      n.put("state", s.state().toLowerCase(java.util.Locale.ROOT)).put("bytes", s.bytes())
          .put("kbps", s.bitsPerSecond() / 1000).put("reconnects", s.reconnects());
      if (s.lastError() != null) {
        n.put("lastError", s.lastError()).put("lastErrorAt", s.lastErrorAtMillis());
      }
      if (s.nextAttemptAtMillis() > 0) {
        n.put("nextAttemptAt", s.nextAttemptAtMillis());
      }
    }
    return out.toString();
  }
}
