package io.shardcast.media.webrtc;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A node's DTLS identity for WebRTC: an ECDSA P-256 key with a self-signed certificate, made at
 * start (browsers check it against the answer's {@code a=fingerprint}, not against any authority),
 * and its SHA-256 fingerprint as SDP writes it.
 */
public final class DtlsIdentity {

  public final BcTlsCrypto crypto;
  public final Certificate certificate;
  public final AsymmetricKeyParameter privateKey;
  /** {@code AB:CD:...}, the SHA-256 of the certificate's DER encoding. */
  public final String fingerprint;

  private DtlsIdentity(BcTlsCrypto crypto, Certificate certificate, AsymmetricKeyParameter privateKey,
      String fingerprint) {
    this.crypto = crypto;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.fingerprint = fingerprint;
  }

  /** A fresh identity, valid from a day ago for thirty days (a node restarts long before). */
  public static DtlsIdentity create() {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = kpg.generateKeyPair();
      X500Name name = new X500Name("CN=shardcast");
      long now = System.currentTimeMillis();
      X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE),
          new Date(now - 86_400_000L), new Date(now + 30 * 86_400_000L), name, keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      byte[] der = holder.getEncoded();
      BcTlsCrypto crypto = new BcTlsCrypto(random);
      Certificate certificate = new Certificate(new TlsCertificate[] {new BcTlsCertificate(crypto, der)});
      return new DtlsIdentity(crypto, certificate, PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()),
          fingerprint(der));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the node's DTLS certificate", e);
    }
  }

  /** SHA-256 of {@code der} as {@code AB:CD:...}. */
  public static String fingerprint(byte[] der) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(der);
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static boolean sameFingerprint(String a, String b) {
    return a != null && b != null && a.trim().equalsIgnoreCase(b.trim());
  }

  static byte[] empty() {
    return TlsUtils.EMPTY_BYTES;
  }
}
