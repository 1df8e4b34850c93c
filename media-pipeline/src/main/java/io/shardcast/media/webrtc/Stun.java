package io.shardcast.media.webrtc;

import io.shardcast.media.format.MediaFormatException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN messages an ICE-lite server exchanges (RFC 8489, RFC 8445): it reads Binding requests
 * and answers them, nothing more. MESSAGE-INTEGRITY is HMAC-SHA1 from the JDK's {@link Mac} under
 * the server's ICE password; FINGERPRINT is CRC-32 xor 0x5354554E. A request that does not parse
 * throws {@link MediaFormatException}; the caller drops it and keeps the session.
 */
public final class Stun {

  public static final int BINDING_REQUEST = 0x0001;
  public static final int BINDING_SUCCESS = 0x0101;
  public static final int BINDING_ERROR = 0x0111;
  static final int MAGIC_COOKIE = 0x2112A442;
  static final int HEADER_BYTES = 20;
  static final int USERNAME = 0x0006;
  static final int MESSAGE_INTEGRITY = 0x0008;
  static final int ERROR_CODE = 0x0009;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  static final int PRIORITY = 0x0024;
  static final int USE_CANDIDATE = 0x0025;
  static final int FINGERPRINT = 0x8028;
  static final int ICE_CONTROLLING = 0x802A;
  private static final int FINGERPRINT_XOR = 0x5354554E;
  private static final int INTEGRITY_BYTES = 20;

  private Stun() {}

  /** True when a datagram looks like STUN (RFC 7983: first byte 0..3, the magic cookie in place). */
  public static boolean is(byte[] p, int length) {
    return length >= HEADER_BYTES && (p[0] & 0xC0) == 0 && ByteBuffer.wrap(p, 4, 4).getInt() == MAGIC_COOKIE;
  }

  /** A parsed Binding request: who asks (the USERNAME), whether it nominates, and where integrity starts. */
  public record Request(byte[] transactionId, String username, boolean useCandidate, boolean controlling,
      int integrityOffset, byte[] integrity) {

    /** The server's ufrag: USERNAME is {@code <server ufrag>:<client ufrag>} in a request to the server. */
    public String localUfrag() {
      int colon = username.indexOf(':');
      return colon < 0 ? username : username.substring(0, colon);
    }
  }

  /** Parses a Binding request; anything else (or a malformed one) throws. */
  public static Request parseRequest(byte[] p, int length) {
    if (!is(p, length)) {
      throw new MediaFormatException("STUN: not a STUN message");
    }
    ByteBuffer b = ByteBuffer.wrap(p, 0, length);
    int type = b.getShort(0) & 0xFFFF;
    int bodyLength = b.getShort(2) & 0xFFFF;
    if (type != BINDING_REQUEST) {
      throw new MediaFormatException("STUN: message type 0x" + Integer.toHexString(type) + " (only Binding requests)");
    }
    if (bodyLength % 4 != 0 || HEADER_BYTES + bodyLength != length) {
      throw new MediaFormatException("STUN: length " + bodyLength + " does not match the datagram's " + length);
    }
    byte[] transaction = new byte[12];
    System.arraycopy(p, 8, transaction, 0, 12);
    String username = null;
    boolean useCandidate = false;
    boolean controlling = false;
    int integrityOffset = -1;
    byte[] integrity = null;
    int pos = HEADER_BYTES;
    while (pos + 4 <= length) {
      int attr = b.getShort(pos) & 0xFFFF;
      int len = b.getShort(pos + 2) & 0xFFFF;
      int value = pos + 4;
      if (value + len > length) {
        throw new MediaFormatException("STUN: attribute 0x" + Integer.toHexString(attr) + " runs past the message");
      }
      if (integrityOffset >= 0 && attr != FINGERPRINT) {
        throw new MediaFormatException("STUN: attribute after MESSAGE-INTEGRITY");
      }
      switch (attr) {
        case USERNAME -> username = new String(p, value, len, StandardCharsets.UTF_8);
        case USE_CANDIDATE -> useCandidate = true;
        case ICE_CONTROLLING -> controlling = true;
        case MESSAGE_INTEGRITY -> {
          if (len != INTEGRITY_BYTES) {
            throw new MediaFormatException("STUN: MESSAGE-INTEGRITY of " + len + " bytes");
          }
          integrityOffset = pos;
          integrity = new byte[INTEGRITY_BYTES];
          System.arraycopy(p, value, integrity, 0, INTEGRITY_BYTES);
        }
        default -> { }
      }
      pos = value + ((len + 3) & ~3);
    }
    if (username == null || integrity == null) {
      throw new MediaFormatException("STUN: a Binding request without USERNAME and MESSAGE-INTEGRITY");
    }
    return new Request(transaction, username, useCandidate, controlling, integrityOffset, integrity);
  }

  /** Whether the request's MESSAGE-INTEGRITY holds under {@code password} (the server's ice-pwd). */
  public static boolean verify(byte[] p, Request r, String password) {
    byte[] copy = new byte[r.integrityOffset()];
    System.arraycopy(p, 0, copy, 0, copy.length);
    // The length field counts up to and including MESSAGE-INTEGRITY (RFC 8489 14.5).
    int lengthForIntegrity = r.integrityOffset() + 4 + INTEGRITY_BYTES - HEADER_BYTES;
    copy[2] = (byte) (lengthForIntegrity >>> 8);
    copy[3] = (byte) lengthForIntegrity;
    return MessageDigest.isEqual(hmac(password, copy, copy.length), r.integrity());
  }

  /** A Binding success response to {@code r} from the address it came from, signed with {@code password}. */
  public static byte[] success(Request r, InetSocketAddress from, String password) {
    InetAddress address = from.getAddress();
    int addressBytes = address instanceof Inet6Address ? 16 : 4;
    int xorLength = 4 + addressBytes;
    int body = 4 + xorLength + 4 + INTEGRITY_BYTES + 4 + 4;
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + body);
    b.putShort((short) BINDING_SUCCESS).putShort((short) 0).putInt(MAGIC_COOKIE).put(r.transactionId());
    b.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) xorLength);
    b.put((byte) 0).put((byte) (address instanceof Inet4Address ? 1 : 2));
    b.putShort((short) (from.getPort() ^ (MAGIC_COOKIE >>> 16)));
    byte[] raw = address.getAddress();
    byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(r.transactionId()).array();
    for (int i = 0; i < raw.length; i++) {
      b.put((byte) (raw[i] ^ mask[i]));
    }
    sign(b, password);
    return b.array();
  }

  /**
   * A controlling agent's Binding request to a server whose ufrag and password are
   * {@code serverUfrag}/{@code serverPassword}, nominating the pair when {@code useCandidate}: what a
   * browser sends, for clients that are not browsers (the WebRTC capacity benchmark's viewers).
   */
  public static byte[] request(byte[] transactionId, String serverUfrag, String clientUfrag, String serverPassword,
      boolean useCandidate) {
    byte[] user = (serverUfrag + ":" + clientUfrag).getBytes(StandardCharsets.UTF_8);
    int padded = (user.length + 3) & ~3;
    int body = 4 + padded + 8 + 12 + (useCandidate ? 4 : 0) + 4 + INTEGRITY_BYTES + 4 + 4;
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + body);
    b.putShort((short) BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId, 0, 12);
    b.putShort((short) USERNAME).putShort((short) user.length).put(user);
    b.position(b.position() + padded - user.length);
    b.putShort((short) PRIORITY).putShort((short) 4).putInt(0x6E7F1EFF);
    b.putShort((short) ICE_CONTROLLING).putShort((short) 8).putLong(0x5ADC0DEL);
    if (useCandidate) {
      b.putShort((short) USE_CANDIDATE).putShort((short) 0);
    }
    sign(b, serverPassword);
    return b.array();
  }

  /** A Binding error response (401 for a failed integrity check, 400 for a malformed request). */
  public static byte[] error(byte[] transactionId, int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int errorLength = 4 + text.length;
    int padded = (errorLength + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 4 + padded + 8);
    b.putShort((short) BINDING_ERROR).putShort((short) (4 + padded + 8)).putInt(MAGIC_COOKIE).put(transactionId);
    b.putShort((short) ERROR_CODE).putShort((short) errorLength).putShort((short) 0)
        .put((byte) (code / 100)).put((byte) (code % 100)).put(text);
    b.position(HEADER_BYTES + 4 + padded);
    fingerprint(b);
    return b.array();
  }

  /** Writes MESSAGE-INTEGRITY and FINGERPRINT after what {@code b} holds, fixing the length each time. */
  private static void sign(ByteBuffer b, String password) {
    int integrityAt = b.position();
    b.putShort(2, (short) (integrityAt + 4 + INTEGRITY_BYTES - HEADER_BYTES));
    byte[] mac = hmac(password, b.array(), integrityAt);
    b.putShort((short) MESSAGE_INTEGRITY).putShort((short) INTEGRITY_BYTES).put(mac);
    fingerprint(b);
  }

  private static void fingerprint(ByteBuffer b) {
    int at = b.position();
    b.putShort(2, (short) (at + 8 - HEADER_BYTES));
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, at);
    b.putShort((short) FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
  }

  private static byte[] hmac(String password, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA1 is part of every JDK", e);
    }
  }
}
