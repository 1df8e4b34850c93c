package io.shardcast.media.webrtc;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * One reusable packet buffer in the shape jitsi-srtp transforms in place: an array with room to
 * grow by the authentication tag, and the packet's offset and length in it. A session keeps one per
 * direction, so protecting a packet allocates nothing.
 */
public final class PacketBuffer implements ByteArrayBuffer {

  private byte[] buffer;
  private int offset;
  private int length;

  PacketBuffer(int capacity) {
    this.buffer = new byte[capacity];
  }

  /** Copies {@code packet[from, from + len)} in at offset 0. */
  PacketBuffer load(byte[] packet, int from, int len) {
    if (len > buffer.length) {
      buffer = new byte[len + 64];
    }
    System.arraycopy(packet, from, buffer, 0, len);
    offset = 0;
    length = len;
    return this;
  }

  @Override
  public byte[] getBuffer() {
    return buffer;
  }

  @Override
  public int getOffset() {
    return offset;
  }

  @Override
  public int getLength() {
    return length;
  }

  @Override
  public void setLength(int length) {
    this.length = length;
  }

  @Override
  public void setOffset(int offset) {
    this.offset = offset;
  }

  @Override
  public boolean isInvalid() {
    return false;
  }

  @Override
  public void readRegionToBuff(int off, int len, byte[] out) {
    System.arraycopy(buffer, offset + off, out, 0, len);
  }

  @Override
  public void grow(int howMuch) {
    if (offset + length + howMuch > buffer.length) {
      byte[] bigger = new byte[offset + length + howMuch];
      System.arraycopy(buffer, 0, bigger, 0, offset + length);
      buffer = bigger;
    }
  }

  @Override
  public void append(byte[] data, int len) {
    grow(len);
    System.arraycopy(data, 0, buffer, offset + length, len);
    length += len;
  }

  @Override
  public void shrink(int len) {
    length = Math.max(0, length - len);
  }
}
