package io.shardcast.testkit.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A buying race on one selector thread: keep-alive HTTP/1.1 connections to the gateways, one order
 * in flight on each, requests and answers handled as bytes. The JDK HttpClient spent more CPU per
 * order than the node answering it, so on a shared machine the race measured the client; this
 * one leaves the cores to the nodes.
 */
public final class LeanBuyers {

  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
  // A scan for the one field it needs, not Jackson: this loop answers thousands of orders a second on a shared core.
  private static final byte[] RESULT = "\"result\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMEOUT_NANOS = 15_000_000_000L;

  private final List<URI> gateways;
  private final String path;
  private final String saleId;
  private final int orders;
  private final int users;
  private final String prefix;
  private final Map<String, Long> results = new HashMap<>();
  private final long[] ackMillis;
  private long failures;
  private long startNanos;
  private long lastConfirmedMillis;
  private String firstFailure;
  private int nextOrder;
  private int done;

  private final class Conn {
    final URI gateway;
    SocketChannel ch;
    final byte[] in = new byte[16 * 1024];
    int inLength;
    ByteBuffer out;
    int order = -1;
    long sentAt;

    Conn(URI gateway) {
      this.gateway = gateway;
    }
  }

  private LeanBuyers(List<String> gateways, String roomId, String saleId, int orders, int users, String prefix) {
    this.gateways = gateways.stream().map(URI::create).toList();
    this.path = "/api/rooms/" + roomId + "/orders";
    this.saleId = saleId;
    this.orders = orders;
    this.users = users;
    this.prefix = prefix;
    this.ackMillis = new long[orders];
  }

  /**
   * Sends {@code orders} orders (ids {@code prefix-i}, user {@code buyer-(i % users)}) over
   * {@code connections} connections spread over the gateways, and returns what came back.
   */
  public static RoomScript.Race race(List<String> gateways, String roomId, String saleId, int orders, int users,
      int connections, String prefix) throws IOException {
    return new LeanBuyers(gateways, roomId, saleId, orders, users, prefix).run(connections);
  }

  private RoomScript.Race run(int connections) throws IOException {
    startNanos = System.nanoTime();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < Math.min(connections, orders); i++) {
        connect(selector, new Conn(gateways.get(i % gateways.size())));
      }
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      while (done < orders) {
        selector.select(100);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Conn c = (Conn) k.attachment();
          try {
            if (k.isConnectable() && c.ch.finishConnect()) {
              k.interestOps(SelectionKey.OP_READ);
              sendNext(c, k);
            } else if (k.isWritable()) {
              flush(c, k);
            } else if (k.isReadable()) {
              onReadable(selector, c, k);
            }
          } catch (IOException e) {
            lost(selector, c, k);
          }
          deadline = System.nanoTime() + TIMEOUT_NANOS;
        }
        if (System.nanoTime() > deadline) {
          failures += orders - done; // nothing answered for the timeout: count the rest as failed
          break;
        }
      }
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
    }
    return new RoomScript.Race(results, failures, ackMillis, lastConfirmedMillis, firstFailure);
  }

  private void connect(Selector selector, Conn c) throws IOException {
    c.ch = SocketChannel.open();
    c.ch.configureBlocking(false);
    c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    c.inLength = 0;
    c.out = null;
    if (c.ch.connect(new InetSocketAddress(c.gateway.getHost(), c.gateway.getPort()))) {
      SelectionKey k = c.ch.register(selector, SelectionKey.OP_READ, c);
      sendNext(c, k);
    } else {
      c.ch.register(selector, SelectionKey.OP_CONNECT, c);
    }
  }

  private void sendNext(Conn c, SelectionKey k) throws IOException {
    if (nextOrder >= orders) {
      c.order = -1;
      return;
    }
    int i = nextOrder++;
    // Written by hand for the same reason: the ids are the caller's plain tokens, nothing to escape.
    String body = "{\"orderId\":\"" + prefix + "-" + i + "\",\"userId\":\"buyer-" + (i % users)
        + "\",\"saleId\":\"" + saleId + "\",\"quantity\":1}";
    String req = "POST " + path + " HTTP/1.1\r\nHost: " + c.gateway.getHost() + ":" + c.gateway.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    c.order = i;
    c.sentAt = System.nanoTime();
    c.out = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
    flush(c, k);
  }

  private void flush(Conn c, SelectionKey k) throws IOException {
    c.ch.write(c.out);
    k.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void onReadable(Selector selector, Conn c, SelectionKey k) throws IOException {
    int n = c.ch.read(ByteBuffer.wrap(c.in, c.inLength, c.in.length - c.inLength));
    if (n < 0) {
      lost(selector, c, k);
      return;
    }
    c.inLength += n;
    int headEnd = indexOf(c.in, 0, c.inLength, HEAD_END, false);
    if (headEnd < 0) {
      return;
    }
    int cl = indexOf(c.in, 0, headEnd, CONTENT_LENGTH, true);
    if (cl < 0) {
      throw new IOException("answer without Content-Length");
    }
    int length = 0;
    for (int i = cl + CONTENT_LENGTH.length; i < headEnd; i++) {
      byte b = c.in[i];
      if (b >= '0' && b <= '9') {
        length = length * 10 + (b - '0');
      } else if (b != ' ') {
        break;
      }
    }
    int total = headEnd + 4 + length;
    if (c.inLength < total) {
      return;
    }
    int status = (c.in[9] - '0') * 100 + (c.in[10] - '0') * 10 + (c.in[11] - '0');
    ackMillis[c.order] = (System.nanoTime() - c.sentAt) / 1_000_000;
    done++;
    if (status != 200) {
      failures++;
      if (firstFailure == null) {
        firstFailure = "HTTP " + status + " " + new String(c.in, headEnd + 4, length, StandardCharsets.UTF_8);
      }
    } else {
      int r = indexOf(c.in, headEnd, total, RESULT, false);
      String result = "?";
      if (r >= 0) {
        int from = r + RESULT.length;
        int to = from;
        while (to < total && c.in[to] != '"') {
          to++;
        }
        result = new String(c.in, from, to - from, StandardCharsets.US_ASCII);
      }
      results.merge(result, 1L, Long::sum);
      if (result.equals("CONFIRMED")) {
        lastConfirmedMillis = (System.nanoTime() - startNanos) / 1_000_000;
      }
    }
    System.arraycopy(c.in, total, c.in, 0, c.inLength - total);
    c.inLength -= total;
    sendNext(c, k);
  }

  /** The connection broke: its order's outcome is unknown (a failure); carry on over a new one. */
  private void lost(Selector selector, Conn c, SelectionKey k) throws IOException {
    k.cancel();
    c.ch.close();
    if (c.order >= 0) {
      failures++;
      if (firstFailure == null) {
        firstFailure = "connection to " + c.gateway + " lost with order " + c.order + " in flight";
      }
      done++;
      c.order = -1;
    }
    if (nextOrder < orders) {
      connect(selector, c); // a new channel, so the cancelled key does not stand in the way
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte[] needle, boolean ignoreCase) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        byte x = b[i + j];
        if (ignoreCase && x >= 'A' && x <= 'Z') {
          x += 'a' - 'A';
        }
        if (x != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
