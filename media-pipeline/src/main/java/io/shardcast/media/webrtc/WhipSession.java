package io.shardcast.media.webrtc;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.OriginPublisher;
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
  /** The SSRC the node's RTCP comes from. */
  final int ownSsrc;
  private OriginPublisher publisher;
  private RtpDepacketizer depacketizer;
  private AudioTranscoder toAac;
  /** The browser's SSRCs, learnt from its first packets (what a PLI and REMB name); 0 before. */
  private int videoSsrc;
  private int audioSsrc;
  /** Decrypted packets are copied here, at offset 0, for the depacketizer. */
  private final byte[] packet = new byte[1500];
  private long lastKeyframeAskedMillis;
  private long lastEstimateMillis;
  private boolean sawKeyframe;
  long videoPackets;
  long audioPackets;
  long malformed;
  long keyframesAsked;
  long framesBefore;

  WhipSession(String id, String roomId, TrackKey key, String ufrag, String pwd, String peerFingerprint,
      int videoPayloadType, int audioPayloadType, int ownSsrc, long now) {
    super(id, roomId, ufrag, pwd, peerFingerprint, now);
    this.key = key;
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
    publisher = new OriginPublisher(hub, directory, roomId, key).withOwnOpus();
    depacketizer = new RtpDepacketizer(publisher::frame);
    if (audioPayloadType >= 0 && AudioTranscoder.available()) {
      try {
        toAac = AudioTranscoder.opusToAac((ts, body) -> publisher.frame(Flv.AUDIO, ts, body));
      } catch (RuntimeException e) {
        toAac = null; // FLV and RTMP players get the video alone; logged by the caller's summary
      }
    }
    state = State.CONNECTED;
    return true;
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
      if (type == videoPayloadType) {
        videoSsrc = Rtp.ssrc(packet);
        videoPackets++;
        long before = depacketizer.videoFramesComplete();
        depacketizer.videoPacket(packet, length);
        if (depacketizer.videoFramesComplete() > before && !depacketizer.needsKeyframe()) {
          sawKeyframe = true;
        }
      } else if (type == audioPayloadType) {
        audioSsrc = Rtp.ssrc(packet);
        audioPackets++;
        opus(Rtp.timestamp(packet), Rtp.payloadOffset(packet, length), Rtp.payloadEnd(packet, length));
      }
    } catch (MediaFormatException e) {
      malformed++;
    }
  }

  private void opus(long rtpTimestamp, int from, int to) {
    if (to <= from) {
      return; // padding, or DTX's empty packet
    }
    long ms = depacketizer.audioMillis(rtpTimestamp);
    byte[] body = new byte[Flv.OPUS_HEADER_BYTES + to - from];
    Flv.opusHeader(body);
    System.arraycopy(packet, from, body, Flv.OPUS_HEADER_BYTES, to - from);
    publisher.frame(Flv.AUDIO, ms, body);
    if (toAac != null) {
      toAac.packet(ms, packet, from, to - from);
    }
  }

  /**
   * The RTCP the node sends the browser now, written into {@code b}: a keyframe request (PLI,
   * RFC 4585) when one is due and the bandwidth estimate (REMB) each second. Returns its length,
   * 0 when nothing is due.
   */
  synchronized int feedback(byte[] b, long now) {
    if (videoSsrc == 0 || state != State.CONNECTED) {
      return 0;
    }
    int n = 0;
    boolean lost = depacketizer.needsKeyframe();
    long since = now - lastKeyframeAskedMillis;
    if ((lost || !sawKeyframe) && since >= KEYFRAME_RETRY_MILLIS || since >= KEYFRAME_INTERVAL_MILLIS) {
      n = pli(b, n);
      lastKeyframeAskedMillis = now;
      keyframesAsked++;
    }
    if (now - lastEstimateMillis >= ESTIMATE_EVERY_MILLIS) {
      n = remb(b, n);
      lastEstimateMillis = now;
    }
    return n;
  }

  private int pli(byte[] b, int o) {
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
    int ssrcs = audioSsrc != 0 ? 2 : 1;
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
    RtcpFeedback.putInt(b, o + 20, videoSsrc);
    if (ssrcs == 2) {
      RtcpFeedback.putInt(b, o + 24, audioSsrc);
    }
    return o + 20 + 4 * ssrcs;
  }

  @Override
  String kind() {
    return "WHIP";
  }

  @Override
  String summary() {
    return "received " + videoPackets + " video and " + audioPackets + " audio packets, video frames "
        + (depacketizer == null ? 0 : depacketizer.videoFramesComplete()) + " (dropped "
        + (depacketizer == null ? 0 : depacketizer.videoFramesDropped()) + "), keyframes asked " + keyframesAsked
        + ", malformed " + malformed + ", refused by SRTP " + srtpRefused
        + (audioPayloadType >= 0 && toAac == null ? ", no AAC for FLV and RTMP players (FFmpeg missing)" : "");
  }

  @Override
  void closeMedia() {
    if (publisher != null) {
      publisher.close();
    }
    if (toAac != null) {
      toAac.close();
    }
  }
}
