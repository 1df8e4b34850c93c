package io.shardcast.bench;

import io.shardcast.media.webrtc.DtlsClient;
import io.shardcast.media.webrtc.DtlsIdentity;
import io.shardcast.media.webrtc.Stun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.UDPTransport;

/**
 * Lean WebRTC viewers for the capacity benchmark: each posts a WHEP offer, checks ICE with the
 * node (a Binding request that nominates), completes DTLS with BouncyCastle's client and its own
 * certificate, then only counts the SRTP bytes that arrive: the node's cost (packetizing and
 * encrypting per viewer) is what is measured, so the viewers neither decrypt nor answer with
 * RTCP. One thread reads every viewer's socket and keeps ICE consent with a check every 5 s.
 */
final class WhepPlayers implements AutoCloseable {

  private static final Pattern UFRAG = Pattern.compile("a=ice-ufrag:(\\S+)");
  private static final Pattern PWD = Pattern.compile("a=ice-pwd:(\\S+)");
  private static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:sha-256 (\\S+)");
  private static final Pattern CANDIDATE = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ (\\S+) (\\d+) typ host");
  private static final long CONSENT_EVERY_NANOS = 5_000_000_000L;

  /** One viewer: its socket, its session's URL and the node's ICE credentials. */
  private record Viewer(DatagramChannel channel, String session, String serverUfrag, String clientUfrag, String pwd) {}

  private final List<Viewer> viewers;
  private final long[] bytes;
  private final Selector selector;
  private final Thread reader;
  private final String httpBase;
  private volatile boolean running = true;

  private WhepPlayers(List<Viewer> viewers, String httpBase) throws IOException {
    this.viewers = viewers;
    this.httpBase = httpBase;
    this.bytes = new long[viewers.size()];
    this.selector = Selector.open();
    for (int i = 0; i < viewers.size(); i++) {
      DatagramChannel c = viewers.get(i).channel();
      c.configureBlocking(false);
      c.register(selector, SelectionKey.OP_READ, i);
    }
    this.reader = new Thread(this::read, "whep-players");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Connects {@code n} viewers to room {@code roomId} over WHEP on the node at {@code host}
   * ({@code httpPort} takes the offers), {@code parallel} set-ups at a time.
   */
  static WhepPlayers connect(String host, int httpPort, String roomId, int n, int parallel) throws Exception {
    DtlsIdentity identity = DtlsIdentity.create();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://" + host + ":" + httpPort;
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<Viewer>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(pool.submit(() -> connectOne(http, base, roomId, identity)));
      }
      List<Viewer> viewers = new ArrayList<>();
      for (Future<Viewer> f : pending) {
        viewers.add(f.get());
      }
      return new WhepPlayers(viewers, base);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Viewer connectOne(HttpClient http, String base, String roomId, DtlsIdentity identity) throws Exception {
    SecureRandom random = new SecureRandom();
    String ufrag = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    String pwd = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/whep/" + roomId))
        .header("Content-Type", "application/sdp").timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(offer(ufrag, pwd, identity.fingerprint))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("WHEP offer refused: " + r.statusCode() + " " + r.body());
    }
    String answer = r.body();
    String serverUfrag = find(UFRAG, answer, 1);
    String serverPwd = find(PWD, answer, 1);
    String serverFingerprint = find(FINGERPRINT, answer, 1);
    InetSocketAddress node = new InetSocketAddress(find(CANDIDATE, answer, 1), Integer.parseInt(find(CANDIDATE, answer, 2)));
    DatagramChannel channel = DatagramChannel.open();
    channel.bind(new InetSocketAddress("127.0.0.1", 0));
    channel.connect(node);
    channel.socket().setSoTimeout(5_000);
    byte[] check = Stun.request(transaction(random), serverUfrag, ufrag, serverPwd, true);
    channel.write(ByteBuffer.wrap(check));
    ByteBuffer in = ByteBuffer.allocate(2048);
    channel.socket().receive(new java.net.DatagramPacket(in.array(), in.capacity()));
    new DTLSClientProtocol().connect(new DtlsClient(identity, serverFingerprint,
        SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80),
        new UDPTransport(channel.socket(), 1500));
    return new Viewer(channel, base + r.headers().firstValue("Location").orElseThrow(), serverUfrag, ufrag, serverPwd);
  }

  /** Bytes each viewer has received so far. */
  long[] snapshot() {
    synchronized (bytes) {
      return bytes.clone();
    }
  }

  int size() {
    return viewers.size();
  }

  private void read() {
    ByteBuffer in = ByteBuffer.allocateDirect(2048);
    SecureRandom random = new SecureRandom();
    long nextConsent = System.nanoTime() + CONSENT_EVERY_NANOS;
    try {
      while (running) {
        selector.select(200);
        for (SelectionKey k : selector.selectedKeys()) {
          DatagramChannel c = (DatagramChannel) k.channel();
          int i = (Integer) k.attachment();
          long got = 0;
          for (int read; (read = c.read(in.clear())) > 0; ) {
            got += read;
          }
          synchronized (bytes) {
            bytes[i] += got;
          }
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() > nextConsent) {
          nextConsent = System.nanoTime() + CONSENT_EVERY_NANOS;
          for (Viewer v : viewers) {
            v.channel().write(ByteBuffer.wrap(Stun.request(transaction(random), v.serverUfrag(), v.clientUfrag(),
                v.pwd(), false)));
          }
        }
      }
    } catch (IOException e) {
      if (running) {
        System.err.println("WHEP players stopped reading: " + e);
      }
    }
  }

  /** Ends every session (DELETE) and closes the sockets. */
  @Override
  public void close() throws Exception {
    running = false;
    reader.join(2000);
    HttpClient http = HttpClient.newHttpClient();
    for (Viewer v : viewers) {
      try {
        http.send(HttpRequest.newBuilder(URI.create(v.session())).DELETE().timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // the node forgets it after the consent timeout anyway
      }
      v.channel().close();
    }
    selector.close();
  }

  /** A recvonly offer as Chromium makes it, cut to what the node reads: Opus, and H.264 in the High and Baseline profiles. */
  static String offer(String ufrag, String pwd, String fingerprint) {
    String ice = "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\na=fingerprint:sha-256 " + fingerprint
        + "\r\na=setup:actpass\r\n";
    return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n" + ice + "a=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n"
        + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
        + "m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\nc=IN IP4 0.0.0.0\r\n" + ice + "a=mid:1\r\na=recvonly\r\na=rtcp-mux\r\n"
        + "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
        + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640032\r\n"
        + "a=rtpmap:103 H264/90000\r\na=rtcp-fb:103 nack\r\na=rtcp-fb:103 nack pli\r\n"
        + "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
  }

  private static String find(Pattern p, String text, int group) throws IOException {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IOException("the WHEP answer has no " + p.pattern() + ": " + text);
    }
    return m.group(group);
  }

  private static byte[] transaction(SecureRandom random) {
    byte[] id = new byte[12];
    random.nextBytes(id);
    return id;
  }
}
