package io.shardcast.media.webrtc;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP for one WebRTC session, keyed from its DTLS handshake (RFC 5764 4.2): packets the
 * server sends are protected with the server's key and salt, packets it receives checked and
 * decrypted with the client's. The transforms are jitsi-srtp's; this class only sets them up and
 * keeps one context per SSRC. Sent packets may repeat a sequence number (a NACK answered from
 * history), so the send side does not refuse replays.
 */
public final class SrtpSession {

  private final SrtpContextFactory sender;
  private final SrtpContextFactory receiver;
  private final Map<Integer, SrtpCryptoContext> sendRtp = new HashMap<>();
  private final Map<Integer, SrtcpCryptoContext> sendRtcp = new HashMap<>();
  private final Map<Integer, SrtpCryptoContext> receiveRtp = new HashMap<>();
  private final Map<Integer, SrtcpCryptoContext> receiveRtcp = new HashMap<>();
  private final PacketBuffer out = new PacketBuffer(1500);
  /** The context of the SSRC sent last: a stream of one SSRC finds it without a map look-up (no boxing per packet). */
  private int lastSendSsrc;
  private SrtpCryptoContext lastSend;
  private final PacketBuffer in = new PacketBuffer(1500);

  /**
   * @param keyingMaterial the DTLS exporter's output: client key, server key, client salt, server salt
   * @param server true on the DTLS server's side (a node), false on the client's (tests)
   */
  public SrtpSession(int profile, byte[] keyingMaterial, boolean server) {
    int keyLength = SrtpTlsServer.keyLength(profile);
    int saltLength = SrtpTlsServer.saltLength(profile);
    if (keyingMaterial.length != 2 * (keyLength + saltLength)) {
      throw new IllegalArgumentException("keying material of " + keyingMaterial.length + " bytes for profile " + profile);
    }
    byte[] clientKey = slice(keyingMaterial, 0, keyLength);
    byte[] serverKey = slice(keyingMaterial, keyLength, keyLength);
    byte[] clientSalt = slice(keyingMaterial, 2 * keyLength, saltLength);
    byte[] serverSalt = slice(keyingMaterial, 2 * keyLength + saltLength, saltLength);
    LoggerImpl log = new LoggerImpl(SrtpSession.class.getName());
    sender = new SrtpContextFactory(true, server ? serverKey : clientKey, server ? serverSalt : clientSalt,
        policy(profile, true), policy(profile, true), log);
    receiver = new SrtpContextFactory(false, server ? clientKey : serverKey, server ? clientSalt : serverSalt,
        policy(profile, false), policy(profile, false), log);
  }

  private static SrtpPolicy policy(int profile, boolean send) {
    SrtpPolicy p = profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM
        ? new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, 16, SrtpPolicy.NULL_AUTHENTICATION, 0, 16, 12)
        : new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16, SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
    if (send) {
      p.setSendReplayEnabled(false);
    }
    return p;
  }

  /** Protects an RTP packet; the result is valid until the next call ({@code buffer()}, {@code length()}). */
  public PacketBuffer protectRtp(byte[] packet, int offset, int length) throws GeneralSecurityException {
    int ssrc = ssrcOfRtp(packet, offset);
    SrtpCryptoContext c = ssrc == lastSendSsrc ? lastSend : null;
    if (c == null) {
      c = sendRtp.get(ssrc);
      if (c == null) {
        c = sender.deriveContext(ssrc, 0);
        sendRtp.put(ssrc, c);
      }
      lastSendSsrc = ssrc;
      lastSend = c;
    }
    return check(c.transformPacket(out.load(packet, offset, length)), out);
  }

  /** Protects an RTCP packet (compound or not): its sender SSRC keys the context. */
  public PacketBuffer protectRtcp(byte[] packet, int offset, int length) throws GeneralSecurityException {
    int ssrc = ssrcOfRtcp(packet, offset);
    SrtcpCryptoContext c = sendRtcp.get(ssrc);
    if (c == null) {
      c = sender.deriveControlContext(ssrc);
      sendRtcp.put(ssrc, c);
    }
    return check(c.transformPacket(out.load(packet, offset, length)), out);
  }

  /** Checks and decrypts a received SRTP packet; null when it fails authentication or is a replay. */
  public PacketBuffer unprotectRtp(byte[] packet, int offset, int length) throws GeneralSecurityException {
    if (length < 12) {
      return null;
    }
    int ssrc = ssrcOfRtp(packet, offset);
    SrtpCryptoContext c = receiveRtp.get(ssrc);
    if (c == null) {
      c = receiver.deriveContext(ssrc, 0);
      receiveRtp.put(ssrc, c);
    }
    return c.reverseTransformPacket(in.load(packet, offset, length), false) == SrtpErrorStatus.OK ? in : null;
  }

  /** Checks and decrypts a received SRTCP packet; null when it fails. */
  public PacketBuffer unprotectRtcp(byte[] packet, int offset, int length) throws GeneralSecurityException {
    if (length < 8) {
      return null;
    }
    int ssrc = ssrcOfRtcp(packet, offset);
    SrtcpCryptoContext c = receiveRtcp.get(ssrc);
    if (c == null) {
      c = receiver.deriveControlContext(ssrc);
      receiveRtcp.put(ssrc, c);
    }
    return c.reverseTransformPacket(in.load(packet, offset, length)) == SrtpErrorStatus.OK ? in : null;
  }

  private static PacketBuffer check(SrtpErrorStatus status, PacketBuffer b) {
    if (status != SrtpErrorStatus.OK) {
      throw new IllegalStateException("SRTP protect failed: " + status);
    }
    return b;
  }

  private static int ssrcOfRtp(byte[] p, int o) {
    return ((p[o + 8] & 0xFF) << 24) | ((p[o + 9] & 0xFF) << 16) | ((p[o + 10] & 0xFF) << 8) | (p[o + 11] & 0xFF);
  }

  private static int ssrcOfRtcp(byte[] p, int o) {
    return ((p[o + 4] & 0xFF) << 24) | ((p[o + 5] & 0xFF) << 16) | ((p[o + 6] & 0xFF) << 8) | (p[o + 7] & 0xFF);
  }

  private static byte[] slice(byte[] b, int from, int len) {
    byte[] out = new byte[len];
    System.arraycopy(b, from, out, 0, len);
    return out;
  }

  public void close() {
    sender.close();
    receiver.close();
  }
}
