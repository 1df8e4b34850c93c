package io.shardcast.media.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;

/**
 * The DTLS 1.2 server side of one WebRTC session (RFC 5763, RFC 5764), on BouncyCastle's TLS: an
 * ECDSA certificate, the browser's certificate required and checked against the fingerprint of
 * its offer, the use_srtp extension with the profile chosen from the browser's list, and the SRTP
 * keying material exported when the handshake completes (the only moment BouncyCastle allows it).
 */
final class SrtpTlsServer extends DefaultTlsServer {

  /** SRTP profiles in order of preference, with their key and salt lengths. */
  static final int[] PROFILES = {SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
      SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80};

  private final DtlsIdentity identity;
  private final String peerFingerprint;
  private int profile = -1;
  private volatile byte[] keyingMaterial;

  SrtpTlsServer(DtlsIdentity identity, String peerFingerprint) {
    super(identity.crypto);
    this.identity = identity;
    this.peerFingerprint = peerFingerprint;
  }

  int profile() {
    return profile;
  }

  /** Client key, server key, client salt, server salt (RFC 5764 4.2); null before the handshake completed. */
  byte[] keyingMaterial() {
    return keyingMaterial;
  }

  static int keyLength(int profile) {
    return 16;
  }

  static int saltLength(int profile) {
    return profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM ? 12 : 14;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256};
  }

  @Override
  protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), identity.crypto, identity.privateKey,
        identity.certificate, new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
  }

  @Override
  public CertificateRequest getCertificateRequest() throws IOException {
    Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
    return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
        algorithms, null);
  }

  @Override
  public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
    if (clientCertificate == null || clientCertificate.isEmpty()) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate);
    }
    String seen = DtlsIdentity.fingerprint(clientCertificate.getCertificateAt(0).getEncoded());
    if (!DtlsIdentity.sameFingerprint(seen, peerFingerprint)) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate);
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void processClientExtensions(Hashtable clientExtensions) throws IOException {
    super.processClientExtensions(clientExtensions);
    UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
    if (offered == null) {
      throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }
    for (int wanted : PROFILES) {
      for (int p : offered.getProtectionProfiles()) {
        if (p == wanted) {
          profile = p;
          return;
        }
      }
    }
    throw new TlsFatalAlert(AlertDescription.handshake_failure);
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getServerExtensions() throws IOException {
    Hashtable extensions = super.getServerExtensions();
    if (extensions == null) {
      extensions = new Hashtable();
    }
    TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {profile}, TlsUtils.EMPTY_BYTES));
    return extensions;
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    int length = 2 * (keyLength(profile) + saltLength(profile));
    keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, length);
  }
}
