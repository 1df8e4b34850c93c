package io.shardcast.media.webrtc;

import java.net.SocketAddress;

/**
 * What every WebRTC session on the node's port has, whichever way its media goes (a WHEP viewer,
 * a WHIP publisher): its ICE credentials, the address its nominated check came from, the browser's
 * certificate fingerprint, its DTLS handshake and SRTP keys, and its life (set up, connected,
 * closed, and why). State other than the handshake's result is touched on the WebRTC thread.
 */
abstract class PeerSession {

  enum State { CHECKING, HANDSHAKING, CONNECTED, CLOSED }

  final String id;
  final String roomId;
  /** The node's ICE credentials for this session; new ones with each ICE restart. */
  volatile String ufrag;
  volatile String pwd;
  /** The browser's ICE username fragment: a PATCH naming another one restarts ICE. */
  volatile String remoteUfrag;
  final String peerFingerprint;
  final long createdMillis;
  volatile State state = State.CHECKING;
  /** Where the browser's nominated check came from: a UDP address, or its {@link TcpLink}. */
  SocketAddress peer;
  long lastCheckMillis;
  DtlsTransport dtls;
  /** The DTLS connection once the handshake is done: it answers the browser's retransmitted last flight. */
  volatile org.bouncycastle.tls.DTLSTransport secured;
  SrtpTlsServer tls;
  volatile SrtpSession srtp;
  String closeReason;
  /** RTP and RTCP packets that failed SRTP's check (forged, replayed or garbage). */
  long srtpRefused;
  /** The time the RTCP reader runs at: set by the loop before it reads a packet of this session. */
  long nowMillis;
  /** A ByteBuffer over the SRTP buffer's array, made again only when the array changes. */
  private java.nio.ByteBuffer view;

  PeerSession(String id, String roomId, String ufrag, String pwd, String peerFingerprint, long now) {
    this.id = id;
    this.roomId = roomId;
    this.ufrag = ufrag;
    this.pwd = pwd;
    this.peerFingerprint = peerFingerprint;
    this.createdMillis = now;
    this.lastCheckMillis = now;
  }

  /** "WHEP" or "WHIP", for the logs. */
  abstract String kind();

  /** One line for the log when the session ends: what went through it. */
  abstract String summary();

  /** Lets go of the session's media (the room's playback, the publisher's track); under the session's lock. */
  abstract void closeMedia();

  /** {@code b}'s packet as a ByteBuffer for the channel, without a wrapper per packet. */
  java.nio.ByteBuffer view(PacketBuffer b) {
    if (view == null || view.array() != b.getBuffer()) {
      view = java.nio.ByteBuffer.wrap(b.getBuffer());
    }
    view.limit(b.getOffset() + b.getLength()).position(b.getOffset());
    return view;
  }

  synchronized void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    closeReason = reason;
    if (dtls != null) {
      dtls.close();
    }
    closeMedia();
    SrtpSession s = srtp;
    if (s != null) {
      s.close();
    }
  }
}
