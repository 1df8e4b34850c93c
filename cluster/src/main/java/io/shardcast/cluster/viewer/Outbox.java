package io.shardcast.cluster.viewer;

import io.shardcast.room.fanout.FanoutStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What a connection has to write and how far it got: the bytes being written (a frame, an HTTP
 * answer), a control frame waiting its turn (a pong), and whether the connection closes once
 * they are out. Loop thread only; written through the loop's one direct buffer.
 */
final class Outbox {

  private final SocketChannel channel;
  private final FanoutStats stats;
  private byte[] pending;
  private int offset;
  private byte[] control;
  private boolean closeAfter;

  Outbox(SocketChannel channel, FanoutStats stats) {
    this.channel = channel;
    this.stats = stats;
  }

  /** Bytes to write next, after those being written; {@code closeAfter}: the last ones. */
  void put(byte[] bytes, boolean closeAfter) {
    this.pending = bytes;
    this.offset = 0;
    this.closeAfter = closeAfter;
  }

  /** Replaces whatever was waiting with the connection's last bytes. */
  void last(byte[] bytes) {
    control = null;
    put(bytes, true);
  }

  /** A control frame, written after the bytes being written. */
  void control(byte[] frame) {
    control = frame;
  }

  boolean isEmpty() {
    return pending == null;
  }

  /** Moves a waiting control frame up; false when there is none. */
  boolean takeControl() {
    if (control == null) {
      return false;
    }
    put(control, false);
    control = null;
    return true;
  }

  /**
   * Writes the pending bytes through {@code out}; true once all are out (the outbox is then empty),
   * false when the socket is full.
   */
  boolean flush(ByteBuffer out) throws IOException {
    while (offset < pending.length) {
      out.clear();
      int n = Math.min(out.capacity(), pending.length - offset);
      out.put(pending, offset, n).flip();
      int written = channel.write(out);
      offset += written;
      stats.bytesOut.add(written);
      if (written < n) {
        return false;
      }
    }
    pending = null;
    return true;
  }

  /** Whether the bytes just flushed were the connection's last; clears the mark. */
  boolean closeAfter() {
    boolean close = closeAfter;
    closeAfter = false;
    return close;
  }
}
