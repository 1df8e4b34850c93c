package io.shardcast.media.webrtc;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.play.LayerSelector;
import io.shardcast.media.play.Playback;
import io.shardcast.media.rtp.RtpPacketizer;

/**
 * One WHEP viewer ({@link PeerSession} has its ICE and DTLS): its position in the room's media (a
 * {@link Playback}, as an FLV viewer has) packetized per RFC 6184 with the payload type its offer
 * chose, Opus beside it, and what its browser reports.
 */
final class WhepSession extends PeerSession implements RtcpFeedback.Listener {

  final int videoSsrc;
  /** The camera and layer asked for ({@code ?camera=&layer=}); null: the room's active camera, the layer the bandwidth holds. */
  final String camera;
  final String layer;
  final int videoPayloadType;
  final int audioSsrc;
  /** Opus's payload type in the answer, or -1 when the offer had no Opus to receive. */
  final int audioPayloadType;
  Playback playback;
  RtpPacketizer packetizer;
  long packetsSent;
  long bytesSent;
  /** Packets asked for again, sent again, and asked for too late (gone from the history). */
  long nacked;
  long resent;
  long tooLate;
  long keyframeRequests;
  /** The browser's last report: loss of 256, jitter in 90 kHz units, round-trip time (-1: none yet). */
  int fractionLost;
  int jitter;
  long rttMillis = -1;
  /** The browser's bandwidth estimate (REMB), bits per second; 0 before the first. */
  long estimateBps;
  long lastReportSentMillis;
  long lastVideoSentMillis;
  long lastKeyframeSentMillis;
  long lastAudioSentMillis;
  long audioPackets;
  long audioBytes;
  /** RED's and ULPFEC's payload types when the offer had both (-1: no FEC). */
  int redPayloadType = -1;
  int ulpfecPayloadType = -1;
  /** NACKs and video packets at the last receiver report: the loss between two reports, for the FEC. */
  private long nackedAtReport;
  private long videoSentAtReport;
  /** The sink of resent packets: the session's send, set with the playback. */
  private RtpPacketizer.Sink sink;
  /** Video packets the history can make again: about four seconds of a 2.5 Mbps stream. */
  static final int HISTORY_PACKETS = 1024;
  /** A session's first keyframe is at most this far behind the newest frame (see {@link Playback#freshStart}). */
  static final long FRESH_START_MILLIS = 100;
  /** A keyframe request this soon after a keyframe went out is about loss before it: that keyframe answers it. */
  static final long KEYFRAME_REQUEST_GRACE_MILLIS = 300;
  WhepSession(String id, String roomId, String camera, String layer, String ufrag, String pwd, String peerFingerprint,
      int videoSsrc, int videoPayloadType, int audioPayloadType, long now) {
    super(id, roomId, ufrag, pwd, peerFingerprint, now);
    this.camera = camera;
    this.layer = layer;
    this.audioSsrc = videoSsrc + 1;
    this.audioPayloadType = audioPayloadType;
    this.videoSsrc = videoSsrc;
    this.videoPayloadType = videoPayloadType;
  }

  /** Sends FEC (ULPFEC in RED) as the loss the browser reports asks for. */
  void withUlpfec(int redPayloadType, int ulpfecPayloadType) {
    this.redPayloadType = redPayloadType;
    this.ulpfecPayloadType = ulpfecPayloadType;
  }

  /**
   * Media packets per FEC packet for a path that loses {@code loss} (0..1) of them: none on a clean
   * path, more parity as loss grows (one group loses more than one packet less often than the
   * round trip of a NACK costs a frame).
   */
  static int fecGroupFor(double loss) {
    return loss < 0.005 ? 0 : loss < 0.03 ? 10 : loss < 0.07 ? 6 : loss < 0.12 ? 4 : loss < 0.2 ? 3 : 2;
  }

  /**
   * The DTLS handshake is done: the session plays {@code room} and counts as one of its viewers on
   * this node (what keeps the node subscribed to the room's relay), until {@link #close}. False when
   * the session was closed meanwhile.
   */
  synchronized boolean startPlayback(MediaRoom room, long maxLagMillis, LayerSelector layers, RtpPacketizer.Sink sink) {
    if (state == State.CLOSED) {
      return false;
    }
    room.viewerJoined();
    playback = new Playback(room, camera, layer, MediaFrame.FLV, 0, 1, maxLagMillis, layers).opusAudio()
        .freshStart(FRESH_START_MILLIS);
    packetizer = new RtpPacketizer(videoSsrc, audioSsrc, videoPayloadType, sink).withHistory(HISTORY_PACKETS)
        .withOpus(audioPayloadType);
    if (redPayloadType >= 0) {
      packetizer.withUlpfec(redPayloadType, ulpfecPayloadType);
    }
    this.sink = sink;
    state = State.CONNECTED;
    return true;
  }

  /** Sends what the room has for this viewer now: H.264 video and Opus audio (when the offer took it). */
  void pump(long nowMillis) {
    MediaFrame f;
    while ((f = playback.nextFrame(nowMillis)) != null) {
      if (f.isAudio()) {
        if (audioPayloadType >= 0 && !f.config) {
          packetizer.frame(f);
          lastAudioSentMillis = nowMillis;
          audioPackets++;
          audioBytes += f.body.length - io.shardcast.media.flv.Flv.OPUS_HEADER_BYTES + 12;
        }
      } else if (f.isVideo()) {
        packetizer.frame(f);
        if (!f.config) {
          lastVideoSentMillis = nowMillis;
          if (f.keyframe) {
            lastKeyframeSentMillis = nowMillis;
          }
        }
      }
    }
  }

  /**
   * An RTCP sender report for the video stream into {@code b} (RFC 3550 6.4.1): the wall clock as
   * NTP time beside the RTP time it corresponds to (the last frame's, moved on by the time since it
   * was sent), and the packet and byte counts. Returns its length, or 0 before any video was sent.
   */
  int senderReport(byte[] b, long nowMillis) {
    long last = packetizer.lastVideoTimestamp();
    if (last < 0) {
      return 0;
    }
    long rtp = (last + (nowMillis - lastVideoSentMillis) * 90) & 0xFFFFFFFFL;
    writeReport(b, videoSsrc, nowMillis, rtp, packetsSent - audioPackets, bytesSent - audioBytes);
    lastReportSentMillis = nowMillis;
    return 28;
  }

  /** The sender report of the audio stream, on the same wall clock as the video's (lip sync); 0 before any audio. */
  int audioSenderReport(byte[] b, long nowMillis) {
    long last = packetizer.lastAudioTimestamp();
    if (last < 0) {
      return 0;
    }
    long rtp = (last + (nowMillis - lastAudioSentMillis) * 48) & 0xFFFFFFFFL;
    writeReport(b, audioSsrc, nowMillis, rtp, audioPackets, audioBytes);
    return 28;
  }

  private static void writeReport(byte[] b, int ssrc, long nowMillis, long rtp, long packets, long bytes) {
    long ntpSeconds = nowMillis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
    long ntpFraction = ((nowMillis % 1000) << 32) / 1000;
    b[0] = (byte) 0x80;
    b[1] = (byte) RtcpFeedback.SR;
    b[2] = 0;
    b[3] = 6;
    RtcpFeedback.putInt(b, 4, ssrc);
    RtcpFeedback.putInt(b, 8, (int) ntpSeconds);
    RtcpFeedback.putInt(b, 12, (int) ntpFraction);
    RtcpFeedback.putInt(b, 16, (int) rtp);
    RtcpFeedback.putInt(b, 20, (int) packets);
    RtcpFeedback.putInt(b, 24, (int) bytes);
  }

  /** Seconds from 1900 (NTP's epoch) to 1970. */
  private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

  @Override
  public void report(int sourceSsrc, int lost, int cumulativeLost, int jitter, int lastSr, int delaySinceSr) {
    if (sourceSsrc != videoSsrc) {
      return;
    }
    fractionLost = lost;
    this.jitter = jitter;
    if (packetizer != null && redPayloadType >= 0) {
      // The report's loss counts packets that came late by NACK as received: the NACKs since the
      // last report say what the path lost before they were sent again.
      long video = packetsSent - audioPackets;
      long sent = video - videoSentAtReport;
      double nackLoss = sent > 0 ? (nacked - nackedAtReport) / (double) sent : 0;
      packetizer.fecGroup(fecGroupFor(Math.max(lost / 256.0, nackLoss)));
      nackedAtReport = nacked;
      videoSentAtReport = video;
    }
    if (lastSr != 0) {
      // RFC 3550 6.4.1: now - LSR - DLSR, in 1/65536 s, on the middle 32 bits of NTP time.
      long ntpSeconds = nowMillis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
      long ntpFraction = ((nowMillis % 1000) << 32) / 1000;
      int middle = (int) ((ntpSeconds << 16) | (ntpFraction >>> 16));
      long rtt = (middle - lastSr - delaySinceSr) & 0xFFFFFFFFL;
      if (rtt < 65536L * 10) { // a sane value: under ten seconds
        rttMillis = rtt * 1000 / 65536;
      }
    }
  }

  @Override
  public void nack(int mediaSsrc, int seq) {
    if (mediaSsrc != videoSsrc || packetizer == null) {
      return;
    }
    nacked++;
    if (packetizer.resend(seq)) {
      resent++;
    } else {
      tooLate++;
    }
  }

  @Override
  public void keyframeRequest(int mediaSsrc) {
    if (mediaSsrc != videoSsrc || playback == null) {
      return;
    }
    keyframeRequests++;
    if (nowMillis - lastKeyframeSentMillis > KEYFRAME_REQUEST_GRACE_MILLIS) {
      // From an RTMP encoder no keyframe can be asked for: the deltas before the next keyframe
      // cannot be decoded, so they are not sent (the bandwidth goes to the keyframe).
      playback.awaitKeyframe();
    }
  }

  @Override
  public void estimate(long bitsPerSecond) {
    estimateBps = bitsPerSecond;
    if (playback != null && bitsPerSecond > 0) {
      playback.bandwidth(bitsPerSecond / 8.0, nowMillis); // the layer the browser's estimate holds
    }
  }

  /** One line for the log: what the session sent and what the browser reported. */
  @Override
  String summary() {
    return "sent " + packetsSent + " packets (" + bytesSent + " bytes; " + audioPackets + " of them audio), video frames skipped "
        + (playback == null ? 0 : playback.droppedVideo()) + ", layer switches " + (playback == null ? 0 : playback.switches())
        + ", NACKed " + nacked + " (resent " + resent
        + ", too late " + tooLate + "), keyframe requests " + keyframeRequests + ", last loss " + fractionLost
        + "/256, rtt " + rttMillis + " ms, estimate " + estimateBps / 1000 + " kbps, FEC "
        + (redPayloadType < 0 ? "not offered" : packetizer == null ? "none"
            : packetizer.fecPackets() + " packets, last 1 per " + packetizer.fecGroup());
  }

  @Override
  String kind() {
    return "WHEP";
  }

  @Override
  void closeMedia() {
    if (playback != null) {
      playback.leave();
      playback.room().viewerLeft();
    }
  }
}
