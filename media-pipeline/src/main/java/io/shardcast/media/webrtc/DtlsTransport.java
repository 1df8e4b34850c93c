package io.shardcast.media.webrtc;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One session's DTLS records between the node's UDP loop and BouncyCastle's (blocking) DTLS
 * protocol: the loop hands each received DTLS datagram to {@link #offer}, the protocol's thread
 * takes them in {@link #receive}, and what the protocol sends goes out through the session's
 * {@link Sink}. The queue is bounded: a peer flooding DTLS records loses the excess, not memory.
 */
public final class DtlsTransport implements DatagramTransport {

  /** Writes a datagram to the session's peer. */
  public interface Sink {
    void send(byte[] datagram, int offset, int length) throws IOException;
  }

  /** DTLS records larger than an Ethernet MTU less IP and UDP headers are not expected from a browser. */
  static final int MTU = 1500 - 20 - 8;
  private static final int QUEUE = 64;

  private final ArrayBlockingQueue<byte[]> received = new ArrayBlockingQueue<>(QUEUE);
  private final Sink sink;
  private volatile boolean closed;

  public DtlsTransport(Sink sink) {
    this.sink = sink;
  }

  /** A DTLS datagram from the peer; false when the queue is full (it is dropped, DTLS retransmits). */
  public boolean offer(byte[] datagram, int offset, int length) {
    if (closed || length > MTU) {
      return false;
    }
    byte[] copy = new byte[length];
    System.arraycopy(datagram, offset, copy, 0, length);
    return received.offer(copy);
  }

  @Override
  public int getReceiveLimit() {
    return MTU;
  }

  @Override
  public int getSendLimit() {
    return MTU - 84; // room for the largest record expansion of the suites offered
  }

  @Override
  public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
    if (closed) {
      return -1;
    }
    try {
      byte[] d = received.poll(waitMillis, TimeUnit.MILLISECONDS);
      if (d == null) {
        return -1;
      }
      int n = Math.min(len, d.length);
      System.arraycopy(d, 0, buf, off, n);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a DTLS record", e);
    }
  }

  @Override
  public void send(byte[] buf, int off, int len) throws IOException {
    if (!closed) {
      sink.send(buf, off, len);
    }
  }

  @Override
  public void close() {
    closed = true;
    received.clear();
  }
}
