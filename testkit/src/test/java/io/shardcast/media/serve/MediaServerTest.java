package io.shardcast.media.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.StaticDirectory;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import io.shardcast.testkit.media.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node's media plane with real ffmpeg: publish over RTMP, watch over HTTP-FLV and RTMP. Media
 * plays in real time, so the tests wait for what they need (a keyframe, a measured layer, a viewer
 * counted, frames received), each with a deadline; the only sleeps pace emulated slow links.
 */
class MediaServerTest {

  /** How often {@link #await} looks again. */
  private static final long POLL_MILLIS = 20;

  @TempDir Path dir;
  private MediaHub hub;
  private MediaServer server;
  private Process publisher;

  @BeforeEach
  void start() throws Exception {
    hub = new MediaHub(1024);
    StaticDirectory directory = new StaticDirectory(hub).room("r1", "secret");
    MediaSettings settings = MediaSettings.from(ConfigFactory.load()).withPorts(0, 0);
    server = MediaServer.start(hub, directory, settings);
  }

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.destroyForcibly();
    }
    server.close();
  }

  /** Something a test waits for: it holds, or not yet. */
  private interface Condition {
    boolean holds() throws Exception;
  }

  /** What did not happen, for the failure of a wait (it may read a log). */
  private interface NotHappened {
    String describe() throws Exception;
  }

  /** Returns as soon as {@code condition} holds; fails with "not within <timeout>: <what did not happen>". */
  private static void await(Duration timeout, Condition condition, NotHappened what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.describe());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private void publish(String query) throws Exception {
    publisher = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret" + query,
        "640x360", 25, 25, "800k", dir.resolve("publisher.log"));
    awaitKeyframe("publisher.log");
  }

  /** Waits until room r1 is live with a keyframe to start viewers on; {@code log} is its publisher's. */
  private void awaitKeyframe(String log) throws Exception {
    await(Duration.ofSeconds(20), () -> {
      MediaRoom room = hub.existing("r1");
      return room != null && room.live() && room.tracks().get(0).lastKeyframeSeq() >= 0;
    }, () -> "room r1 live with a keyframe; its publisher's log: " + Files.readString(dir.resolve(log)));
  }

  /** The measured rate of room r1's layer {@code layer}, bytes/s (0 while unmeasured or absent). */
  private double rate(String layer) {
    MediaRoom room = hub.existing("r1");
    if (room != null) {
      for (Track t : room.tracks()) {
        if (t.key.layer().equals(layer)) {
          return t.bytesPerSecond();
        }
      }
    }
    return 0;
  }

  /** Sends {@code bytes} to {@code port} and returns what came back before the server closed the connection. */
  private static String exchange(int port, byte[] bytes) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(bytes);
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] handshakeThen(byte[] chunks) {
    byte[] b = new byte[1 + 1536 + 1536 + chunks.length];
    b[0] = 3;
    System.arraycopy(chunks, 0, b, 1 + 2 * 1536, chunks.length);
    return b;
  }

  @Test
  void badInputClosesOnlyItsOwnConnectionAndTheStreamGoesOn() throws Exception {
    publish("");
    // Wrong handshake version, a chunk stream that starts mid-message, a 16 MiB message: each connection is closed.
    assertEquals("", exchange(server.rtmpPort(), new byte[] {6, 1, 2, 3}));
    String afterBadChunk = exchange(server.rtmpPort(), handshakeThen(new byte[] {(byte) 0xC3, 1, 2, 3}));
    assertEquals(1 + 2 * 1536, afterBadChunk.length(), "the handshake is answered, the bad chunk closes the connection");
    byte[] huge = {0x03, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 20, 0, 0, 0, 0};
    assertEquals(1 + 2 * 1536, exchange(server.rtmpPort(), handshakeThen(huge)).length());
    byte[] badAmf = {0x03, 0, 0, 0, 0, 0, 3, 20, 0, 0, 0, 0, 0x02, 0x7F, 0x7F};
    assertEquals(1 + 2 * 1536, exchange(server.rtmpPort(), handshakeThen(badAmf)).length());
    // Garbage and wrong paths on the HTTP port get a status and a JSON error.
    String garbage = exchange(server.httpPort(), "\u0000\u0001 nonsense\r\n\r\n".getBytes());
    assertTrue(garbage.startsWith("HTTP/1.1 400") && garbage.contains("\"code\":\"BAD_REQUEST\""), garbage);
    // WHEP offers without a length, too large, or not SDP: refused with the reason, nothing kept.
    String noLength = exchange(server.httpPort(), "POST /whep/r1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
    assertTrue(noLength.startsWith("HTTP/1.1 411") && noLength.contains("LENGTH_REQUIRED"), noLength);
    String tooLarge = exchange(server.httpPort(),
        "POST /whep/r1 HTTP/1.1\r\nContent-Length: 999999\r\n\r\n".getBytes());
    assertTrue(tooLarge.startsWith("HTTP/1.1 413") && tooLarge.contains("OFFER_TOO_LARGE"), tooLarge);
    String notSdp = exchange(server.httpPort(),
        "POST /whep/r1 HTTP/1.1\r\nContent-Length: 9\r\n\r\nhello sdp".getBytes());
    assertTrue(notSdp.startsWith("HTTP/1.1 400") && notSdp.contains("BAD_SDP"), notSdp);
    String unknown = exchange(server.httpPort(), "GET /live/nope.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
    assertTrue(unknown.startsWith("HTTP/1.1 404") && unknown.contains("UNKNOWN_ROOM"), unknown);
    // A publisher with the wrong token is refused; the host's stream is untouched.
    Process intruder = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=wrong", "320x240",
        25, 25, "300k", dir.resolve("intruder.log"));
    assertTrue(intruder.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && intruder.exitValue() != 0);
    assertTrue(Files.readString(dir.resolve("intruder.log")).contains("wrong host token"),
        Files.readString(dir.resolve("intruder.log")));
    Ffmpeg.Decoded flv = Ffmpeg.decode("http://127.0.0.1:" + server.httpPort() + "/live/r1.flv", 3, dir, "after");
    // Playing on, cleanly, is what this asserts; how many frames 3 s of decoding yields depends on the
    // CPU ffmpeg gets (35 of 75 with the two cores shared at a load of 34), so a second's worth is enough.
    assertTrue(flv.clean() && flv.videoFrames() >= 25, "the host's stream plays on: " + flv);
    assertEquals(1, server.publishers());
  }

  /** A TCP proxy to {@code port} whose downstream (server to viewer) is held to {@code bytesPerSecond}. */
  private static java.net.ServerSocket throttle(int port, int bytesPerSecond) throws Exception {
    java.net.ServerSocket listener = new java.net.ServerSocket(0);
    Thread t = new Thread(() -> {
      try (java.net.Socket viewer = listener.accept(); java.net.Socket upstream = new java.net.Socket()) {
        upstream.setReceiveBufferSize(32 * 1024); // a real slow link buffers little, not megabytes
        upstream.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        Thread up = new Thread(() -> {
          try {
            viewer.getInputStream().transferTo(upstream.getOutputStream());
          } catch (java.io.IOException ignored) {
            // the test is over
          }
        });
        up.setDaemon(true);
        up.start();
        byte[] buf = new byte[4096];
        long start = System.nanoTime();
        long sent = 0;
        int n;
        while ((n = upstream.getInputStream().read(buf)) > 0) {
          viewer.getOutputStream().write(buf, 0, n);
          sent += n;
          long due = start + sent * 1_000_000_000L / bytesPerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) { // pacing, not waiting: this is the slow link under test
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      } catch (Exception ignored) {
        // the viewer or the server went away
      }
    });
    t.setDaemon(true);
    t.start();
    return listener;
  }

  @Test
  void anEncoderSendingBFramesIsFlaggedInTheLayersAndAZeroLatencyOneIsNot() throws Exception {
    publish("&layer=live");
    Process bf = Ffmpeg.publishRtmpWithBFrames("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret&layer=bf",
        "320x240", 25, 25, "300k", dir.resolve("bf.log"));
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/live/r1/layers")).build();
      String[] body = {""};
      await(Duration.ofSeconds(20), () -> {
        body[0] = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return body[0].contains("{\"layer\":\"bf\"") && body[0].contains("\"bFrames\":true");
      }, () -> "the B-frame layer flagged: " + body[0] + "; its log: " + Files.readString(dir.resolve("bf.log")));
      com.fasterxml.jackson.databind.JsonNode layers = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body[0])
          .path("layers");
      for (com.fasterxml.jackson.databind.JsonNode l : layers) {
        // The zero-latency encoder has published for longer than the other and never reordered a frame.
        assertEquals(l.path("layer").asText().equals("bf"), l.path("bFrames").asBoolean(), body[0]);
      }
      assertEquals(2, layers.size(), body[0]);
    } finally {
      bf.destroyForcibly();
    }
  }

  @Test
  void aViewerWhoseLinkCannotHoldTheLayerMovesDownAndDecodesThroughTheSwitch() throws Exception {
    publish("&layer=hi");
    Process lo = Ffmpeg.publishRtmp("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1?token=secret&layer=lo",
        "320x240", 25, 25, "150k", dir.resolve("lo.log"));
    try {
      // The viewer starts on the layer measured fastest and moves down to one measured slower.
      await(Duration.ofSeconds(20), () -> rate("lo") > 0 && rate("hi") > rate("lo"),
          () -> "both layers measured, hi above lo (hi " + rate("hi") + " B/s, lo " + rate("lo") + " B/s); lo's log: "
              + Files.readString(dir.resolve("lo.log")));
      try (java.net.ServerSocket proxy = throttle(server.httpPort(), 60_000)) { // 480 kbit/s: below hi, above lo
        Ffmpeg.Probed p = Ffmpeg.frameWidths("http://127.0.0.1:" + proxy.getLocalPort() + "/live/r1.flv", 10, dir,
            "layers");
        assertEquals(0, p.exitCode(), p.errors());
        assertTrue(p.errors().isBlank(), "no decode error through the layer switch: " + p.errors());
        assertEquals(640, p.widths().get(0), "starts on the top layer: " + p.widths());
        assertTrue(p.widths().contains(320), "moved down to the layer the link holds: " + p.widths());
      }
    } finally {
      lo.destroyForcibly();
    }
  }

  /**
   * A slow viewer's socket fills in the middle of a frame while other viewers on the same loop are
   * written the same frame: what the slow viewer gets later must still be that frame's remaining
   * bytes, tag after well-formed tag.
   */
  @Test
  void aSlowViewerSharingItsLoopWithFastOnesGetsWellFormedTags() throws Exception {
    server.close();
    hub = new MediaHub(1024);
    server = MediaServer.start(hub, new StaticDirectory(hub).room("r1", "secret"), MediaSettings.from(
        // One loop, and send buffers smaller than a keyframe, so frames are often written in parts.
        ConfigFactory.parseString("shardcast.media { io-threads = 1, send-buffer = 8 KiB }")
            .withFallback(ConfigFactory.load())).withPorts(0, 0));
    publish("");
    java.util.List<java.net.Socket> fast = new java.util.ArrayList<>();
    try (java.net.Socket slow = new java.net.Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()));
      slow.setSoTimeout(5000);
      slow.getOutputStream().write("GET /live/r1.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      // Registered first, so the loop writes to it before the others.
      await(Duration.ofSeconds(10), () -> server.viewers() == 1, () -> "the slow viewer counted as playing");
      for (int i = 0; i < 3; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", server.httpPort());
        s.getOutputStream().write("GET /live/r1.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        fast.add(s);
        Thread reader = new Thread(() -> {
          try {
            s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
          } catch (java.io.IOException ignored) {
            // closed at the end of the test
          }
        });
        reader.setDaemon(true);
        reader.start();
      }
      // Faster than the stream on average, but a keyframe does not fit its buffers at once.
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
          new ThrottledInput(slow.getInputStream(), 300_000), 1024));
      int matched = 0;
      while (matched < 4) { // the end of the response's headers
        matched = in.readUnsignedByte() == "\r\n\r\n".charAt(matched) ? matched + 1 : 0;
      }
      byte[] header = new byte[13];
      in.readFully(header);
      assertEquals("FLV", new String(header, 0, 3, java.nio.charset.StandardCharsets.US_ASCII));
      // Tag after well-formed tag, through several keyframes (each larger than the send buffer).
      int tags = 0;
      int keyframes = 0;
      Duration timeout = Duration.ofSeconds(30);
      long until = System.nanoTime() + timeout.toNanos();
      while (tags < 300 || keyframes < 5) {
        assertTrue(System.nanoTime() < until, "not within " + timeout.toSeconds() + " s: 300 tags and 5 keyframes"
            + " (got " + tags + " and " + keyframes + ")");
        int type = in.readUnsignedByte();
        int size = in.readUnsignedByte() << 16 | in.readUnsignedShort();
        assertTrue(type == 8 || type == 9 || type == 18, "tag " + tags + ": type " + type);
        assertTrue(size < 1 << 20, "tag " + tags + ": " + size + " bytes");
        in.skipNBytes(7); // timestamp, stream id
        if (type == 9 && size >= 2) {
          int frameAndCodec = in.readUnsignedByte();
          int avcPacketType = in.readUnsignedByte();
          keyframes += frameAndCodec >> 4 == 1 && avcPacketType == 1 ? 1 : 0;
          in.skipNBytes(size - 2);
        } else {
          in.skipNBytes(size);
        }
        assertEquals(11 + size, in.readInt(), "tag " + tags + ": its PreviousTagSize");
        tags++;
      }
    } finally {
      for (java.net.Socket s : fast) {
        s.close();
      }
    }
  }

  /** Reads no faster than {@code bytesPerSecond}: a viewer whose link cannot take the stream. */
  private static final class ThrottledInput extends java.io.FilterInputStream {
    private final long start = System.nanoTime();
    private final int bytesPerSecond;
    private long read;

    ThrottledInput(java.io.InputStream in, int bytesPerSecond) {
      super(in);
      this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      long wait = start + read * 1_000_000_000L / bytesPerSecond - System.nanoTime();
      if (wait > 0) { // pacing, not waiting: this is the slow reader under test
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
      int n = super.read(b, off, Math.min(len, 1024));
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

  @Test
  void ffmpegPublishesOverRtpAndAPlayerGetsEveryFrameThroughTenPercentLoss() throws Exception {
    String reg = exchange(server.httpPort(),
        "POST /rtp/r1?token=secret&sampleRate=48000&channels=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
            .getBytes());
    assertTrue(reg.startsWith("HTTP/1.1 201"), reg);
    int port = Integer.parseInt(reg.replaceAll("(?s).*\"port\":(\\d+).*", "$1"));
    String refused = exchange(server.httpPort(), "POST /rtp/r1?token=nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
    assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
    publisher = Ffmpeg.publishRtp("127.0.0.1", port, "640x360", 25, 25, "800k", dir.resolve("rtp.log"));
    awaitKeyframe("rtp.log");
    Ffmpeg.Decoded flv = Ffmpeg.decode("http://127.0.0.1:" + server.httpPort() + "/live/r1.flv", 3, dir, "rtp-flv");
    assertTrue(flv.clean() && flv.videoFrames() >= 65, "RTP ingest watched over HTTP-FLV: " + flv);

    try (io.shardcast.testkit.media.LossProxy proxy = new io.shardcast.testkit.media.LossProxy(
        new java.net.InetSocketAddress("127.0.0.1", server.rtpPort()), io.shardcast.testkit.media.LossProxy.random(0.10), 5, 3);
        io.shardcast.testkit.media.RtpPlayer player = new io.shardcast.testkit.media.RtpPlayer(proxy.address(), "r1", 250)) {
      await(Duration.ofSeconds(30), () -> player.videoFramesComplete() >= 100 && proxy.dropped() > 20,
          () -> "the player got 100 frames through a proxy that dropped 20 packets (got "
              + player.videoFramesComplete() + " frames, lost " + player.videoFramesDropped() + "; the proxy dropped "
              + proxy.dropped() + ")");
      assertEquals(0, player.videoFramesDropped(), "no frame lost: " + player.receiver().recovered() + " rebuilt, "
          + player.receiver().retransmitted() + " retransmitted");
      Path got = dir.resolve("rtp-player.flv");
      try (java.io.OutputStream o = Files.newOutputStream(got)) {
        io.shardcast.testkit.media.FlvFile.write(player.frames(), o);
      }
      Ffmpeg.Decoded d = Ffmpeg.decode(got.toString(), 30, dir, "rtp-player");
      assertTrue(d.clean(), "what the RTP player got decodes: " + d);
    }
  }

  @Test
  void aWebSocketViewerGetsTheStreamAsFlvTagsThatFfmpegDecodes() throws Exception {
    publish("");
    java.io.ByteArrayOutputStream flv = new java.io.ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger videoFrames = new java.util.concurrent.atomic.AtomicInteger();
    java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.httpPort() + "/ws/live/r1"),
            new java.net.http.WebSocket.Listener() {
              /** The start of the message being read: a tag's 11-byte header and the first two bytes of its body. */
              private final byte[] head = new byte[13];
              private int headBytes;

              @Override
              public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket w,
                  java.nio.ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                synchronized (flv) {
                  flv.writeBytes(b);
                }
                for (int i = 0; i < b.length && headBytes < head.length; i++) {
                  head[headBytes++] = b[i];
                }
                if (last) {
                  messages.incrementAndGet();
                  if (headBytes == head.length && head[0] == 9 && head[12] == 1) { // a video tag with a frame
                    videoFrames.incrementAndGet(); // counted once its bytes are all in flv
                  }
                  headBytes = 0;
                }
                w.request(1);
                return null;
              }
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
    await(Duration.ofSeconds(20), () -> videoFrames.get() >= 75,
        () -> "the WebSocket viewer got 75 video frames (3 s of stream); it got " + videoFrames.get());
    ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(5, java.util.concurrent.TimeUnit.SECONDS);
    int framesSent = videoFrames.get();
    Path file = dir.resolve("ws.flv");
    synchronized (flv) {
      Files.write(file, flv.toByteArray());
    }
    assertTrue(messages.get() > 100, "one message per tag: " + messages.get());
    Ffmpeg.Decoded d = Ffmpeg.decode(file.toString(), 30, dir, "ws");
    assertTrue(d.clean() && d.videoFrames() >= framesSent,
        "every one of the " + framesSent + " video frames the WebSocket-FLV viewer was sent decodes: " + d);
  }

  @Test
  void ffmpegWatchesOverHttpFlvAndRtmpAndDecodesEveryFrame() throws Exception {
    publish("");
    Ffmpeg.Decoded flv = Ffmpeg.decode("http://127.0.0.1:" + server.httpPort() + "/live/r1.flv", 4, dir, "flv");
    assertEquals(0, flv.exitCode(), flv.errors());
    assertTrue(flv.errors().isBlank(), flv.errors());
    assertTrue(flv.videoFrames() >= 90, "decoded only " + flv.videoFrames() + " frames in 4 s at 25 fps");
    Ffmpeg.Decoded rtmp = Ffmpeg.decode("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/r1", 4, dir, "rtmp");
    assertEquals(0, rtmp.exitCode(), rtmp.errors());
    assertTrue(rtmp.errors().isBlank(), rtmp.errors());
    assertTrue(rtmp.videoFrames() >= 90, "decoded only " + rtmp.videoFrames() + " frames in 4 s at 25 fps");
    assertEquals(TrackKey.DEFAULT_CAMERA, hub.existing("r1").tracks().get(0).key.camera());
  }
}
