package io.shardcast.cluster.viewer;

import io.shardcast.room.fanout.Frame;

/**
 * The last frame a viewer asked to move gets: why, the seq it resumes after, and (when a target is
 * known) the URL to reconnect to with that seq. The viewer resumes there and misses nothing.
 */
final class ReconnectNotice {

  /** Marks a session closed to move a viewer; each viewer's notice is rendered with its own seq. */
  static final Frame MARKER = new Frame(0, "{\"type\":\"reconnect\"}", true, 0, false, 0);

  private ReconnectNotice() {}

  /**
   * The notice for a viewer of {@code roomId} as {@code userId}, asked to move for {@code reason},
   * resuming after {@code since}, to {@code wsBase} ({@code ws://host:port}; null: the viewer asks
   * {@code /join}).
   */
  static String json(String reason, long since, String wsBase, String roomId, String userId) {
    StringBuilder b = new StringBuilder(160).append("{\"type\":\"reconnect\",\"reason\":\"").append(reason)
        .append("\",\"since\":").append(since);
    if (wsBase != null) {
      b.append(",\"ws\":\"").append(wsBase).append(PortRequest.ROOM_PATH_PREFIX).append(roomId).append("?user=")
          .append(userId);
      if (since >= 0) {
        b.append("&since=").append(since);
      }
      b.append('"');
    }
    return b.append('}').toString();
  }

  /** The notice for a viewer too slow even for commerce events: it resumes after {@code since}. */
  static String slowConsumer(long since) {
    return "{\"type\":\"reconnect\",\"reason\":\"slow-consumer\",\"since\":" + since + "}";
  }
}
