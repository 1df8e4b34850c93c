package io.shardcast.media.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
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

/**
 * A browser's side of DTLS-SRTP (RFC 5763), for WebRTC clients that are not browsers (the WebRTC
 * capacity benchmark's viewers): DTLS 1.2 with {@code use_srtp} offering {@code profiles}, its
 * own certificate (the one its offer's fingerprint names), and the node's certificate checked
 * against the answer's fingerprint. Once the handshake is done, {@link #keys} holds the SRTP keying
 * material and {@link #profile} the profile the node chose. BouncyCastle does the cryptography.
 */
public final class DtlsClient extends DefaultTlsClient {

  private final DtlsIdentity identity;
  private final String serverFingerprint;
  private final int[] profiles;
  /** The exported SRTP keying material, once the handshake is done. */
  public final AtomicReference<byte[]> keys = new AtomicReference<>();
  private int profile = -1;

  public DtlsClient(DtlsIdentity identity, String serverFingerprint, int... profiles) {
    super(identity.crypto);
    this.identity = identity;
    this.serverFingerprint = serverFingerprint;
    this.profiles = profiles;
  }

  /** The SRTP protection profile the node chose; -1 before the handshake. */
  public int profile() {
    return profile;
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
          throw new TlsFatalAlert(AlertDescription.bad_certificate);
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
