package io.shardcast.bench;

import io.shardcast.media.amf.Amf0;
import io.shardcast.media.rtmp.ChunkReader;
import io.shardcast.media.rtmp.ChunkWriter;
import io.shardcast.media.rtmp.RtmpMessage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * N media players on one selector thread, as light as a load client can be. Over RTMP: the plain
 * handshake, then connect, createStream and play sent at once, then every byte read and counted
 * (and acknowledged per the server's window); the same client plays from Shardcast and from
 * nginx-rtmp, so the two servers are compared on equal terms. Over HTTP-FLV: a GET, then every
 * byte read and counted.
 */
final class MediaPlayers implements Runnable {

  private static final int ACK_WINDOW = 2_500_000;
  private final Selector selector;
  private final long[] bytes;
  private final long[] acked;
  private final boolean rtmp;
  private volatile boolean running = true;
  /** Pause after each round of reads (0: read as soon as anything arrives). */
  private volatile long readIntervalMillis;

  /** RTMP players of {@code app}/{@code stream}. */
  static MediaPlayers rtmp(String host, int port, String app, String stream, int n) throws Exception {
    return new MediaPlayers(host, port, n, true, hello(app, stream));
  }

  /** HTTP-FLV players of {@code path}. */
  static MediaPlayers httpFlv(String host, int port, String path, int n) throws Exception {
    byte[] get = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    return new MediaPlayers(host, port, n, false, get);
  }

  /** Players, one in {@link #PROBE_EVERY}, that also parse what they get, to time it (RTMP only). */
  private static final int PROBE_EVERY = 100;
  private final Probe[] probes;

  /**
   * A player that reads its RTMP messages and notes, for each video frame, when it
   * arrived against its timestamp. Frames come from a publisher replaying in real time, so arrival
   * minus timestamp is constant but for the delay on the way: its spread over the window, above its
   * smallest value, is the delay each server added on top of its fastest frame.
   */
  private static final class Probe {
    final ChunkReader reader = new ChunkReader(8 << 20);
    final java.util.function.Consumer<RtmpMessage> onMessage = this::onMessage;
    ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    long[] lags = new long[8192];
    int count;
    long nowMillis;
    boolean broken;

    void feed(ByteBuffer bytes, long now) {
      if (broken) {
        return;
      }
      if (pending.remaining() < bytes.remaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + bytes.remaining()));
        pending.flip();
        pending = bigger.put(pending);
      }
      pending.put(bytes);
      pending.flip();
      nowMillis = now;
      try {
        reader.read(pending, onMessage);
      } catch (RuntimeException e) {
        broken = true; // counted out of the figure; the server's stream is checked by the tests
      }
      pending.compact();
    }

    private void onMessage(RtmpMessage m) {
      if (m.type() != RtmpMessage.VIDEO) {
        return; // audio comes from the publisher at its own offset from the video's timestamps
      }
      if (count == lags.length) {
        lags = java.util.Arrays.copyOf(lags, count * 2);
      }
      lags[count++] = nowMillis - m.timestamp();
    }
  }

  private MediaPlayers(String host, int port, int n, boolean rtmp, byte[] hello) throws Exception {
    selector = Selector.open();
    bytes = new long[n];
    acked = new long[n];
    this.rtmp = rtmp;
    probes = new Probe[n];
    for (int i = 0; rtmp && i < n; i += PROBE_EVERY) {
      probes[i] = new Probe();
    }
    for (int i = 0; i < n; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
      ch.configureBlocking(true);
      if (!rtmp) {
        ch.write(ByteBuffer.wrap(hello));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, i);
        continue;
      }
      ByteBuffer c0c1 = ByteBuffer.allocate(1 + 1536);
      c0c1.put((byte) 3).position(1 + 1536).flip();
      ch.write(c0c1);
      ByteBuffer s = ByteBuffer.allocate(1 + 2 * 1536);
      while (s.hasRemaining()) {
        if (ch.read(s) < 0) {
          throw new IllegalStateException("server closed during the handshake");
        }
      }
      ByteBuffer c2 = ByteBuffer.allocate(1536);
      c2.put(s.array(), 1, 1536).flip(); // C2 echoes S1
      ch.write(c2);
      ch.write(ByteBuffer.wrap(hello));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ, i);
    }
  }

  private static byte[] hello(String app, String stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("app", app);
    props.put("flashVer", "LNX 9,0,124,2");
    props.put("tcUrl", "rtmp://localhost/" + app);
    props.put("fpad", false);
    props.put("capabilities", 15.0);
    props.put("audioCodecs", 4071.0);
    props.put("videoCodecs", 252.0);
    props.put("videoFunction", 1.0);
    out.writeBytes(ChunkWriter.encode(3, RtmpMessage.COMMAND_AMF0, 0, 0, Amf0.encode("connect", 1.0, props), 128));
    byte[] size = ByteBuffer.allocate(4).putInt(4096).array();
    out.writeBytes(ChunkWriter.encode(2, RtmpMessage.SET_CHUNK_SIZE, 0, 0, size, 128));
    out.writeBytes(ChunkWriter.encode(3, RtmpMessage.COMMAND_AMF0, 0, 0, Amf0.encode("createStream", 2.0, null), 4096));
    out.writeBytes(ChunkWriter.encode(8, RtmpMessage.COMMAND_AMF0, 1, 0, Amf0.encode("play", 3.0, null, stream, -1000.0),
        4096));
    byte[] buffer = ByteBuffer.allocate(10).putShort((short) 3).putInt(1).putInt(1000).array();
    out.writeBytes(ChunkWriter.encode(2, RtmpMessage.USER_CONTROL, 0, 0, buffer, 4096));
    return out.toByteArray();
  }

  /**
   * Reads at most every {@code millis}, as a player with that much buffer would. On loopback a
   * reader waiting in the selector is woken inside the server's write, so the server pays for every
   * wake-up; players on other machines would not make it pay.
   */
  MediaPlayers readEvery(long millis) {
    readIntervalMillis = millis;
    return this;
  }

  /** Bytes each player has read so far; with {@code startWindow}, the probes' window starts afresh. */
  long[] snapshot(boolean startWindow) {
    synchronized (bytes) {
      for (Probe p : probes) {
        if (p != null && startWindow) {
          p.count = 0;
        }
      }
      return bytes.clone();
    }
  }

  /**
   * Over the window since {@link #snapshot} last started one, the {@code q} quantile (0..1) of every probe
   * frame's delay above its probe's fastest frame, in ms, or -1 when no probe timed a frame. Read
   * after {@link #stop} returned and the players' thread ended.
   */
  double probeDelayMillis(double q) {
    int frames = 0;
    for (Probe p : probes) {
      frames += p == null || p.broken ? 0 : p.count;
    }
    long[] all = new long[frames];
    int total = 0;
    for (Probe p : probes) {
      if (p == null || p.broken || p.count == 0) {
        continue;
      }
      long min = Long.MAX_VALUE;
      for (int i = 0; i < p.count; i++) {
        min = Math.min(min, p.lags[i]);
      }
      for (int i = 0; i < p.count; i++) {
        all[total++] = p.lags[i] - min;
      }
    }
    if (total == 0) {
      return -1;
    }
    java.util.Arrays.sort(all);
    return all[Math.min(total - 1, (int) Math.floor(q * total))];
  }

  void stop() {
    running = false;
    selector.wakeup();
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
    try {
      while (running) {
        selector.select(200);
        for (SelectionKey k : selector.selectedKeys()) {
          int i = (Integer) k.attachment();
          SocketChannel ch = (SocketChannel) k.channel();
          buf.clear();
          int r = ch.read(buf);
          if (r < 0) {
            k.cancel();
            continue;
          }
          long total;
          synchronized (bytes) {
            bytes[i] += r;
            total = bytes[i];
            if (probes[i] != null && r > 0) {
              buf.flip();
              probes[i].feed(buf, System.currentTimeMillis());
            }
          }
          if (rtmp && total - acked[i] >= ACK_WINDOW) {
            acked[i] = total;
            byte[] ack = ChunkWriter.encode(2, RtmpMessage.ACKNOWLEDGEMENT, 0, 0,
                ByteBuffer.allocate(4).putInt((int) total).array(), 4096);
            ch.write(ByteBuffer.wrap(ack));
          }
        }
        selector.selectedKeys().clear();
        if (readIntervalMillis > 0) {
          Thread.sleep(readIntervalMillis);
        }
      }
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
