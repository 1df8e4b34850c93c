package io.shardcast.media.rtp;

import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Rebuilds frames from RTP packets handed over in sequence order (after FEC, retransmission and
 * the jitter buffer): H.264 access units from single NAL unit, STAP-A and FU-A packets (RFC 6184),
 * with an AVC sequence header whenever SPS/PPS change; AAC access units from RFC 3640 AU headers.
 * A video frame missing any packet is dropped, and video resumes at the next keyframe, so what
 * comes out always decodes. Counts frames complete and dropped.
 */
public final class RtpDepacketizer {

  private static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

  /** Receives each rebuilt frame as an FLV tag body ({@code kind} is an FLV tag type). */
  public interface FrameSink {
    void frame(int kind, long timestamp, byte[] body);
  }

  private final FrameSink out;
  private final ByteArrayOutputStream au = new ByteArrayOutputStream(64 * 1024);
  private long auTimestamp = -1;
  private boolean auKey;
  private boolean auBroken;
  private boolean needKeyframe = true;
  private byte[] fuBuffer;
  private int fuLength = -1;
  private byte[] sps;
  private byte[] pps;
  private boolean parameterSetsChanged;
  private int expectedVideoSeq = -1;
  private int expectedAudioSeq = -1;
  private int audioClockPerMs = 48;
  private boolean audioConfigSent;
  /** Audio and video clocks start at unrelated RTP times: each is placed by its first packet's arrival. */
  private final long startMillis = System.currentTimeMillis();
  private final TimeBase videoTime = new TimeBase(90);
  private final TimeBase audioTime = new TimeBase(48);
  private long videoFramesComplete;
  private long videoFramesDropped;

  public RtpDepacketizer(FrameSink out) {
    this.out = out;
  }

  /** Sets the AAC config up front (a sender that signals it out of band, as ffmpeg does in its SDP). */
  public void audioConfig(byte[] asc) {
    audioClockPerMs = AacConfig.sampleRate(asc) / 1000;
    audioTime.clockPerMs = audioClockPerMs;
    out.frame(Flv.AUDIO, 0, concat(new byte[] {(byte) 0xAF, 0}, asc));
    audioConfigSent = true;
  }

  /** Takes the next packet of {@code p[0..length)} (sequence order per payload type). */
  public void packet(byte[] p, int length) {
    int off = Rtp.payloadOffset(p, length);
    int end = Rtp.payloadEnd(p, length);
    int pt = Rtp.payloadType(p);
    int seq = Rtp.seq(p);
    if (pt == Rtp.PT_H264) {
      videoPacket(p, off, end, seq);
    } else if (pt == Rtp.PT_AAC || pt == Rtp.PT_AAC_CONFIG) {
      expectedAudioSeq = (seq + 1) & 0xFFFF;
      if (pt == Rtp.PT_AAC_CONFIG) {
        byte[] asc = Arrays.copyOfRange(p, off, end);
        if (!audioConfigSent || audioClockPerMs != AacConfig.sampleRate(asc) / 1000) {
          audioConfig(asc);
        }
      } else {
        audio(p, off, end, Rtp.timestamp(p));
      }
    }
  }

  /**
   * Takes the next H.264 packet of {@code p[0..length)} whatever its payload type (WebRTC
   * negotiates one), in sequence order.
   */
  public void videoPacket(byte[] p, int length) {
    videoPacket(p, Rtp.payloadOffset(p, length), Rtp.payloadEnd(p, length), Rtp.seq(p));
  }

  private void videoPacket(byte[] p, int off, int end, int seq) {
    if (expectedVideoSeq >= 0 && seq != expectedVideoSeq) {
      auBroken = true; // a packet of this (or the previous) access unit never came
      fuLength = -1;
    }
    expectedVideoSeq = (seq + 1) & 0xFFFF;
    if (end <= off && (p[0] & 0x20) != 0) {
      return; // padding only: a sender probing the path's bandwidth (it takes a sequence number)
    }
    video(p, off, end, Rtp.timestamp(p), Rtp.marker(p));
  }

  /**
   * Where an audio packet of RTP time {@code rtpTs} sits on the stream's clock (ms), for audio
   * this class does not rebuild itself (a WHIP publisher's Opus, at 48 kHz): placed, as the
   * video is, by its first packet's arrival.
   */
  public long audioMillis(long rtpTs) {
    return audioTime.millis(rtpTs);
  }

  /** Whether the next video frame must be a keyframe (one was dropped): the sender should be asked for one. */
  public boolean needsKeyframe() {
    return needKeyframe;
  }

  /** A packet known to be lost for good (the jitter buffer gave up on it). */
  public void lost(boolean video) {
    if (video) {
      auBroken = true;
      fuLength = -1;
      expectedVideoSeq = -1;
    }
  }

  private void video(byte[] p, int off, int end, long rtpTs, boolean marker) {
    if (auTimestamp >= 0 && rtpTs != auTimestamp) {
      finishAccessUnit(); // the marker of the previous one was lost
    }
    auTimestamp = rtpTs;
    if (end <= off) {
      throw new MediaFormatException("RTP: empty H.264 payload");
    }
    int type = p[off] & 0x1F;
    if (type >= 1 && type <= 23) {
      nal(p, off, end - off);
    } else if (type == 24) { // STAP-A
      int q = off + 1;
      while (q + 2 <= end) {
        int n = ((p[q] & 0xFF) << 8) | (p[q + 1] & 0xFF);
        q += 2;
        if (n == 0 || q + n > end) {
          throw new MediaFormatException("RTP: STAP-A unit of " + n + " bytes past the packet");
        }
        nal(p, q, n);
        q += n;
      }
    } else if (type == 28) { // FU-A
      if (end - off < 3) {
        throw new MediaFormatException("RTP: FU-A of " + (end - off) + " bytes");
      }
      int fu = p[off + 1] & 0xFF;
      boolean start = (fu & 0x80) != 0;
      boolean stop = (fu & 0x40) != 0;
      if (start) {
        if (fuBuffer == null) {
          fuBuffer = new byte[64 * 1024];
        }
        fuBuffer[0] = (byte) ((p[off] & 0xE0) | (fu & 0x1F));
        fuLength = 1;
      } else if (fuLength < 0) {
        auBroken = true;
        return;
      }
      int n = end - off - 2;
      if (fuLength + n > MAX_FRAME_BYTES) {
        throw new MediaFormatException("RTP: an FU-A NAL unit over " + MAX_FRAME_BYTES + " bytes");
      }
      if (fuLength + n > fuBuffer.length) {
        fuBuffer = Arrays.copyOf(fuBuffer, Math.max(fuLength + n, fuBuffer.length * 2));
      }
      System.arraycopy(p, off + 2, fuBuffer, fuLength, n);
      fuLength += n;
      if (stop) {
        nal(fuBuffer, 0, fuLength);
        fuLength = -1;
      }
    } else {
      throw new MediaFormatException("RTP: H.264 packet type " + type + " is not supported");
    }
    if (marker) {
      finishAccessUnit();
    }
  }

  private void nal(byte[] b, int off, int n) {
    int type = b[off] & 0x1F;
    if (type == 7) {
      byte[] s = Arrays.copyOfRange(b, off, off + n);
      parameterSetsChanged |= sps == null || !Arrays.equals(s, sps);
      sps = s;
      return;
    }
    if (type == 8) {
      byte[] s = Arrays.copyOfRange(b, off, off + n);
      parameterSetsChanged |= pps == null || !Arrays.equals(s, pps);
      pps = s;
      return;
    }
    if (type == 9) {
      return;
    }
    if (type == 5) {
      auKey = true;
    }
    if (au.size() + n + 4 > MAX_FRAME_BYTES) {
      throw new MediaFormatException("RTP: an access unit over " + MAX_FRAME_BYTES + " bytes");
    }
    au.write(n >>> 24);
    au.write(n >>> 16);
    au.write(n >>> 8);
    au.write(n);
    au.write(b, off, n);
  }

  private void finishAccessUnit() {
    if (au.size() > 0) {
      long ms = videoTime.millis(auTimestamp);
      boolean usable = !auBroken && (auKey || !needKeyframe);
      if (usable && auKey && sps != null && pps != null && parameterSetsChanged) {
        out.frame(Flv.VIDEO, ms, avcConfig());
        parameterSetsChanged = false;
      }
      if (usable && (!auKey || (sps != null && pps != null))) {
        byte[] nals = au.toByteArray();
        byte[] body = new byte[5 + nals.length];
        body[0] = (byte) (auKey ? 0x17 : 0x27);
        body[1] = 1;
        System.arraycopy(nals, 0, body, 5, nals.length);
        out.frame(Flv.VIDEO, ms, body);
        videoFramesComplete++;
        needKeyframe = false;
      } else {
        videoFramesDropped++;
        needKeyframe = true;
      }
    }
    au.reset();
    auTimestamp = -1;
    auKey = false;
    auBroken = false;
  }

  private byte[] avcConfig() {
    byte[] b = new byte[5 + 6 + 2 + sps.length + 1 + 2 + pps.length];
    int p = 0;
    b[p++] = 0x17;
    b[p++] = 0;
    p += 3;
    b[p++] = 1;
    b[p++] = sps.length > 1 ? sps[1] : 0x42;
    b[p++] = sps.length > 2 ? sps[2] : 0;
    b[p++] = sps.length > 3 ? sps[3] : 0x1e;
    b[p++] = (byte) 0xFF;
    b[p++] = (byte) 0xE1;
    b[p++] = (byte) (sps.length >>> 8);
    b[p++] = (byte) sps.length;
    System.arraycopy(sps, 0, b, p, sps.length);
    p += sps.length;
    b[p++] = 1;
    b[p++] = (byte) (pps.length >>> 8);
    b[p++] = (byte) pps.length;
    System.arraycopy(pps, 0, b, p, pps.length);
    return b;
  }

  private void audio(byte[] p, int off, int end, long rtpTs) {
    if (end - off < 2) {
      throw new MediaFormatException("RTP: AAC packet without AU headers");
    }
    int headerBits = ((p[off] & 0xFF) << 8) | (p[off + 1] & 0xFF);
    int headers = headerBits / 16;
    int q = off + 2 + (headerBits + 7) / 8;
    if (headers == 0 || q > end) {
      throw new MediaFormatException("RTP: AU headers of " + headerBits + " bits");
    }
    long ms = audioTime.millis(rtpTs);
    for (int i = 0; i < headers; i++) {
      int h = off + 2 + 2 * i;
      int size = ((p[h] & 0xFF) << 5) | ((p[h + 1] & 0xFF) >>> 3);
      if (q + size > end) {
        throw new MediaFormatException("RTP: AAC access unit of " + size + " bytes past the packet");
      }
      if (audioConfigSent) {
        byte[] body = new byte[2 + size];
        body[0] = (byte) 0xAF;
        body[1] = 1;
        System.arraycopy(p, q, body, 2, size);
        out.frame(Flv.AUDIO, ms + i * 1024L / audioClockPerMs, body);
      }
      q += size;
    }
  }

  public long videoFramesComplete() {
    return videoFramesComplete;
  }

  public long videoFramesDropped() {
    return videoFramesDropped;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** RTP time (32 bits, wrapping) to milliseconds from the stream's first packet of that kind. */
  private final class TimeBase {
    int clockPerMs;
    long first = -1;
    long last;
    long wraps;
    long offsetMillis;

    TimeBase(int clockPerMs) {
      this.clockPerMs = clockPerMs;
    }

    long millis(long rtpTs) {
      if (first < 0) {
        first = rtpTs;
        last = rtpTs;
        offsetMillis = System.currentTimeMillis() - startMillis;
      }
      if (rtpTs < last && last - rtpTs > 0x80000000L) {
        wraps++;
      }
      last = rtpTs;
      return ((rtpTs + (wraps << 32)) - first) / clockPerMs + offsetMillis;
    }
  }
}
