package io.shardcast.cli;

import io.shardcast.media.amf.Amf0;
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

  /** RTMP players of {@code app}/{@code stream}. */
  static MediaPlayers rtmp(String host, int port, String app, String stream, int n) throws Exception {
    return new MediaPlayers(host, port, n, true, hello(app, stream));
  }

  /** HTTP-FLV players of {@code path}. */
  static MediaPlayers httpFlv(String host, int port, String path, int n) throws Exception {
    byte[] get = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    return new MediaPlayers(host, port, n, false, get);
  }

  private MediaPlayers(String host, int port, int n, boolean rtmp, byte[] hello) throws Exception {
    selector = Selector.open();
    bytes = new long[n];
    acked = new long[n];
    this.rtmp = rtmp;
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

  long[] snapshot() {
    synchronized (bytes) {
      return bytes.clone();
    }
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
          }
          if (rtmp && total - acked[i] >= ACK_WINDOW) {
            acked[i] = total;
            byte[] ack = ChunkWriter.encode(2, RtmpMessage.ACKNOWLEDGEMENT, 0, 0,
                ByteBuffer.allocate(4).putInt((int) total).array(), 4096);
            ch.write(ByteBuffer.wrap(ack));
          }
        }
        selector.selectedKeys().clear();
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
