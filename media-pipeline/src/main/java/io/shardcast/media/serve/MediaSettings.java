package io.shardcast.media.serve;

import com.typesafe.config.Config;
import java.time.Duration;

/** The media plane's settings ({@code shardcast.media} in reference.conf). */
public record MediaSettings(
    String iface,
    int rtmpPort,
    int httpPort,
    int rtpPort,
    int webrtcPort,
    String webrtcHost,
    boolean webrtcAudio,
    int ioThreads,
    int trackFrames,
    int maxMessageBytes,
    Duration maxLag,
    Duration layerDownBacklog,
    Duration layerCalmBacklog,
    Duration layerMinHold,
    Duration layerMaxHold,
    Duration endGrace,
    Duration firstFrameTimeout,
    Duration setupTimeout,
    int sendBufferBytes,
    Duration writeCoalesce) {

  public static MediaSettings from(Config root) {
    Config c = root.getConfig("shardcast.media");
    return new MediaSettings(
        c.getString("interface"),
        c.getInt("rtmp-port"),
        c.getInt("http-port"),
        c.getInt("rtp-port"),
        c.getInt("webrtc-port"),
        c.getString("webrtc-host"),
        c.getBoolean("webrtc-audio"),
        c.getInt("io-threads"),
        c.getInt("track-frames"),
        (int) c.getBytes("max-message-size").longValue(),
        c.getDuration("max-lag"),
        c.getDuration("layers.down-backlog"),
        c.getDuration("layers.calm-backlog"),
        c.getDuration("layers.min-hold"),
        c.getDuration("layers.max-hold"),
        c.getDuration("end-grace"),
        c.getDuration("first-frame-timeout"),
        c.getDuration("setup-timeout"),
        (int) c.getBytes("send-buffer").longValue(),
        c.getDuration("write-coalesce"));
  }

  public MediaSettings withPorts(int rtmp, int http) {
    return withPorts(rtmp, http, rtpPort);
  }

  public MediaSettings withPorts(int rtmp, int http, int rtp) {
    return withPorts(rtmp, http, rtp, webrtcPort);
  }

  /** These settings with WebRTC candidates naming {@code host} (a name is resolved when the server starts). */
  public MediaSettings withWebrtcHost(String host) {
    return new MediaSettings(iface, rtmpPort, httpPort, rtpPort, webrtcPort, host, webrtcAudio, ioThreads, trackFrames, maxMessageBytes,
        maxLag, layerDownBacklog, layerCalmBacklog, layerMinHold, layerMaxHold, endGrace, firstFrameTimeout, setupTimeout,
        sendBufferBytes, writeCoalesce);
  }

  public MediaSettings withPorts(int rtmp, int http, int rtp, int webrtc) {
    return new MediaSettings(iface, rtmp, http, rtp, webrtc, webrtcHost, webrtcAudio, ioThreads, trackFrames, maxMessageBytes, maxLag, layerDownBacklog,
        layerCalmBacklog, layerMinHold, layerMaxHold, endGrace, firstFrameTimeout, setupTimeout, sendBufferBytes, writeCoalesce);
  }
}
