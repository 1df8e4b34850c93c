package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.junit.jupiter.api.Test;

/**
 * A real DTLS 1.2 handshake between the node's server side and BouncyCastle's client playing the
 * browser (its own certificate, use_srtp, the server's fingerprint from the answer checked), over
 * two in-memory datagram queues: both sides export the same SRTP keys, packets protected by one
 * side open on the other, and tampered or replayed ones do not. A browser whose certificate is not
 * the one its offer named is refused.
 */
class DtlsSrtpTest {

  /** A browser's DTLS side, as far as the test needs one. */
  static final class BrowserClient extends DefaultTlsClient {
    final DtlsIdentity identity;
    final String serverFingerprint;
    final int[] profiles;
    final AtomicReference<byte[]> keys = new AtomicReference<>();
    int profile = -1;

    BrowserClient(DtlsIdentity identity, String serverFingerprint, int... profiles) {
      super(identity.crypto);
      this.identity = identity;
      this.serverFingerprint = serverFingerprint;
      this.profiles = profiles;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
      Hashtable ext = super.getClientExtensions();
      TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profiles, new byte[0]));
      return ext;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
      super.processServerExtensions(serverExtensions);
      profile = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate c) throws IOException {
          String seen = DtlsIdentity.fingerprint(c.getCertificate().getCertificateAt(0).getEncoded());
          if (!DtlsIdentity.sameFingerprint(seen, serverFingerprint)) {
            throw new TlsFatalAlert(org.bouncycastle.tls.AlertDescription.bad_certificate);
          }
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest request) {
          return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), identity.crypto,
              identity.privateKey, identity.certificate,
              new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
      };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      int length = 2 * (SrtpTlsServer.keyLength(profile) + SrtpTlsServer.saltLength(profile));
      keys.set(context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, length));
    }
  }

  /** Runs a handshake; returns the server and client once both are done (or the first failure). */
  private static SrtpTlsServer handshake(SrtpTlsServer server, BrowserClient client) throws Exception {
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
      BrowserClient client = new BrowserClient(browser, node.fingerprint, profile);
      SrtpTlsServer server = handshake(new SrtpTlsServer(node, browser.fingerprint), client);
      assertEquals(profile, server.profile());
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
    BrowserClient client = new BrowserClient(impostor, node.fingerprint, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
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
