package io.shardcast.media.webrtc;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.play.Playback;
import io.shardcast.media.rtp.RtpPacketizer;
import java.net.InetSocketAddress;

/**
 * One WHEP viewer: its ICE credentials, the address its nominated check came from, its DTLS
 * handshake and SRTP keys, and its position in the room's media (a {@link Playback}, as an FLV
 * viewer has) packetized per RFC 6184 with the payload type its offer chose. All state but the
 * handshake's result is touched on the WebRTC thread only.
 */
final class WhepSession {

  enum State { CHECKING, HANDSHAKING, PLAYING, CLOSED }

  final String id;
  final String roomId;
  final String ufrag;
  final String pwd;
  final String peerFingerprint;
  final int videoSsrc;
  final int videoPayloadType;
  final long createdMillis;
  volatile State state = State.CHECKING;
  InetSocketAddress peer;
  long lastCheckMillis;
  DtlsTransport dtls;
  SrtpTlsServer tls;
  volatile SrtpSession srtp;
  Playback playback;
  RtpPacketizer packetizer;
  long packetsSent;
  long bytesSent;
  String closeReason;
  /** A ByteBuffer over the SRTP buffer's array, made again only when the array changes. */
  private java.nio.ByteBuffer view;

  WhepSession(String id, String roomId, String ufrag, String pwd, String peerFingerprint, int videoSsrc,
      int videoPayloadType, long now) {
    this.id = id;
    this.roomId = roomId;
    this.ufrag = ufrag;
    this.pwd = pwd;
    this.peerFingerprint = peerFingerprint;
    this.videoSsrc = videoSsrc;
    this.videoPayloadType = videoPayloadType;
    this.createdMillis = now;
    this.lastCheckMillis = now;
  }

  void startPlayback(MediaRoom room, long maxLagMillis, RtpPacketizer.Sink sink) {
    playback = new Playback(room, null, null, MediaFrame.FLV, 0, 1, maxLagMillis, null);
    packetizer = new RtpPacketizer(videoSsrc, videoSsrc + 1, videoPayloadType, sink);
  }

  /** Sends what the room has for this viewer now: video only until audio is transcoded to Opus. */
  void pump(long nowMillis) {
    MediaFrame f;
    while ((f = playback.nextFrame(nowMillis)) != null) {
      if (f.isVideo()) {
        packetizer.frame(f);
      }
    }
  }

  /** {@code b}'s packet as a ByteBuffer for the channel, without a wrapper per packet. */
  java.nio.ByteBuffer view(PacketBuffer b) {
    if (view == null || view.array() != b.getBuffer()) {
      view = java.nio.ByteBuffer.wrap(b.getBuffer());
    }
    view.limit(b.getOffset() + b.getLength()).position(b.getOffset());
    return view;
  }

  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    closeReason = reason;
    if (dtls != null) {
      dtls.close();
    }
    if (playback != null) {
      playback.leave();
    }
    SrtpSession s = srtp;
    if (s != null) {
      s.close();
    }
  }
}
