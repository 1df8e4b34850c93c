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
    int viewerQueueCapacity,
    int viewerChatLimit,
    Duration viewerMaxChatAge,
    Duration viewerBatchWindow,
    int viewerBatchMax) {

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
        c.getInt("viewer.queue-capacity"),
        c.getInt("viewer.chat-limit"),
        c.getDuration("viewer.max-chat-age"),
        c.getDuration("viewer.batch-window"),
        c.getInt("viewer.batch-max"));
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
    return s;
  }
}
