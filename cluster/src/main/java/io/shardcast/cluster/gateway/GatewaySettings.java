package io.shardcast.cluster.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code shardcast.gateway} settings. */
public record GatewaySettings(
    String iface,
    int port,
    Duration askTimeout,
    Duration readResendInterval,
    long maxBodyBytes,
    int maxFrameBytes,
    double messagesPerSecond,
    double messageBurst,
    double commentsPerSecond,
    double commentBurst,
    int maxLikesPerMessage,
    int maxGiftsPerMessage,
    int viewerPort,
    int viewerIoThreads,
    int viewerAcceptBacklog,
    Duration viewerHandshakeTimeout,
    Duration viewerIdleTimeout,
    int viewerMaxHandshakeBytes,
    int viewerWritesBetweenReads) {

  public static GatewaySettings from(Config root) {
    Config c = root.getConfig("shardcast.gateway");
    GatewaySettings s = new GatewaySettings(
        c.getString("interface"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getDuration("read-resend-interval"),
        c.getBytes("max-body-bytes"),
        c.getBytes("max-frame-bytes").intValue(),
        c.getDouble("viewer-messages-per-second"),
        c.getDouble("viewer-message-burst"),
        c.getDouble("viewer-comments-per-second"),
        c.getDouble("viewer-comment-burst"),
        c.getInt("max-likes-per-message"),
        c.getInt("max-gifts-per-message"),
        viewerPort(c),
        ioThreads(c.getInt("viewer-io-threads")),
        c.getInt("viewer-accept-backlog"),
        c.getDuration("viewer-handshake-timeout"),
        c.getDuration("viewer-idle-timeout"),
        c.getBytes("viewer-max-handshake-bytes").intValue(),
        c.getInt("viewer-writes-between-reads"));
    if (s.port < 0 || s.port > 65535) {
      throw new IllegalArgumentException("shardcast.gateway.port must be 0..65535, not " + s.port);
    }
    if (s.readResendInterval.isNegative()) {
      throw new IllegalArgumentException("shardcast.gateway.read-resend-interval must not be negative");
    }
    if (s.viewerPort < 0 || s.viewerPort > 65535) {
      throw new IllegalArgumentException("shardcast.gateway.viewer-port must be 0..65535, not " + s.viewerPort);
    }
    if (s.viewerPort != 0 && s.viewerPort == s.port) {
      throw new IllegalArgumentException("shardcast.gateway.viewer-port must differ from the gateway port " + s.port);
    }
    if (s.maxFrameBytes < 16 || s.viewerMaxHandshakeBytes < 256 || s.viewerIoThreads < 1
        || s.viewerWritesBetweenReads < 0) {
      throw new IllegalArgumentException("shardcast.gateway: max-frame-bytes >= 16, viewer-max-handshake-bytes >= 256,"
          + " viewer-io-threads >= 1 and viewer-writes-between-reads >= 0 are required");
    }
    return s;
  }

  private static int viewerPort(Config c) {
    if (c.hasPath("viewer-port")) {
      return c.getInt("viewer-port");
    }
    int http = c.getInt("port");
    return http == 0 ? 0 : http + c.getInt("viewer-port-offset");
  }

  /** 0 means half the cores, at least one. */
  private static int ioThreads(int configured) {
    return configured > 0 ? configured : configured == 0
        ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : -1;
  }
}
