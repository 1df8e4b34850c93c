package io.shardcast.media.rtp;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.flv.Flv;

/**
 * Turns a track's frames into RTP packets: H.264 per RFC 6184 (single NAL units, FU-A for NAL units
 * larger than the payload limit; SPS and PPS sent in-band before every keyframe) and AAC per RFC
 * 3640 (AAC-hbr, one access unit per packet), plus the AAC config in-band ({@link Rtp#PT_AAC_CONFIG}),
 * so a receiver needs no SDP. Packets are written into one reused buffer and handed to the sink,
 * which copies what it keeps. Requires streams without B-frames (low-latency encodes): the RTP
 * time is the presentation time and the receiver takes it as the decode time.
 */
public final class RtpPacketizer {

  /** Receives each packet: {@code packet[0..length)} is valid only during the call. */
  public interface Sink {
    void packet(byte[] packet, int length, boolean video);
  }

  /** RTP payload limit: fits an Ethernet MTU with IP, UDP, RTP and a little to spare. */
  public static final int MAX_PAYLOAD = 1200;
  private static final int VIDEO_CLOCK_PER_MS = 90;

  private final int videoPayloadType;
  /** The payload type of Opus audio (RFC 7587) a WebRTC peer negotiated; -1: Opus is not sent. */
  private int opusPayloadType = -1;
  private long lastAudioTimestamp = -1;
  private final int videoSsrc;
  private final int audioSsrc;
  private final Sink sink;
  private final byte[] buf = new byte[Rtp.HEADER_BYTES + 1 + Ulpfec.HEADER_BYTES + MAX_PAYLOAD + 8];
  private int videoSeq;
  private int audioSeq;
  private byte[][] parameterSets = new byte[0][];
  private int nalLengthSize = 4;
  private byte[] audioConfig;
  private int audioClockPerMs = 48;
  /** What the last video packets were made of, by sequence number (null: no history kept). */
  private RtpHistory history;
  private long lastVideoTimestamp = -1;
  /** RED's and ULPFEC's payload types when the peer negotiated both (video then goes inside RED); -1: neither. */
  private int redPayloadType = -1;
  private int ulpfecPayloadType = -1;
  /** Media packets per FEC packet now (0: none sent). */
  private int fecGroup;
  /** FEC packets are made from the history here: at a frame's end, and again when asked for. */
  private Ulpfec parity;
  /** The sequence number of the current frame's first video packet; -1 between frames. */
  private int frameFirstSeq = -1;
  /** The history's mark of an FEC packet (its offset holds the group's first sequence number, its length the count). */
  private static final int FEC_PACKET = -1;
  private long fecPackets;

  public RtpPacketizer(int videoSsrc, int audioSsrc, Sink sink) {
    this(videoSsrc, audioSsrc, Rtp.PT_H264, sink);
  }

  /** With the video payload type a peer negotiated (WebRTC's SDP answer). */
  public RtpPacketizer(int videoSsrc, int audioSsrc, int videoPayloadType, Sink sink) {
    this.videoPayloadType = videoPayloadType;
    this.videoSsrc = videoSsrc;
    this.audioSsrc = audioSsrc;
    this.sink = sink;
  }

  /**
   * Keeps what the last {@code packets} video packets were made of (references into the frames, no
   * copies), so {@link #resend} can make any of them again for a NACK.
   */
  public RtpPacketizer withHistory(int packets) {
    history = new RtpHistory(packets);
    return this;
  }

  /**
   * Sends video inside RED (RFC 2198) with {@code redPayloadType}, and ULPFEC (RFC 5109) packets
   * with {@code ulpfecPayloadType} as {@link #fecGroup} asks: what a WebRTC peer that offered both
   * recovers lost packets from without asking for them again.
   */
  public RtpPacketizer withUlpfec(int redPayloadType, int ulpfecPayloadType) {
    this.redPayloadType = redPayloadType;
    this.ulpfecPayloadType = ulpfecPayloadType;
    parity = new Ulpfec(MAX_PAYLOAD);
    return this;
  }

  /**
   * One FEC packet for every {@code packets} video packets of a frame from the next frame on (a
   * frame's last group may be shorter), 0 for none; at most {@link Ulpfec#MAX_GROUP}. Without
   * {@link #withUlpfec} and {@link #withHistory}, nothing is sent.
   */
  public void fecGroup(int packets) {
    fecGroup = Math.max(0, Math.min(Ulpfec.MAX_GROUP, packets));
  }

  public int fecGroup() {
    return parity == null || history == null ? 0 : fecGroup;
  }

  /** FEC packets sent so far (not counting those sent again). */
  public long fecPackets() {
    return fecPackets;
  }

  /**
   * Sends video packet {@code seq} again, as it was first sent, if the history still holds it
   * (an FEC packet is made again from the packets it protects, which the history then holds too).
   * True when it did.
   */
  public boolean resend(int seq) {
    if (history == null || !history.holds(seq)) {
      return false;
    }
    int slot = history.slot(seq);
    long ts = history.timestamp[slot] & 0xFFFFFFFFL;
    if (history.fuHeader[slot] == FEC_PACKET) {
      if (!protect(history.offset[slot], history.length[slot])) {
        return false;
      }
      sendFec(seq, ts);
      return true;
    }
    sendVideo(seq & 0xFFFF, ts, history.marker[slot], rebuild(slot), false);
    return true;
  }

  /**
   * Makes the parity of the video packets {@code first .. first + count - 1} from the history into
   * {@link #parity}; false when the history no longer holds one of them.
   */
  private boolean protect(int first, int count) {
    parity.reset();
    for (int i = 0; i < count; i++) {
      int media = (first + i) & 0xFFFF;
      if (!history.holds(media)) {
        return false;
      }
      int s = history.slot(media);
      parity.add(media, history.marker[s], videoPayloadType, history.timestamp[s] & 0xFFFFFFFFL, buf, payloadAt(),
          rebuild(s));
    }
    return true;
  }

  /** Writes the payload of the history's packet at {@code slot} at {@link #payloadAt}; returns its length. */
  private int rebuild(int slot) {
    int p = payloadAt();
    int fu = history.fuHeader[slot];
    if (fu != 0) {
      buf[p++] = history.fuIndicator[slot];
      buf[p++] = (byte) fu;
    }
    System.arraycopy(history.source[slot], history.offset[slot], buf, p, history.length[slot]);
    return p + history.length[slot] - payloadAt();
  }

  /** Where a video packet's payload starts in {@link #buf}: after the RTP header, and RED's when video goes in RED. */
  private int payloadAt() {
    return redPayloadType >= 0 ? Rtp.HEADER_BYTES + 1 : Rtp.HEADER_BYTES;
  }

  /**
   * Sends the video packet whose payload ({@code n} bytes) is at {@link #payloadAt}: its header (in
   * RED when negotiated). After a frame's last packet sent the first time come the frame's FEC
   * packets: a receiver of H.264 finds a frame's start by walking back through packets of its
   * timestamp, so nothing may come between them.
   */
  private void sendVideo(int seq, long ts, boolean marker, int n, boolean first) {
    if (redPayloadType >= 0) {
      Rtp.header(buf, redPayloadType, marker, seq, ts, videoSsrc);
      buf[Rtp.HEADER_BYTES] = (byte) videoPayloadType; // RED's last (and only) block: F = 0, the media's type
    } else {
      Rtp.header(buf, videoPayloadType, marker, seq, ts, videoSsrc);
    }
    sink.packet(buf, payloadAt() + n, true);
    if (!first) {
      return;
    }
    if (frameFirstSeq < 0) {
      frameFirstSeq = seq;
    }
    if (marker) {
      int k = fecGroup();
      int frameFirst = frameFirstSeq;
      frameFirstSeq = -1;
      int packets = ((seq - frameFirst) & 0xFFFF) + 1;
      for (int done = 0; k > 0 && done < packets; done += k) {
        int count = Math.min(k, packets - done);
        int start = (frameFirst + done) & 0xFFFF;
        if (!protect(start, count)) {
          return; // a frame larger than the history: sent without parity
        }
        int fecSeq = videoSeq++ & 0xFFFF;
        history.record(fecSeq, null, start, count, (byte) 0, FEC_PACKET, ts, false);
        sendFec(fecSeq, ts);
        fecPackets++;
      }
    }
  }

  /** Sends {@link #parity} as FEC packet {@code seq}: inside RED, after the frame it protects. */
  private void sendFec(int seq, long ts) {
    Rtp.header(buf, redPayloadType, false, seq, ts, videoSsrc);
    buf[Rtp.HEADER_BYTES] = (byte) ulpfecPayloadType;
    int n = parity.write(buf, Rtp.HEADER_BYTES + 1);
    sink.packet(buf, Rtp.HEADER_BYTES + 1 + n, true);
  }

  /** Sends Opus audio frames (enhanced-RTMP bodies, {@link Flv#isOpus}) with {@code payloadType}, one per packet. */
  public RtpPacketizer withOpus(int payloadType) {
    opusPayloadType = payloadType;
    return this;
  }

  /** The RTP timestamp (48 kHz) of the last Opus frame packetized, or -1 before the first. */
  public long lastAudioTimestamp() {
    return lastAudioTimestamp;
  }

  /** The RTP timestamp (90 kHz) of the last video frame packetized, or -1 before the first. */
  public long lastVideoTimestamp() {
    return lastVideoTimestamp;
  }

  /** The next video sequence number (the count of video packets sent, modulo 2^16). */
  public int nextVideoSeq() {
    return videoSeq & 0xFFFF;
  }

  /** Packetizes one frame (script data is not carried). */
  public void frame(MediaFrame f) {
    if (f.isVideo()) {
      video(f);
    } else if (f.isAudio()) {
      audio(f);
    }
  }

  private void video(MediaFrame f) {
    byte[] b = f.body;
    if (f.config) {
      parseConfig(b);
      return;
    }
    if (b.length < 5 || b[1] != 1) {
      return; // end of sequence and the like
    }
    int cts = ((b[2] << 16) | ((b[3] & 0xFF) << 8) | (b[4] & 0xFF)) << 8 >> 8;
    long ts = (f.timestamp + cts) * VIDEO_CLOCK_PER_MS;
    lastVideoTimestamp = ts & 0xFFFFFFFFL;
    if (f.keyframe) {
      if (audioConfig != null) {
        audioConfigPacket(f.timestamp);
      }
      for (byte[] ps : parameterSets) {
        nal(ps, 0, ps.length, ts, false);
      }
    }
    int p = 5;
    while (p + nalLengthSize <= b.length) {
      int n = 0;
      for (int i = 0; i < nalLengthSize; i++) {
        n = (n << 8) | (b[p + i] & 0xFF);
      }
      p += nalLengthSize;
      if (n <= 0 || p + n > b.length) {
        return; // a malformed tag: what was sent stands, the rest is dropped
      }
      int type = b[p] & 0x1F;
      boolean last = p + n >= b.length;
      if (type != 9) { // access unit delimiters are not needed on RTP
        nal(b, p, n, ts, last);
      } else if (last) {
        nal(b, p, n, ts, true);
      }
      p += n;
    }
  }

  private void nal(byte[] src, int off, int len, long ts, boolean marker) {
    int at = payloadAt();
    if (len <= MAX_PAYLOAD) {
      if (history != null) {
        history.record(videoSeq & 0xFFFF, src, off, len, (byte) 0, 0, ts, marker);
      }
      System.arraycopy(src, off, buf, at, len);
      sendVideo(videoSeq++ & 0xFFFF, ts, marker, len, true);
      return;
    }
    int header = src[off] & 0xFF;
    int indicator = (header & 0xE0) | 28;
    int type = header & 0x1F;
    int p = off + 1;
    int end = off + len;
    boolean first = true;
    while (p < end) {
      int n = Math.min(MAX_PAYLOAD - 2, end - p);
      boolean lastFragment = p + n >= end;
      int fuHeader = (first ? 0x80 : 0) | (lastFragment ? 0x40 : 0) | type;
      if (history != null) {
        history.record(videoSeq & 0xFFFF, src, p, n, (byte) indicator, fuHeader | 0x100, ts, marker && lastFragment);
      }
      buf[at] = (byte) indicator;
      buf[at + 1] = (byte) fuHeader;
      System.arraycopy(src, p, buf, at + 2, n);
      sendVideo(videoSeq++ & 0xFFFF, ts, marker && lastFragment, n + 2, true);
      p += n;
      first = false;
    }
  }

  private void parseConfig(byte[] b) {
    if (b.length < 11) {
      return;
    }
    nalLengthSize = (b[9] & 0x03) + 1;
    java.util.List<byte[]> sets = new java.util.ArrayList<>();
    int p = readSets(b, 11, b[10] & 0x1F, sets); // SPS
    if (p < 0) {
      return;
    }
    if (p < b.length && readSets(b, p + 1, b[p] & 0xFF, sets) < 0) { // PPS
      return;
    }
    parameterSets = sets.toArray(new byte[0][]);
  }

  /** Reads {@code count} length-prefixed parameter sets from {@code b[p..]}; the position after them, or -1. */
  private static int readSets(byte[] b, int p, int count, java.util.List<byte[]> into) {
    for (int i = 0; i < count && p + 2 <= b.length; i++) {
      int n = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
      p += 2;
      if (p + n > b.length) {
        return -1;
      }
      into.add(java.util.Arrays.copyOfRange(b, p, p + n));
      p += n;
    }
    return p;
  }

  private void audio(MediaFrame f) {
    byte[] b = f.body;
    if (opusPayloadType >= 0) {
      if (Flv.isOpus(b) && b.length > Flv.OPUS_HEADER_BYTES && b.length - Flv.OPUS_HEADER_BYTES <= MAX_PAYLOAD) {
        long ts = (f.timestamp * 48) & 0xFFFFFFFFL;
        lastAudioTimestamp = ts;
        Rtp.header(buf, opusPayloadType, false, audioSeq++ & 0xFFFF, ts, audioSsrc);
        int n = b.length - Flv.OPUS_HEADER_BYTES;
        System.arraycopy(b, Flv.OPUS_HEADER_BYTES, buf, Rtp.HEADER_BYTES, n);
        sink.packet(buf, Rtp.HEADER_BYTES + n, false);
      }
      return; // a WebRTC peer takes Opus only
    }
    if (!Flv.isAac(b) || b.length < 3) {
      return; // only AAC travels on the RTP paths
    }
    if (f.config) {
      audioConfig = java.util.Arrays.copyOfRange(b, 2, b.length);
      audioClockPerMs = AacConfig.sampleRate(audioConfig) / 1000;
      audioConfigPacket(f.timestamp);
      return;
    }
    int size = b.length - 2;
    if (size + 4 > MAX_PAYLOAD || size >= 8192) {
      return; // larger than an AAC frame can be
    }
    Rtp.header(buf, Rtp.PT_AAC, true, audioSeq++ & 0xFFFF, f.timestamp * audioClockPerMs, audioSsrc);
    int p = Rtp.HEADER_BYTES;
    buf[p] = 0;
    buf[p + 1] = 16; // AU-headers-length in bits: one 16-bit header
    buf[p + 2] = (byte) (size >>> 5);
    buf[p + 3] = (byte) ((size & 0x1F) << 3);
    System.arraycopy(b, 2, buf, p + 4, size);
    sink.packet(buf, p + 4 + size, false);
  }

  private void audioConfigPacket(long timestampMs) {
    Rtp.header(buf, Rtp.PT_AAC_CONFIG, true, audioSeq++ & 0xFFFF, timestampMs * audioClockPerMs, audioSsrc);
    System.arraycopy(audioConfig, 0, buf, Rtp.HEADER_BYTES, audioConfig.length);
    sink.packet(buf, Rtp.HEADER_BYTES + audioConfig.length, false);
  }
}
