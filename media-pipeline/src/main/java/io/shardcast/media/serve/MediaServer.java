package io.shardcast.media.serve;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.play.PlayGate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's media listeners: RTMP (publish and play) and HTTP (HTTP-FLV and WebSocket-FLV),
 * served by a few selector loops. A viewer costs a connection object and a position in shared
 * frames; frames are written from buffers every viewer of the node shares.
 */
public final class MediaServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaServer.class);

  final MediaHub hub;
  final MediaDirectory directory;
  final MediaSettings settings;
  /** Who may watch (HTTP-FLV, WebSocket-FLV, RTMP play). */
  final PlayGate gate;
  final MediaLoop[] loops;
  private final ServerSocketChannel rtmp;
  private final ServerSocketChannel http;
  private final AtomicInteger nextLoop = new AtomicInteger();
  final AtomicInteger publishers = new AtomicInteger();
  final AtomicInteger viewers = new AtomicInteger();
  private volatile boolean open = true;
  final RtpService rtp;
  /** WebRTC playback (WHEP) on its own UDP port ({@link MediaSettings#webrtcPort()}). */
  final io.shardcast.media.webrtc.WebRtcService webrtc;

  private MediaServer(MediaHub hub, MediaDirectory directory, MediaSettings settings, PlayGate gate,
      ServerSocketChannel rtmp, ServerSocketChannel http) throws IOException {
    this.hub = hub;
    this.gate = gate;
    this.directory = directory;
    this.settings = settings;
    this.rtmp = rtmp;
    this.http = http;
    this.loops = new MediaLoop[settings.ioThreads()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new MediaLoop(this, i);
    }
    this.rtp = new RtpService(hub, directory, settings);
    String candidateHost = !settings.webrtcHost().isBlank() ? settings.webrtcHost()
        : settings.iface().equals("0.0.0.0") ? "127.0.0.1" : settings.iface();
    this.webrtc = new io.shardcast.media.webrtc.WebRtcService(hub, directory, settings.iface(), candidateHost,
        settings.webrtcPort(), settings.maxLag().toMillis(), () -> new io.shardcast.media.play.LayerSelector(
            settings.layerDownBacklog().toMillis(), settings.layerCalmBacklog().toMillis(),
            settings.layerMinHold().toMillis(), settings.layerMaxHold().toMillis()));
    hub.opusForWebRtc(settings.webrtcAudio());
    hub.onPublish(this::wakeAll);
  }

  /** Binds both ports and starts serving, to every player. */
  public static MediaServer start(MediaHub hub, MediaDirectory directory, MediaSettings settings) throws IOException {
    return start(hub, directory, settings, PlayGate.OPEN);
  }

  /** Binds both ports and starts serving, to the players {@code gate} lets watch. */
  public static MediaServer start(MediaHub hub, MediaDirectory directory, MediaSettings settings, PlayGate gate)
      throws IOException {
    ServerSocketChannel rtmp = bind(settings.iface(), settings.rtmpPort(), "RTMP");
    ServerSocketChannel http;
    try {
      http = bind(settings.iface(), settings.httpPort(), "media HTTP");
    } catch (IOException e) {
      rtmp.close();
      throw e;
    }
    MediaServer server = new MediaServer(hub, directory, settings, gate, rtmp, http);
    for (MediaLoop loop : server.loops) {
      loop.thread.start();
    }
    server.acceptor(rtmp, "shardcast-media-rtmp-accept", RtmpConnection::new).start();
    server.acceptor(http, "shardcast-media-http-accept", HttpFlvConnection::new).start();
    log.info("Media: RTMP on {}:{}, HTTP-FLV and WebSocket-FLV on {}:{}", settings.iface(), server.rtmpPort(),
        settings.iface(), server.httpPort());
    return server;
  }

  private static ServerSocketChannel bind(String iface, int port, String what) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(new InetSocketAddress(iface, port), 1024);
      return ch;
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot bind the " + what + " port " + iface + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private Thread acceptor(ServerSocketChannel listener, String name,
      BiFunction<MediaLoop, SocketChannel, MediaConnection> factory) {
    Thread t = new Thread(() -> {
      while (open) {
        try {
          SocketChannel ch = listener.accept();
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          // A bounded send buffer, so a slow viewer's backlog shows in its position (and moves it
          // down a layer or past a GOP) instead of hiding in megabytes of kernel buffer.
          ch.setOption(StandardSocketOptions.SO_SNDBUF, settings.sendBufferBytes());
          MediaLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
          loop.execute(() -> loop.register(factory.apply(loop, ch)));
        } catch (ClosedChannelException e) {
          return;
        } catch (IOException e) {
          if (open) {
            log.warn("Media: accept on {} failed: {}", name, e.getMessage());
          }
        }
      }
    }, name);
    t.setDaemon(true);
    return t;
  }

  private void wakeAll() {
    for (MediaLoop loop : loops) {
      loop.wake();
    }
    rtp.wake();
    webrtc.wake();
  }

  /** RTP players served by this node. */
  public int rtpPlayers() {
    return rtp.players();
  }

  /** RTP datagrams dropped as malformed since start. */
  public long rtpMalformed() {
    return rtp.malformed();
  }

  /** UDP port where RTP players subscribe. */
  public int rtpPort() {
    return rtp.egressPort();
  }

  public int rtmpPort() {
    return rtmp.socket().getLocalPort();
  }

  public int httpPort() {
    return http.socket().getLocalPort();
  }

  public MediaHub hub() {
    return hub;
  }

  /** Viewers playing on this node (RTMP play, HTTP-FLV, WebSocket-FLV). */
  public int viewers() {
    return viewers.get();
  }

  public int publishers() {
    return publishers.get();
  }

  /** Media bytes written to viewers since start. */
  public long bytesOut() {
    long sum = 0;
    for (MediaLoop loop : loops) {
      sum += loop.bytesOut;
    }
    return sum;
  }

  /** Ingest-to-viewer-socket delay quantile (0..1) in ms over frames written since the last reset. */
  public double deliveryMillis(double q) {
    long[] sum = DeliveryLatency.empty();
    for (MediaLoop loop : loops) {
      loop.latency.addTo(sum);
    }
    return DeliveryLatency.quantileMillis(sum, q);
  }

  /**
   * Frames written since start (or the last {@link #resetDelivery}) by ingest-to-viewer-socket delay:
   * {@code into[i]} becomes the count of {@link DeliveryLatency} bucket {@code i}, whose delays reach
   * {@link DeliveryLatency#upperMicros}. {@code into} comes from {@link DeliveryLatency#empty()}.
   */
  public void deliveryCounts(long[] into) {
    java.util.Arrays.fill(into, 0);
    for (MediaLoop loop : loops) {
      loop.latency.addTo(into);
    }
  }

  /** Starts a new measurement window for {@link #deliveryMillis} (racy; for benchmarks). */
  public void resetDelivery() {
    for (MediaLoop loop : loops) {
      loop.execute(loop.latency::reset);
    }
  }

  /** CPU time the media loops have used, in nanoseconds. */
  public long loopCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (MediaLoop loop : loops) {
      sum += Math.max(0, mx.getThreadCpuTime(loop.thread.getId()));
    }
    return sum;
  }

  /** The WebRTC port (UDP, and TCP for the fallback). */
  public int webrtcPort() {
    return webrtc.port();
  }

  /** CPU time the WebRTC loop has used, in nanoseconds: what every WHEP viewer's packets cost. */
  public long webrtcCpuNanos() {
    return webrtc.loopCpuNanos();
  }

  @Override
  public void close() {
    open = false;
    rtp.close();
    webrtc.close();
    try {
      rtmp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      http.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (MediaLoop loop : loops) {
      loop.stop();
    }
  }
}
