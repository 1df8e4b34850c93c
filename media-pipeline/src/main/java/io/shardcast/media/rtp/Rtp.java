package io.shardcast.media.rtp;

import io.shardcast.media.format.MediaFormatException;

/**
 * RTP (RFC 3550) fixed header reading and writing on byte arrays, with the checks a receiver
 * needs before trusting a datagram: version 2, CSRC list, extension and padding within the packet.
 */
public final class Rtp {

  public static final int HEADER_BYTES = 12;
  /** Payload types on Shardcast's RTP paths. ffmpeg's senders are told to use the first two. */
  public static final int PT_H264 = 96;
  public static final int PT_AAC = 97;
  /** Shardcast's own: an AAC AudioSpecificConfig, sent with each keyframe so a receiver needs no SDP. */
  public static final int PT_AAC_CONFIG = 98;
  /** Shardcast's own: a Reed-Solomon parity packet over a group of media packets. */
  public static final int PT_FEC = 127;

  private Rtp() {}

  /** Offset of the payload of the RTP packet in {@code p[0..length)}, after validation. */
  public static int payloadOffset(byte[] p, int length) {
    if (length < HEADER_BYTES) {
      throw new MediaFormatException("RTP: " + length + " bytes, shorter than a header");
    }
    if ((p[0] & 0xC0) != 0x80) {
      throw new MediaFormatException("RTP: version " + ((p[0] & 0xC0) >>> 6));
    }
    int offset = HEADER_BYTES + 4 * (p[0] & 0x0F);
    if ((p[0] & 0x10) != 0) {
      if (offset + 4 > length) {
        throw new MediaFormatException("RTP: truncated header extension");
      }
      offset += 4 + 4 * (((p[offset + 2] & 0xFF) << 8) | (p[offset + 3] & 0xFF));
    }
    if (offset > payloadEnd(p, length)) {
      throw new MediaFormatException("RTP: header of " + offset + " bytes in a " + length + "-byte packet");
    }
    return offset;
  }

  /**
   * The header extension element {@code id} of the packet in {@code p[0..length)} (RFC 8285, the
   * one-byte and the two-byte forms): its offset in the low 16 bits and its length above them, or
   * -1 when the packet has none (or its extension block does not fit). Call after
   * {@link #payloadOffset} has validated the packet.
   */
  public static int extension(byte[] p, int length, int id) {
    if ((p[0] & 0x10) == 0) {
      return -1;
    }
    int at = HEADER_BYTES + 4 * (p[0] & 0x0F);
    if (at + 4 > length) {
      return -1;
    }
    int profile = ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    int end = at + 4 + 4 * (((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF));
    if (end > length) {
      return -1;
    }
    boolean oneByte = profile == 0xBEDE;
    if (!oneByte && (profile & 0xFFF0) != 0x1000) {
      return -1;
    }
    int i = at + 4;
    while (i < end) {
      int elementId;
      int len;
      if (oneByte) {
        if (p[i] == 0) {
          i++; // padding
          continue;
        }
        elementId = (p[i] & 0xF0) >>> 4;
        if (elementId == 15) {
          return -1; // reserved: stop reading
        }
        len = (p[i] & 0x0F) + 1;
        i++;
      } else {
        if (p[i] == 0) {
          i++;
          continue;
        }
        if (i + 1 >= end) {
          return -1;
        }
        elementId = p[i] & 0xFF;
        len = p[i + 1] & 0xFF;
        i += 2;
      }
      if (i + len > end) {
        return -1;
      }
      if (elementId == id) {
        return (len << 16) | i;
      }
      i += len;
    }
    return -1;
  }

  /** End of the payload (padding removed). */
  public static int payloadEnd(byte[] p, int length) {
    if ((p[0] & 0x20) != 0) {
      int pad = p[length - 1] & 0xFF;
      if (pad == 0 || pad > length - HEADER_BYTES) {
        throw new MediaFormatException("RTP: padding of " + pad + " bytes");
      }
      return length - pad;
    }
    return length;
  }

  public static int payloadType(byte[] p) {
    return p[1] & 0x7F;
  }

  public static boolean marker(byte[] p) {
    return (p[1] & 0x80) != 0;
  }

  public static int seq(byte[] p) {
    return ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
  }

  public static long timestamp(byte[] p) {
    return ((p[4] & 0xFFL) << 24) | ((p[5] & 0xFFL) << 16) | ((p[6] & 0xFFL) << 8) | (p[7] & 0xFFL);
  }

  public static int ssrc(byte[] p) {
    return ((p[8] & 0xFF) << 24) | ((p[9] & 0xFF) << 16) | ((p[10] & 0xFF) << 8) | (p[11] & 0xFF);
  }

  /** Writes a 12-byte header at {@code p[0]}. */
  public static void header(byte[] p, int payloadType, boolean marker, int seq, long timestamp, int ssrc) {
    p[0] = (byte) 0x80;
    p[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
    p[2] = (byte) (seq >>> 8);
    p[3] = (byte) seq;
    p[4] = (byte) (timestamp >>> 24);
    p[5] = (byte) (timestamp >>> 16);
    p[6] = (byte) (timestamp >>> 8);
    p[7] = (byte) timestamp;
    p[8] = (byte) (ssrc >>> 24);
    p[9] = (byte) (ssrc >>> 16);
    p[10] = (byte) (ssrc >>> 8);
    p[11] = (byte) ssrc;
  }
}
