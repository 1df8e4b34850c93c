package io.shardcast.room;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code shardcast.room} settings, read once per node and validated. */
public record RoomSettings(
    int frameRingSize,
    int recentComments,
    int maxCommentChars,
    double chatBroadcastRate,
    int maxOrderQuantity,
    Duration likesTallyInterval,
    Duration saleOpenLead,
    Duration luckyBagGrace,
    int snapshotEvery,
    int edgeRingSize,
    Duration edgeHeartbeat,
    Duration edgeLikesFlush,
    Duration edgeIdleTimeout,
    Duration edgeHistoryTimeout,
    int viewerQueueCapacity,
    int viewerChatLimit,
    Duration viewerMaxChatAge,
    Duration viewerBatchWindow,
    Duration viewerBatchWindowMax,
    Duration viewerBatchWindowPerViewer,
    int viewerBatchMax,
    int viewerBatchGroupSize,
    Duration mediaRouteExpiry,
    Duration mediaRouteSettle,
    Duration showEndGrace,
    io.shardcast.room.assistant.RewordingSettings assistantRewording,
    boolean assistantEmbeddings) {

  /**
   * The edge's batch window for {@code localViewers}: it grows with the viewers a node writes to,
   * between {@code batch-window} and {@code batch-window-max}, so a full node sends fewer, larger
   * messages instead of falling behind.
   */
  public long batchWindowMillis(int localViewers) {
    long adaptive = viewerBatchWindowPerViewer.toNanos() * localViewers / 1_000_000;
    return Math.max(viewerBatchWindow.toMillis(), Math.min(viewerBatchWindowMax.toMillis(), adaptive));
  }

  private static boolean onOff(Config c, String path) {
    String v = c.getString(path);
    return switch (v) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("shardcast.room." + path + " must be on or off, not " + v);
    };
  }

  public static RoomSettings from(Config root) {
    Config c = root.getConfig("shardcast.room");
    RoomSettings s = new RoomSettings(
        c.getInt("frame-ring-size"),
        c.getInt("recent-comments"),
        c.getInt("max-comment-chars"),
        c.getDouble("chat-broadcast-rate"),
        c.getInt("max-order-quantity"),
        c.getDuration("likes-tally-interval"),
        c.getDuration("sale-open-lead"),
        c.getDuration("lucky-bag-grace"),
        c.getInt("snapshot-every"),
        c.getInt("edge.ring-size"),
        c.getDuration("edge.heartbeat-interval"),
        c.getDuration("edge.likes-flush-interval"),
        c.getDuration("edge.idle-timeout"),
        c.getDuration("edge.history-timeout"),
        c.getInt("viewer.queue-capacity"),
        c.getInt("viewer.chat-limit"),
        c.getDuration("viewer.max-chat-age"),
        c.getDuration("viewer.batch-window"),
        c.getDuration("viewer.batch-window-max"),
        c.getDuration("viewer.batch-window-per-viewer"),
        c.getInt("viewer.batch-max"),
        c.getInt("viewer.batch-group-size"),
        c.getDuration("media-route-expiry"),
        c.getDuration("media-route-settle"),
        c.getDuration("show-end-grace"),
        io.shardcast.room.assistant.RewordingSettings.from(c),
        onOff(c, "assistant.embeddings"));
    if (s.assistantEmbeddings && io.shardcast.room.assistant.InstalledEmbedder.get() == null) {
      throw new IllegalArgumentException("shardcast.room.assistant.embeddings = on needs the module"
          + " assistant-embeddings on the class path");
    }
    if (s.mediaRouteSettle.isNegative() || s.mediaRouteSettle.compareTo(s.mediaRouteExpiry) > 0) {
      throw new IllegalArgumentException("shardcast.room.media-route-settle must be 0..media-route-expiry");
    }
    if (s.showEndGrace.compareTo(s.mediaRouteExpiry) < 0) {
      throw new IllegalArgumentException("shardcast.room.show-end-grace must be at least media-route-expiry");
    }
    if (s.edgeHistoryTimeout.isNegative() || s.edgeHistoryTimeout.isZero()) {
      throw new IllegalArgumentException("shardcast.room.edge.history-timeout must be > 0");
    }
    if (s.frameRingSize < 16 || s.edgeRingSize < 16) {
      throw new IllegalArgumentException("shardcast.room frame-ring-size and edge.ring-size must be >= 16");
    }
    if (s.viewerChatLimit > s.viewerQueueCapacity || s.viewerChatLimit < 1) {
      throw new IllegalArgumentException("shardcast.room.viewer.chat-limit must be in 1..queue-capacity");
    }
    if (s.chatBroadcastRate < 1) {
      throw new IllegalArgumentException("shardcast.room.chat-broadcast-rate must be >= 1 comment/s");
    }
    if (s.viewerBatchWindow.isNegative() || s.viewerBatchWindow.toMillis() > 1000 || s.viewerBatchMax < 1) {
      throw new IllegalArgumentException("shardcast.room.viewer.batch-window must be 0..1s and batch-max >= 1");
    }
    if (s.viewerBatchWindowMax.compareTo(s.viewerBatchWindow) < 0 || s.viewerBatchWindowMax.toMillis() > 1000
        || s.viewerBatchWindowPerViewer.isNegative()) {
      throw new IllegalArgumentException("shardcast.room.viewer.batch-window-max must be batch-window..1s and"
          + " batch-window-per-viewer >= 0");
    }
    if (s.viewerBatchMax > s.edgeRingSize || s.viewerBatchGroupSize < 0) {
      throw new IllegalArgumentException("shardcast.room.viewer.batch-max must be within edge.ring-size and"
          + " batch-group-size >= 0");
    }
    return s;
  }
}
