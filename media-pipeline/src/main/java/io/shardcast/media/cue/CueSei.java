package io.shardcast.media.cue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cues inside the H.264 video itself: SEI messages of type user_data_unregistered (ITU-T H.264
 * D.1.6), under Shardcast's UUID, each carrying one JSON object with {@code t}, the frame's
 * timestamp on the room's media clock. They travel with the frame through every relay and every
 * player path that passes H.264 through (FLV, RTMP and, later, WebRTC), and a browser player reads
 * them with the frame's presentation time (mpegts.js reports them rebased to the video element's
 * timeline). Every keyframe carries a {@code clock} message, so a page that just started maps media
 * time to its video's time before the first commerce cue.
 */
public final class CueSei {

  /** Shardcast's user_data_unregistered UUID (no zero bytes, so no emulation prevention inside it). */
  static final byte[] UUID = {
      (byte) 0x5C, (byte) 0xA7, (byte) 0x1E, (byte) 0x5A, (byte) 0x3D, (byte) 0x4B, (byte) 0x4C, (byte) 0x9E,
      (byte) 0x8F, (byte) 0x21, (byte) 0x6D, (byte) 0x17, (byte) 0xC0, (byte) 0x5E, (byte) 0xA8, (byte) 0x11};
  private static final int NAL_SEI = 6;
  private static final int USER_DATA_UNREGISTERED = 5;
  /** FLV video tag body: frame type and codec, AVC packet type, composition time, then NAL units. */
  private static final int FLV_AVC_HEADER = 5;

  private CueSei() {}

  /** The JSON a keyframe carries: where the frame sits on the room's clock. */
  public static String clock(long timestamp) {
    return "{\"t\":" + timestamp + ",\"type\":\"clock\"}";
  }

  /** The JSON a cue carries on a frame at {@code timestamp}: the room's event with {@code t} first. */
  public static String cue(Cue cue, long timestamp) {
    String fields = cue.fieldsJson();
    return "{\"t\":" + timestamp + (fields.length() > 2 ? "," + fields.substring(1) : "}");
  }

  /** NAL length size (1, 2 or 4) from an FLV AVC sequence header's decoder configuration record. */
  public static int nalLengthSize(byte[] avcSequenceHeader) {
    if (avcSequenceHeader.length < FLV_AVC_HEADER + 5) {
      return 4;
    }
    int size = (avcSequenceHeader[FLV_AVC_HEADER + 4] & 0x03) + 1;
    return size == 3 ? 4 : size;
  }

  /**
   * {@code body} (an FLV AVC NALU tag body) with one SEI NAL unit per message inserted before its
   * first slice, or {@code body} itself when it is not one this can parse (then it goes as it came).
   */
  public static byte[] insert(byte[] body, int nalLengthSize, List<String> messages) {
    if (messages.isEmpty() || body.length <= FLV_AVC_HEADER || body[1] != 1) {
      return body;
    }
    int at = firstSlice(body, nalLengthSize);
    if (at < 0) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64 * messages.size());
    out.write(body, 0, at);
    for (String m : messages) {
      byte[] nal = nal(m.getBytes(StandardCharsets.UTF_8));
      if (nalLengthSize < 4 && nal.length >= 1 << (8 * nalLengthSize)) {
        continue; // too long for this stream's length field
      }
      for (int i = nalLengthSize - 1; i >= 0; i--) {
        out.write(nal.length >>> (8 * i));
      }
      out.writeBytes(nal);
    }
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  /** Offset of the first VCL NAL unit's length field, or -1 when the units do not parse. */
  private static int firstSlice(byte[] body, int lengthSize) {
    int p = FLV_AVC_HEADER;
    while (p + lengthSize < body.length) {
      long len = 0;
      for (int i = 0; i < lengthSize; i++) {
        len = (len << 8) | (body[p + i] & 0xFF);
      }
      int type = body[p + lengthSize] & 0x1F;
      if (len <= 0 || p + lengthSize + len > body.length) {
        return -1;
      }
      if (type >= 1 && type <= 5) {
        return p;
      }
      p += lengthSize + (int) len;
    }
    return -1;
  }

  /** An SEI NAL unit holding one user_data_unregistered message with {@code data}, emulation-prevented. */
  static byte[] nal(byte[] data) {
    ByteArrayOutputStream rbsp = new ByteArrayOutputStream(data.length + 24);
    int size = UUID.length + data.length;
    rbsp.write(USER_DATA_UNREGISTERED);
    int s = size;
    while (s >= 255) {
      rbsp.write(0xFF);
      s -= 255;
    }
    rbsp.write(s);
    rbsp.writeBytes(UUID);
    rbsp.writeBytes(data);
    rbsp.write(0x80); // rbsp_trailing_bits
    byte[] raw = rbsp.toByteArray();
    ByteArrayOutputStream nal = new ByteArrayOutputStream(raw.length + 8);
    nal.write(NAL_SEI);
    int zeros = 0;
    for (byte b : raw) {
      if (zeros >= 2 && (b & 0xFF) <= 3) {
        nal.write(3);
        zeros = 0;
      }
      nal.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return nal.toByteArray();
  }
}
