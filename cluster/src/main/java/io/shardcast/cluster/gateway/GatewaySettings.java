package io.shardcast.cluster.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code shardcast.gateway} settings. */
public record GatewaySettings(
    String iface,
    int port,
    Duration askTimeout,
    long maxBodyBytes,
    int maxFrameBytes,
    double messagesPerSecond,
    double messageBurst,
    double commentsPerSecond,
    double commentBurst,
    int maxLikesPerMessage) {

  public static GatewaySettings from(Config root) {
    Config c = root.getConfig("shardcast.gateway");
    GatewaySettings s = new GatewaySettings(
        c.getString("interface"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getBytes("max-body-bytes"),
        c.getBytes("max-frame-bytes").intValue(),
        c.getDouble("viewer-messages-per-second"),
        c.getDouble("viewer-message-burst"),
        c.getDouble("viewer-comments-per-second"),
        c.getDouble("viewer-comment-burst"),
        c.getInt("max-likes-per-message"));
    if (s.port < 0 || s.port > 65535) {
      throw new IllegalArgumentException("shardcast.gateway.port must be 0..65535, not " + s.port);
    }
    return s;
  }
}
