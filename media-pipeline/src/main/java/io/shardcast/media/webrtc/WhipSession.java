package io.shardcast.media.webrtc;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.OriginPublisher;
import io.shardcast.media.PublisherClock;
import io.shardcast.media.TrackKey;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.rtp.Rtp;
import io.shardcast.media.rtp.RtpDepacketizer;
import io.shardcast.media.transcode.AudioTranscoder;

/**
 * One WHIP publisher ({@link PeerSession} has its ICE and DTLS): a browser or OBS sending H.264
 * and Opus into the room, as the origin of one of its tracks, like an RTMP encoder. Its H.264 is
 * rebuilt into frames (RFC 6184), its Opus goes into the track as it comes (WebRTC viewers) and,
 * made into AAC once ({@link AudioTranscoder#opusToAac}), for FLV and RTMP players. The browser is
 * asked for keyframes (PLI): at the start, after a frame is lost, and every
 * {@link #KEYFRAME_INTERVAL_MILLIS} so a viewer joining starts within that (a WebRTC encoder sends
 * keyframes only when asked); its bandwidth estimate is raised with REMB. Packets are taken on the
 * WebRTC thread; the session's lock keeps them apart from {@link #close} (a DELETE, a timeout),
 * which frees the native transcoder.
 */
final class WhipSession extends PeerSession {

  /** A keyframe asked for this often, so FLV, RTMP and WHEP viewers joining start soon. */
  static final long KEYFRAME_INTERVAL_MILLIS = 2_000;
  /** After a lost frame, ask again no sooner than this (the keyframe is on its way). */
  static final long KEYFRAME_RETRY_MILLIS = 500;
  /** What REMB tells the browser it may send (video and audio): a 720p stream's rate with room. */
  static final long ESTIMATE_BPS = 4_000_000;
  static final long ESTIMATE_EVERY_MILLIS = 1_000;

  final int videoPayloadType;
  /** Opus's payload type in the answer, or -1 when the offer sent no Opus. */
  final int audioPayloadType;
  final TrackKey key;
  /**
   * The room's layers this session publishes: the simulcast streams' rids (RFC 8853), or the one
   * layer of {@link #key}. Each has its own track, origin and keyframe requests; the sound goes
   * into every one of them.
   */
  final java.util.List<String> layers;
  /** The id of the rtp-stream-id header extension that names a packet's simulcast stream; -1 without simulcast. */
  final int ridExtension;
  /** The id of the transport-cc header extension the browser numbers its packets with; -1: not negotiated. */
  final int transportCcExtension;
  /** When each numbered packet arrived, for the browser's congestion controller; null without transport-cc. */
  private final TransportFeedback transport;
  /** The SSRC the node's RTCP comes from. */
  final int ownSsrc;
  private OriginPublisher[] publishers;
  private RtpDepacketizer[] depacketizers;
  /** Each layer's packets back in sequence, the lost ones asked for again. */
  private ReorderBuffer[] reorder;
  private AudioTranscoder toAac;
  /** The browser's SSRCs, learnt from its first packets (what a PLI and REMB name); 0 before. */
  private final int[] videoSsrcs;
  private int audioSsrc;
  /** Decrypted packets are copied here, at offset 0, for the depacketizer. */
  private final byte[] packet = new byte[1500];
  private final long[] lastKeyframeAskedMillis;
  private long lastEstimateMillis;
  private final boolean[] sawKeyframe;
  /** Video packets of an SSRC no layer has (yet): a simulcast stream not named by its rid. */
  long unknownStream;
  /** RTX (RFC 4588): its payload type (-1: not negotiated), the extension naming a repaired stream, each layer's RTX SSRC. */
  private int rtxPayloadType = -1;
  private int repairedRidExtension = -1;
  private final int[] rtxSsrcs;
  /** A retransmission rebuilt as the packet it repairs. */
  private final byte[] repaired = new byte[1500];
  long rtxPackets;
  long rtxProbes;
  /**
   * SRTP that came while the node's side of DTLS was finishing (the browser starts sending as soon as
   * its side is done, the first keyframe with it): kept, still encrypted, and read once the session
   * publishes. Only the loop's thread touches it.
   */
  private final java.util.ArrayDeque<byte[]> early = new java.util.ArrayDeque<>();
  /** Early packets kept at most: a second of a 4 Mbit/s camera. */
  static final int MAX_EARLY_PACKETS = 512;
  long videoPackets;
  long audioPackets;
  long malformed;
  long keyframesAsked;
  long framesBefore;

  WhipSession(String id, String roomId, TrackKey key, java.util.List<String> layers, int ridExtension,
      int transportCcExtension, String ufrag, String pwd, String peerFingerprint, int videoPayloadType,
      int audioPayloadType, int ownSsrc, long now) {
    super(id, roomId, ufrag, pwd, peerFingerprint, now);
    this.transportCcExtension = transportCcExtension;
    this.transport = transportCcExtension > 0 ? new TransportFeedback() : null;
    this.key = key;
    this.layers = java.util.List.copyOf(layers);
    this.ridExtension = ridExtension;
    this.videoSsrcs = new int[layers.size()];
    this.rtxSsrcs = new int[layers.size()];
    this.lastKeyframeAskedMillis = new long[layers.size()];
    this.sawKeyframe = new boolean[layers.size()];
    this.videoPayloadType = videoPayloadType;
    this.audioPayloadType = audioPayloadType;
    this.ownSsrc = ownSsrc;
  }

  /**
   * The DTLS handshake is done: the session becomes the origin of its track in the room. False
   * when it was closed meanwhile.
   */
  synchronized boolean startPublishing(MediaHub hub, MediaDirectory directory) {
    if (state == State.CLOSED) {
      return false;
    }
    publishers = new OriginPublisher[layers.size()];
    depacketizers = new RtpDepacketizer[layers.size()];
    reorder = new ReorderBuffer[layers.size()];
    SimulcastClock clock = new SimulcastClock(layers.size());
    PublisherClock roomClock = new PublisherClock();
    for (int i = 0; i < publishers.length; i++) {
      int layer = i;
      reorder[i] = new ReorderBuffer((p, length) -> deliver(layer, p, length));
      OriginPublisher publisher = new OriginPublisher(hub, directory, roomId, new TrackKey(key.camera(), layers.get(i)))
          .withOwnOpus().sharingClock(roomClock);
      publishers[i] = publisher;
      depacketizers[i] = new RtpDepacketizer((kind, ms, body) ->
          publisher.frame(kind, kind == Flv.VIDEO ? clock.video(layer, ms) : ms, body));
    }
    if (audioPayloadType >= 0 && AudioTranscoder.available()) {
      try {
        toAac = AudioTranscoder.opusToAac(this::audio);
      } catch (RuntimeException e) {
        toAac = null; // FLV and RTMP players get the video alone; logged by the caller's summary
      }
    }
    state = State.CONNECTED;
    return true;
  }

  /** Takes retransmissions (and the browser's bandwidth probes) as RTX with {@code payloadType}. */
  void withRtx(int payloadType, int repairedRidExtension) {
    this.rtxPayloadType = payloadType;
    this.repairedRidExtension = repairedRidExtension;
  }

  /** Keeps a copy of an SRTP packet that came before the session published (at most {@link #MAX_EARLY_PACKETS}). */
  void holdEarly(byte[] p, int length) {
    if (early.size() < MAX_EARLY_PACKETS) {
      early.add(java.util.Arrays.copyOf(p, length));
    }
  }

  /** The oldest packet kept by {@link #holdEarly}, or null. */
  byte[] takeEarly() {
    return early.poll();
  }

  /** A decrypted RTP packet from the browser: H.264 or Opus by its payload type. */
  synchronized void rtp(byte[] p, int offset, int length) {
    if (state != State.CONNECTED) {
      return;
    }
    if (length > packet.length || length < Rtp.HEADER_BYTES) {
      malformed++;
      return;
    }
    System.arraycopy(p, offset, packet, 0, length);
    int type = packet[1] & 0x7F;
    try {
      if (transport != null) {
        Rtp.payloadOffset(packet, length); // validates the header before its extension is read
        int number = Rtp.extension(packet, length, transportCcExtension);
        if (number >= 0 && number >>> 16 == 2) {
          int at = number & 0xFFFF;
          transport.received(((packet[at] & 0xFF) << 8) | (packet[at + 1] & 0xFF), System.nanoTime() / 1000);
        }
      }
      if (type == videoPayloadType) {
        int layer = layer(Rtp.ssrc(packet), length);
        if (layer < 0) {
          unknownStream++;
          return;
        }
        videoPackets++;
        Rtp.payloadOffset(packet, length); // a broken header is not worth waiting for
        reorder[layer].packet(packet, length, Rtp.seq(packet), System.currentTimeMillis());
      } else if (type == rtxPayloadType) {
        rtx(length);
      } else if (type == audioPayloadType) {
        audioSsrc = Rtp.ssrc(packet);
        audioPackets++;
        opus(Rtp.timestamp(packet), Rtp.payloadOffset(packet, length), Rtp.payloadEnd(packet, length));
      }
    } catch (MediaFormatException e) {
      malformed++;
    }
  }

  /**
   * The layer of a video packet from {@code ssrc}: the one its SSRC was first seen with, else (a new
   * SSRC) the layer its rid names, else, without simulcast, the one layer. -1: none yet.
   */
  private int layer(int ssrc, int length) {
    for (int i = 0; i < videoSsrcs.length; i++) {
      if (videoSsrcs[i] == ssrc && ssrc != 0) {
        return i;
      }
    }
    if (ridExtension < 0) {
      videoSsrcs[0] = ssrc;
      return 0;
    }
    Rtp.payloadOffset(packet, length); // validates the header before its extension is read
    int rid = Rtp.extension(packet, length, ridExtension);
    if (rid < 0) {
      return -1;
    }
    String name = new String(packet, rid & 0xFFFF, rid >>> 16, java.nio.charset.StandardCharsets.US_ASCII);
    int i = layers.indexOf(name);
    if (i >= 0) {
      videoSsrcs[i] = ssrc;
    }
    return i;
  }

  /**
   * An RTX packet: a probe (padding only) is dropped; a retransmission is rebuilt as the packet it
   * repairs (the original sequence number from its first two bytes) and joins its layer's
   * sequence. Its layer is the one its RTX SSRC was first seen with, else the one its
   * repaired-rtp-stream-id names, else, without simulcast, the one layer.
   */
  private void rtx(int length) {
    int off = Rtp.payloadOffset(packet, length);
    int end = Rtp.payloadEnd(packet, length);
    if (end - off <= 2) {
      rtxProbes++;
      return;
    }
    int ssrc = Rtp.ssrc(packet);
    int layer = -1;
    for (int i = 0; i < rtxSsrcs.length; i++) {
      if (rtxSsrcs[i] == ssrc && ssrc != 0) {
        layer = i;
      }
    }
    if (layer < 0) {
      if (repairedRidExtension > 0) {
        int rid = Rtp.extension(packet, length, repairedRidExtension);
        layer = rid < 0 ? -1 : layers.indexOf(new String(packet, rid & 0xFFFF, rid >>> 16,
            java.nio.charset.StandardCharsets.US_ASCII));
      } else if (layers.size() == 1) {
        layer = 0;
      }
      if (layer < 0) {
        unknownStream++;
        return;
      }
      rtxSsrcs[layer] = ssrc;
    }
    if (videoSsrcs[layer] == 0) {
      return;
    }
    rtxPackets++;
    int osn = ((packet[off] & 0xFF) << 8) | (packet[off + 1] & 0xFF);
    int n = end - off - 2;
    Rtp.header(repaired, videoPayloadType, Rtp.marker(packet), osn, Rtp.timestamp(packet), videoSsrcs[layer]);
    System.arraycopy(packet, off + 2, repaired, Rtp.HEADER_BYTES, n);
    reorder[layer].packet(repaired, Rtp.HEADER_BYTES + n, osn, System.currentTimeMillis());
  }

  /** A layer's video packet, in sequence (or after a gap given up), into its depacketizer. */
  private void deliver(int layer, byte[] p, int length) {
    RtpDepacketizer depacketizer = depacketizers[layer];
    long before = depacketizer.videoFramesComplete();
    try {
      depacketizer.videoPacket(p, length);
    } catch (MediaFormatException e) {
      malformed++;
      return;
    }
    if (depacketizer.videoFramesComplete() > before && !depacketizer.needsKeyframe()) {
      sawKeyframe[layer] = true;
    }
  }

  /** A frame of sound (Opus, or the AAC made from it) into every layer's track: each plays with sound. */
  private void audio(long ms, byte[] body) {
    for (OriginPublisher p : publishers) {
      p.frame(Flv.AUDIO, ms, body);
    }
  }

  private void opus(long rtpTimestamp, int from, int to) {
    if (to <= from) {
      return; // padding, or DTX's empty packet
    }
    long ms = depacketizers[0].audioMillis(rtpTimestamp);
    byte[] body = new byte[Flv.OPUS_HEADER_BYTES + to - from];
    Flv.opusHeader(body);
    System.arraycopy(packet, from, body, Flv.OPUS_HEADER_BYTES, to - from);
    audio(ms, body);
    if (toAac != null) {
      toAac.packet(ms, packet, from, to - from);
    }
  }

  /**
   * The RTCP the node sends the browser now, written into {@code b}: a keyframe request (PLI,
   * RFC 4585) per layer when one is due, the bandwidth estimate (REMB) each second, and transport-cc
   * feedback every {@link TransportFeedback#INTERVAL_MILLIS} when negotiated. Returns its length,
   * 0 when nothing is due.
   */
  synchronized int feedback(byte[] b, long now) {
    if (state != State.CONNECTED) {
      return 0;
    }
    int n = 0;
    int streams = 0;
    for (int i = 0; i < videoSsrcs.length; i++) {
      if (videoSsrcs[i] == 0) {
        continue;
      }
      streams++;
      reorder[i].expire(now);
      boolean lost = depacketizers[i].needsKeyframe();
      long since = now - lastKeyframeAskedMillis[i];
      if ((lost || !sawKeyframe[i]) && since >= KEYFRAME_RETRY_MILLIS || since >= KEYFRAME_INTERVAL_MILLIS) {
        n = pli(b, n, videoSsrcs[i]);
        lastKeyframeAskedMillis[i] = now;
        keyframesAsked++;
      }
    }
    if (streams > 0 && now - lastEstimateMillis >= ESTIMATE_EVERY_MILLIS) {
      n = remb(b, n);
      lastEstimateMillis = now;
    }
    for (int i = 0; i < videoSsrcs.length; i++) {
      n = reorder[i].nack(b, n, ownSsrc, videoSsrcs[i], now);
    }
    if (transport != null && streams > 0) {
      n = transport.write(b, n, ownSsrc, firstVideoSsrc(), now);
    }
    return n;
  }

  private int firstVideoSsrc() {
    for (int ssrc : videoSsrcs) {
      if (ssrc != 0) {
        return ssrc;
      }
    }
    return 0;
  }

  private int pli(byte[] b, int o, int videoSsrc) {
    b[o] = (byte) 0x81; // V=2, FMT=1
    b[o + 1] = (byte) RtcpFeedback.PSFB;
    b[o + 2] = 0;
    b[o + 3] = 2;
    RtcpFeedback.putInt(b, o + 4, ownSsrc);
    RtcpFeedback.putInt(b, o + 8, videoSsrc);
    return o + 12;
  }

  /** Receiver-estimated maximum bitrate (draft-alvestrand-rmcat-remb) for the browser's SSRCs. */
  private int remb(byte[] b, int o) {
    int ssrcs = audioSsrc != 0 ? 1 : 0;
    for (int ssrc : videoSsrcs) {
      ssrcs += ssrc != 0 ? 1 : 0;
    }
    int exp = 0;
    long mantissa = ESTIMATE_BPS;
    while (mantissa > 0x3FFFF) {
      mantissa >>= 1;
      exp++;
    }
    b[o] = (byte) 0x8F; // V=2, FMT=15
    b[o + 1] = (byte) RtcpFeedback.PSFB;
    b[o + 2] = 0;
    b[o + 3] = (byte) (4 + ssrcs);
    RtcpFeedback.putInt(b, o + 4, ownSsrc);
    RtcpFeedback.putInt(b, o + 8, 0);
    b[o + 12] = 'R';
    b[o + 13] = 'E';
    b[o + 14] = 'M';
    b[o + 15] = 'B';
    b[o + 16] = (byte) ssrcs;
    b[o + 17] = (byte) ((exp << 2) | (mantissa >>> 16));
    b[o + 18] = (byte) (mantissa >>> 8);
    b[o + 19] = (byte) mantissa;
    int at = o + 20;
    for (int ssrc : videoSsrcs) {
      if (ssrc != 0) {
        RtcpFeedback.putInt(b, at, ssrc);
        at += 4;
      }
    }
    if (audioSsrc != 0) {
      RtcpFeedback.putInt(b, at, audioSsrc);
      at += 4;
    }
    return at;
  }

  /** A count summed over the layers' reorder buffers. */
  private long sum(java.util.function.ToLongFunction<ReorderBuffer> count) {
    long n = 0;
    for (int i = 0; reorder != null && i < reorder.length; i++) {
      n += count.applyAsLong(reorder[i]);
    }
    return n;
  }

  @Override
  String kind() {
    return "WHIP";
  }

  @Override
  String summary() {
    StringBuilder frames = new StringBuilder();
    for (int i = 0; depacketizers != null && i < depacketizers.length; i++) {
      frames.append(i == 0 ? "" : ", ").append(layers.get(i)).append(' ').append(depacketizers[i].videoFramesComplete())
          .append(" (dropped ").append(depacketizers[i].videoFramesDropped()).append(')');
    }
    return "received " + videoPackets + " video and " + audioPackets + " audio packets, video frames "
        + (depacketizers == null ? "none" : frames) + ", keyframes asked " + keyframesAsked
        + (unknownStream > 0 ? ", packets of no layer " + unknownStream : "")
        + ", NACKs " + sum(r -> r.nacksSent) + " (recovered " + sum(r -> r.recovered) + ", given up "
        + sum(r -> r.givenUp) + "; "
        + (rtxPayloadType < 0 ? "no RTX" : "RTX " + rtxPackets + ", probes " + rtxProbes) + ")"
        + (transport == null ? "" : ", transport feedback for " + transport.reported + " packets")
        + ", malformed " + malformed + ", refused by SRTP " + srtpRefused
        + (audioPayloadType >= 0 && toAac == null ? ", no AAC for FLV and RTMP players (FFmpeg missing)" : "");
  }

  @Override
  void closeMedia() {
    if (publishers != null) {
      for (OriginPublisher p : publishers) {
        p.close();
      }
    }
    if (toAac != null) {
      toAac.close();
    }
  }
}
