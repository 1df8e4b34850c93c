package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.media.format.MediaFormatException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** A browser's WHEP offer read as the server needs it, the ICE-lite answer, and STUN Binding checks. */
class SdpAndStunTest {

  /** The shape of Chromium's recvonly offer for WHEP (payload types and ids vary by build). */
  static final String CHROMIUM_OFFER = String.join("\r\n",
      "v=0",
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1",
      "a=extmap-allow-mixed",
      "a=msid-semantic: WMS",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:Yx0e",
      "a=ice-pwd:u3dZ6zvF6hXQ7W0TtYQ2n7oR",
      "a=ice-options:trickle",
      "a=fingerprint:sha-256 9A:52:4B:1C:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB",
      "a=setup:actpass",
      "a=mid:0",
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=recvonly",
      "a=rtcp-mux",
      "a=rtpmap:111 opus/48000/2",
      "a=rtcp-fb:111 transport-cc",
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=rtpmap:63 red/48000/2",
      "a=rtpmap:9 G722/8000",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:8 PCMA/8000",
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 103 104 109 114",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:Yx0e",
      "a=ice-pwd:u3dZ6zvF6hXQ7W0TtYQ2n7oR",
      "a=fingerprint:sha-256 9A:52:4B:1C:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB",
      "a=setup:actpass",
      "a=mid:1",
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "a=recvonly",
      "a=rtcp-mux",
      "a=rtcp-rsize",
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 nack",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "a=rtpmap:103 H264/90000",
      "a=rtcp-fb:103 goog-remb",
      "a=rtcp-fb:103 transport-cc",
      "a=rtcp-fb:103 ccm fir",
      "a=rtcp-fb:103 nack",
      "a=rtcp-fb:103 nack pli",
      "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
      "a=rtpmap:104 rtx/90000",
      "a=fmtp:104 apt=103",
      "a=rtpmap:109 H264/90000",
      "a=rtcp-fb:109 nack",
      "a=rtcp-fb:109 nack pli",
      "a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      "a=rtpmap:114 H264/90000",
      "a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
      "") ;

  @Test
  void chromiumsOfferReadsAsTheServerNeedsIt() {
    SdpOffer offer = SdpOffer.parse(CHROMIUM_OFFER);
    assertEquals(2, offer.media().size());
    SdpOffer.Media audio = offer.media().get(0);
    assertEquals("audio", audio.kind());
    assertEquals("0", audio.mid());
    assertEquals("recvonly", audio.direction());
    assertEquals("Yx0e", audio.iceUfrag());
    assertEquals("sha-256", audio.fingerprintAlgorithm());
    assertTrue(audio.rtcpMux());
    SdpOffer.Codec opus = audio.codec("opus", c -> true);
    assertEquals(111, opus.payloadType());
    assertEquals(2, opus.channels());
    assertEquals("1", opus.fmtp("useinbandfec"));
    SdpOffer.Media video = offer.media().get(1);
    SdpOffer.Codec h264 = video.codec("H264", c -> "1".equals(c.fmtp("packetization-mode"))
        && c.fmtp("profile-level-id").startsWith("42e0"));
    assertEquals(109, h264.payloadType());
    assertEquals(List.of("nack", "nack pli"), h264.feedback());
    assertEquals(3, video.extension("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));
    assertEquals(-1, video.extension("urn:nothing"));
  }

  @Test
  void badOffersAreRefusedWithWhatIsWrong() {
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse(""));
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse("hello"));
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse("v=0\r\ns=-\r\n"), "no media section");
    MediaFormatException pt = assertThrows(MediaFormatException.class,
        () -> SdpOffer.parse("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF x\r\n"));
    assertTrue(pt.getMessage().contains("payload type"), pt.getMessage());
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse("v=0\r\nm=video 9 P 96\r\na=rtpmap:96 H264\r\n"));
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse("v=0\r\n" + "a=x\r\n".repeat(20_000)));
  }

  @Test
  void theAnswerIsIceLiteWithOneCodecPerSectionAndHostCandidates() {
    SdpOffer offer = SdpOffer.parse(CHROMIUM_OFFER);
    SdpOffer.Media video = offer.media().get(1);
    SdpOffer.Codec h264 = video.codec("H264", c -> "1".equals(c.fmtp("packetization-mode")));
    String answer = SdpAnswer.write(List.of(
        new SdpAnswer.Section(offer.media().get(0), null, "inactive", 0, "c", List.of(), List.of()),
        new SdpAnswer.Section(video, h264, "sendonly", 12345, "shardcast", List.of("nack", "nack pli"), List.of(3))),
        "abcd", "0123456789abcdefghijkl", "AA:BB", List.of(new SdpAnswer.Candidate("udp", "127.0.0.1", 8480),
            new SdpAnswer.Candidate("tcp", "127.0.0.1", 8480)), 7);
    assertTrue(answer.contains("a=ice-lite\r\n"));
    assertTrue(answer.contains("m=audio 0 "), "the section not served is rejected");
    assertTrue(answer.contains("m=video 8480 UDP/TLS/RTP/SAVPF 103\r\n"), answer);
    assertTrue(answer.contains("a=setup:passive\r\n"));
    assertTrue(answer.contains("a=rtcp-fb:103 nack pli\r\n"));
    assertTrue(answer.contains("typ host tcptype passive\r\n"));
    assertTrue(answer.contains("a=ssrc:12345 cname:shardcast\r\n"));
    SdpOffer again = SdpOffer.parse(answer);
    assertEquals("sendonly", again.media().get(1).direction(), "the answer reads back");
  }

  @Test
  void aSimulcastOfferNamesItsStreamsAndTheAnswerTakesThemWithFecForAViewer() {
    String offer = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
        "m=video 9 UDP/TLS/RTP/SAVPF 102 63 117",
        "a=mid:0", "a=sendonly", "a=ice-ufrag:u", "a=ice-pwd:p", "a=fingerprint:sha-256 AA:BB",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
        "a=rtpmap:102 H264/90000", "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f",
        "a=rtpmap:63 red/90000", "a=rtpmap:117 ulpfec/90000",
        "a=rid:source send", "a=rid:half send", "a=rid:quarter send", "a=simulcast:send source;half;quarter", "");
    SdpOffer.Media video = SdpOffer.parse(offer).media().get(0);
    assertEquals(List.of("source", "half", "quarter"), video.rids());
    assertEquals(10, video.extension("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
    SdpOffer.Codec h264 = video.codec("H264", c -> true);
    String answer = SdpAnswer.write(List.of(new SdpAnswer.Section(video, h264, "recvonly", 0, "shardcast", List.of(),
        List.of(4, 10), List.of(), video.rids())), "abcd", "0123456789abcdefghijkl", "AA:BB",
        List.of(new SdpAnswer.Candidate("udp", "127.0.0.1", 8480)), 7);
    assertTrue(answer.contains("a=rid:source recv\r\na=rid:half recv\r\na=rid:quarter recv\r\n"), answer);
    assertTrue(answer.contains("a=simulcast:recv source;half;quarter\r\n"), answer);
    assertTrue(answer.contains("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"), answer);
    // A viewer's offer with RED and ULPFEC: the answer sends video in RED with ULPFEC beside H.264.
    String fec = SdpAnswer.write(List.of(new SdpAnswer.Section(video, h264, "sendonly", 5, "shardcast", List.of(),
        List.of(), List.of(video.codec("red", c -> true), video.codec("ulpfec", c -> true)), List.of())),
        "abcd", "0123456789abcdefghijkl", "AA:BB", List.of(new SdpAnswer.Candidate("udp", "127.0.0.1", 8480)), 7);
    assertTrue(fec.contains("m=video 8480 UDP/TLS/RTP/SAVPF 102 63 117\r\n"), fec);
    assertTrue(fec.contains("a=rtpmap:63 red/90000\r\na=rtpmap:117 ulpfec/90000\r\n"), fec);
    // More streams than a room has layers for are refused as the offer is read.
    assertThrows(MediaFormatException.class, () -> SdpOffer.parse(offer.replace("a=simulcast",
        "a=rid:a send\r\na=rid:b send\r\na=simulcast")));
  }

  @Test
  void aClientsBindingRequestReadsBackAndHoldsUnderTheServersPassword() {
    byte[] id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    byte[] request = Stun.request(id, "srv1", "cli1", "0123456789abcdefghijkl", true);
    Stun.Request r = Stun.parseRequest(request, request.length);
    assertEquals("srv1:cli1", r.username());
    assertTrue(r.useCandidate());
    assertTrue(r.controlling());
    assertTrue(Stun.verify(request, r, "0123456789abcdefghijkl"));
    assertFalse(Stun.verify(request, r, "another-password-entirely"));
    byte[] consent = Stun.request(id, "srv1", "cli1", "0123456789abcdefghijkl", false);
    assertFalse(Stun.parseRequest(consent, consent.length).useCandidate());
  }

  @Test
  void aBindingRequestSignedWithTheServersPasswordIsAnsweredAndAnyOtherIsNot() throws Exception {
    String password = "0123456789abcdefghijkl";
    byte[] request = bindingRequest("srv1:cli1", password, true);
    assertTrue(Stun.is(request, request.length));
    Stun.Request r = Stun.parseRequest(request, request.length);
    assertEquals("srv1", r.localUfrag());
    assertTrue(r.useCandidate());
    assertTrue(Stun.verify(request, r, password));
    assertFalse(Stun.verify(request, r, "another-password-entirely"));
    byte[] response = Stun.success(r, new InetSocketAddress("127.0.0.1", 50_000), password);
    ByteBuffer b = ByteBuffer.wrap(response);
    assertEquals(Stun.BINDING_SUCCESS, b.getShort(0) & 0xFFFF);
    assertEquals(response.length - 20, b.getShort(2) & 0xFFFF);
    // XOR-MAPPED-ADDRESS: the port and address the request came from, xored with the cookie.
    assertEquals(Stun.XOR_MAPPED_ADDRESS, b.getShort(20));
    assertEquals(50_000, (b.getShort(26) & 0xFFFF) ^ (Stun.MAGIC_COOKIE >>> 16));
    assertEquals(0x7F000001, b.getInt(28) ^ Stun.MAGIC_COOKIE);
    // The response's own integrity, as the browser checks it.
    int integrityAt = 20 + 12;
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    byte[] signed = response.clone();
    signed[2] = 0;
    signed[3] = (byte) (integrityAt + 24 - 20);
    mac.update(signed, 0, integrityAt);
    byte[] expected = mac.doFinal();
    byte[] got = new byte[20];
    System.arraycopy(response, integrityAt + 4, got, 0, 20);
    assertTrue(java.util.Arrays.equals(expected, got), "MESSAGE-INTEGRITY under the server's password");
    byte[] error = Stun.error(r.transactionId(), 401, "Unauthorized");
    assertEquals(Stun.BINDING_ERROR, ByteBuffer.wrap(error).getShort(0) & 0xFFFF);

    byte[] truncated = java.util.Arrays.copyOf(request, request.length - 4);
    assertThrows(MediaFormatException.class, () -> Stun.parseRequest(truncated, truncated.length));
    assertThrows(MediaFormatException.class, () -> Stun.parseRequest(new byte[20], 20), "no magic cookie");
  }

  /** A Binding request as a browser sends one: USERNAME, PRIORITY, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT. */
  static byte[] bindingRequest(String username, String password, boolean nominate) throws Exception {
    byte[] user = username.getBytes(StandardCharsets.UTF_8);
    int userPadded = (user.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(20 + 4 + userPadded + 8 + (nominate ? 4 : 0) + 24 + 8);
    b.putShort((short) Stun.BINDING_REQUEST).putShort((short) 0).putInt(Stun.MAGIC_COOKIE);
    b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    b.putShort((short) Stun.USERNAME).putShort((short) user.length).put(user);
    b.position(b.position() + userPadded - user.length);
    b.putShort((short) Stun.PRIORITY).putShort((short) 4).putInt(1_845_501_695);
    if (nominate) {
      b.putShort((short) Stun.USE_CANDIDATE).putShort((short) 0);
    }
    int integrityAt = b.position();
    b.putShort(2, (short) (integrityAt + 24 - 20));
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    mac.update(b.array(), 0, integrityAt);
    b.putShort((short) Stun.MESSAGE_INTEGRITY).putShort((short) 20).put(mac.doFinal());
    int fpAt = b.position();
    b.putShort(2, (short) (fpAt + 8 - 20));
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 0, fpAt);
    b.putShort((short) Stun.FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554E);
    return b.array();
  }

  @Test
  void theNodesIdentityHasAFingerprintAsSdpWritesIt() {
    DtlsIdentity id = DtlsIdentity.create();
    assertNotNull(id.certificate);
    assertTrue(id.fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), id.fingerprint);
  }
}
