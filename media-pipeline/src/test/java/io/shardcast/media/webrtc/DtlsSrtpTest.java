package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.junit.jupiter.api.Test;

/**
 * A real DTLS 1.2 handshake between the node's server side and BouncyCastle's client playing the
 * browser (its own certificate, use_srtp, the server's fingerprint from the answer checked), over
 * two in-memory datagram queues: both sides export the same SRTP keys, packets protected by one
 * side open on the other, and tampered or replayed ones do not. A browser whose certificate is not
 * the one its offer named is refused.
 */
class DtlsSrtpTest {

  /** Runs a handshake; returns the server and client once both are done (or the first failure). */
  private static SrtpTlsServer handshake(SrtpTlsServer server, DtlsClient client) throws Exception {
    AtomicReference<DtlsTransport> toServer = new AtomicReference<>();
    AtomicReference<DtlsTransport> toClient = new AtomicReference<>();
    toServer.set(new DtlsTransport((b, o, l) -> toClient.get().offer(b, o, l)));
    toClient.set(new DtlsTransport((b, o, l) -> toServer.get().offer(b, o, l)));
    CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
      try {
        new DTLSServerProtocol().accept(server, toServer.get());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      new DTLSClientProtocol().connect(client, toClient.get());
    } finally {
      try {
        serverSide.get(20, TimeUnit.SECONDS);
      } finally {
        toServer.get().close();
        toClient.get().close();
      }
    }
    return server;
  }

  @Test
  void bothSidesExportTheSameKeysAndSrtpOpensOnlyWhatTheOtherSideProtected() throws Exception {
    DtlsIdentity node = DtlsIdentity.create();
    DtlsIdentity browser = DtlsIdentity.create();
    for (int profile : new int[] {SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}) {
      DtlsClient client = new DtlsClient(browser, node.fingerprint, profile);
      SrtpTlsServer server = handshake(new SrtpTlsServer(node, browser.fingerprint), client);
      assertEquals(profile, server.profile());
      assertEquals(profile, client.profile(), "the client took the profile the node chose");
      assertNotNull(server.keyingMaterial());
      assertArrayEquals(client.keys.get(), server.keyingMaterial(), "one set of keys for both sides");

      SrtpSession nodeSide = new SrtpSession(profile, server.keyingMaterial(), true);
      SrtpSession browserSide = new SrtpSession(profile, client.keys.get(), false);
      byte[] rtp = rtp(1, 0x1234ABCD, "a frame's bytes");
      PacketBuffer sent = nodeSide.protectRtp(rtp, 0, rtp.length);
      byte[] wire = Arrays.copyOfRange(sent.getBuffer(), sent.getOffset(), sent.getOffset() + sent.getLength());
      assertEquals(rtp.length + (profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM ? 16 : 10), wire.length);
      PacketBuffer opened = browserSide.unprotectRtp(wire, 0, wire.length);
      assertNotNull(opened);
      assertArrayEquals(rtp, Arrays.copyOfRange(opened.getBuffer(), opened.getOffset(),
          opened.getOffset() + opened.getLength()));
      assertNull(browserSide.unprotectRtp(wire, 0, wire.length), "a replayed packet is refused");
      byte[] tampered = nodeSide.protectRtp(rtp(2, 0x1234ABCD, "another"), 0, rtp.length - 8).getBuffer().clone();
      tampered[14] ^= 1;
      assertNull(browserSide.unprotectRtp(tampered, 0, rtp.length - 8 + (wire.length - rtp.length)),
          "a tampered packet is refused");
      // And the other way: the browser's RTCP (a receiver report) opens at the node.
      byte[] rtcp = {(byte) 0x80, (byte) 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
      PacketBuffer rr = browserSide.protectRtcp(rtcp, 0, rtcp.length);
      byte[] rrWire = Arrays.copyOfRange(rr.getBuffer(), rr.getOffset(), rr.getOffset() + rr.getLength());
      PacketBuffer rrOpen = nodeSide.unprotectRtcp(rrWire, 0, rrWire.length);
      assertNotNull(rrOpen);
      assertArrayEquals(rtcp, Arrays.copyOfRange(rrOpen.getBuffer(), rrOpen.getOffset(),
          rrOpen.getOffset() + rrOpen.getLength()));
      nodeSide.close();
      browserSide.close();
    }
  }

  @Test
  void aBrowserWhoseCertificateIsNotTheOneItsOfferNamedIsRefused() {
    DtlsIdentity node = DtlsIdentity.create();
    DtlsIdentity browser = DtlsIdentity.create();
    DtlsIdentity impostor = DtlsIdentity.create();
    DtlsClient client = new DtlsClient(impostor, node.fingerprint, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
    SrtpTlsServer server = new SrtpTlsServer(node, browser.fingerprint);
    Exception e = assertThrows(Exception.class, () -> handshake(server, client));
    assertNull(server.keyingMaterial(), "no keys for the impostor: " + e);
  }

  private static byte[] rtp(int seq, int ssrc, String payload) {
    byte[] p = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = new byte[12 + p.length];
    out[0] = (byte) 0x80;
    out[1] = 102;
    out[2] = (byte) (seq >>> 8);
    out[3] = (byte) seq;
    out[8] = (byte) (ssrc >>> 24);
    out[9] = (byte) (ssrc >>> 16);
    out[10] = (byte) (ssrc >>> 8);
    out[11] = (byte) ssrc;
    System.arraycopy(p, 0, out, 12, p.length);
    return out;
  }
}
