package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP fallback's framing (RFC 4571) over a real loopback connection: whole packets out of any split, garbage refused. */
class TcpLinkTest {

  private ServerSocketChannel server;
  private SocketChannel browser;
  private TcpLink link;
  private final byte[] scratch = new byte[TcpLink.MAX_PACKET];
  private final List<byte[]> packets = new ArrayList<>();

  @BeforeEach
  void connect() throws IOException {
    server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    browser = SocketChannel.open(server.getLocalAddress());
    SocketChannel accepted = server.accept();
    accepted.configureBlocking(false);
    link = new TcpLink(accepted, 0);
  }

  @AfterEach
  void close() throws IOException {
    link.close();
    browser.close();
    server.close();
  }

  /** Reads until {@code count} packets arrived; false when the link refused the stream. */
  private boolean readUntil(int count) throws IOException {
    long until = System.nanoTime() + 5_000_000_000L;
    while (packets.size() < count && System.nanoTime() < until) {
      if (!link.read(scratch, (p, n, from) -> packets.add(java.util.Arrays.copyOf(p, n)))) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  private static byte[] framed(byte[]... payloads) {
    ByteBuffer b = ByteBuffer.allocate(8192);
    for (byte[] p : payloads) {
      b.putShort((short) p.length).put(p);
    }
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void packetsSplitAnywhereArriveWhole() throws Exception {
    byte[] stun = new byte[20];
    stun[1] = 1;
    byte[] rtp = new byte[1200];
    java.util.Arrays.fill(rtp, (byte) 0x80);
    byte[] wire = framed(stun, rtp, new byte[] {22, 1, 2});
    for (byte b : wire) {
      browser.write(ByteBuffer.wrap(new byte[] {b})); // one byte at a time: every split there is
      link.read(scratch, (p, n, from) -> packets.add(java.util.Arrays.copyOf(p, n)));
    }
    assertTrue(readUntil(3));
    assertEquals(3, packets.size());
    assertArrayEquals(stun, packets.get(0));
    assertArrayEquals(rtp, packets.get(1));
    assertArrayEquals(new byte[] {22, 1, 2}, packets.get(2));
  }

  @Test
  void aZeroOrOversizedLengthBreaksTheLink() throws Exception {
    browser.write(ByteBuffer.wrap(new byte[] {0, 0, 1, 2}));
    assertFalse(readUntil(1), "a length of 0");
    close();
    connect();
    browser.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2}));
    assertFalse(readUntil(1), "a length over a datagram's");
  }

  @Test
  void whatIsSentIsFramedAndAFullOutboxDropsInsteadOfBlocking() throws Exception {
    link.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    ByteBuffer got = ByteBuffer.allocate(16);
    long until = System.nanoTime() + 5_000_000_000L;
    while (got.position() < 5 && System.nanoTime() < until) {
      browser.read(got);
    }
    assertArrayEquals(new byte[] {0, 3, 1, 2, 3}, java.util.Arrays.copyOf(got.array(), got.position()));
    // The browser stops reading: the socket's buffers and then the outbox fill, and sending goes on.
    byte[] packet = new byte[1400];
    for (int i = 0; i < 5_000; i++) {
      link.send(ByteBuffer.wrap(packet));
    }
    assertTrue(link.dropped > 0, "packets beyond the outbox are dropped, the loop never waits");
  }
}
