package io.shardcast.media.webrtc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One browser's TCP connection to the node's WebRTC port, the fallback when UDP does not get
 * through (ICE-TCP, RFC 6544: the node's candidate is {@code tcptype passive}). Packets are framed
 * by a 16-bit length (RFC 4571) and are otherwise what the UDP port carries: STUN, DTLS, SRTP and
 * SRTCP. It stands for the browser's address wherever a session keeps one, so the loop sends to
 * it as it sends to a UDP address. Loop thread only.
 */
final class TcpLink extends SocketAddress {

  /** The largest packet either side sends (a datagram's worth). */
  static final int MAX_PACKET = 1500;
  /** What may wait to be written before packets are dropped (media is late anyway by then). */
  private static final int OUTBOX_BYTES = 256 * 1024;

  final SocketChannel channel;
  final InetSocketAddress remote;
  final long openedMillis;
  private final ByteBuffer in = ByteBuffer.allocate(2 + MAX_PACKET);
  private final ByteBuffer out = ByteBuffer.allocate(OUTBOX_BYTES);
  /** Packets dropped because the outbox was full. */
  long dropped;
  /** Set once a session's check has come over this link. */
  boolean used;

  TcpLink(SocketChannel channel, long now) throws IOException {
    this.channel = channel;
    this.remote = (InetSocketAddress) channel.getRemoteAddress();
    this.openedMillis = now;
  }

  /** Receives each complete packet read from the connection. */
  interface Packets {
    void packet(byte[] p, int length, TcpLink from);
  }

  /**
   * Reads what arrived and hands over each complete packet; false when the connection ended or
   * broke the framing (a length of 0 or over {@link #MAX_PACKET}): the caller closes it.
   */
  boolean read(byte[] scratch, Packets packets) throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      return false;
    }
    in.flip();
    while (in.remaining() >= 2) {
      int length = ((in.get(in.position()) & 0xFF) << 8) | (in.get(in.position() + 1) & 0xFF);
      if (length == 0 || length > MAX_PACKET) {
        return false;
      }
      if (in.remaining() < 2 + length) {
        break;
      }
      in.position(in.position() + 2);
      in.get(scratch, 0, length);
      packets.packet(scratch, length, this);
    }
    in.compact();
    return true;
  }

  /** Queues {@code packet} with its length and writes what the socket takes now. */
  synchronized void send(ByteBuffer packet) throws IOException {
    int length = packet.remaining();
    if (length > MAX_PACKET || out.remaining() < 2 + length) {
      dropped++;
      return;
    }
    out.put((byte) (length >>> 8)).put((byte) length).put(packet);
    flush();
  }

  /** Writes what waits; true when nothing is left. */
  synchronized boolean flush() throws IOException {
    out.flip();
    channel.write(out);
    out.compact();
    return out.position() == 0;
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public String toString() {
    return "tcp:" + remote;
  }
}
