package io.shardcast.media.webrtc;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import io.shardcast.media.format.MediaFormatException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC playback (WHEP, RFC 9725) and publishing (WHIP, RFC 9725) on one UDP port per node,
 * ICE-lite: sessions are told apart by the ICE username of their checks, then by the address their
 * nominated check came from. One thread reads the port (STUN answered at once, DTLS records handed
 * to the session's handshake, SRTCP read, a publisher's SRTP rebuilt into the room's track) and
 * sends each playing session's media from the room's shared frames; BouncyCastle's
 * blocking DTLS handshakes run on a small pool. A session that does not finish ICE and DTLS within
 * {@link #SETUP_MILLIS}, or whose browser stops its consent checks for {@link #CONSENT_MILLIS}, is
 * closed and forgotten.
 */
public final class WebRtcService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebRtcService.class);
  static final long SETUP_MILLIS = 10_000;
  static final long CONSENT_MILLIS = 30_000;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** What an offer gets: the answer and the session's id, or a refusal with its HTTP status. */
  public record Answer(int status, String code, String message, String sessionId, String sdp) {
    static Answer refuse(int status, String code, String message) {
      return new Answer(status, code, message, null, null);
    }
  }

  private final MediaHub hub;
  private final MediaDirectory directory;
  private final String host;
  private final long maxLagMillis;
  /** A new viewer's layer selector (driven by its bandwidth estimate), as FLV viewers have. */
  private final java.util.function.Supplier<io.shardcast.media.play.LayerSelector> layers;
  private final DtlsIdentity identity = DtlsIdentity.create();
  private final DatagramChannel channel;
  /** The TCP fallback on the same port number (ICE-TCP passive); null when that port is taken. */
  private final ServerSocketChannel tcp;
  private final java.util.Set<TcpLink> links = java.util.Collections.newSetFromMap(new ConcurrentHashMap<>());
  /** Browsers' TCP connections at most at once; more are closed as they come. */
  static final int MAX_TCP_LINKS = 4096;
  /** Packets read from a TCP link are copied here (one at a time, on the loop's thread). */
  private final byte[] tcpPacket = new byte[TcpLink.MAX_PACKET];
  private final SecureRandom random = new SecureRandom();
  private final Map<String, PeerSession> byUfrag = new ConcurrentHashMap<>();
  private final Map<String, PeerSession> byId = new ConcurrentHashMap<>();
  private final Map<SocketAddress, PeerSession> byAddress = new ConcurrentHashMap<>();
  private final ExecutorService handshakes = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "dtls-handshake");
    t.setDaemon(true);
    return t;
  });
  private final Thread thread;
  /** Sessions playing at the last pass: frames wake the loop only when some are. */
  private volatile int playing;
  private volatile boolean running = true;
  private final ByteBuffer in = ByteBuffer.allocate(2048);
  /** Sender reports are written here (on the loop's thread), then protected. */
  private final byte[] report = new byte[1400];
  /** How often each session gets a sender report (the browser's A/V sync and round-trip time). */
  private static final long REPORT_INTERVAL_MILLIS = 1_000;
  /** Wakes the loop for a datagram, a frame published on this node ({@link #wake}) or the next expiry check. */
  private final Selector selector;
  /** How long the loop sleeps with nothing to do: sessions' timeouts are checked this often. */
  private static final long IDLE_WAIT_MILLIS = 500;

  /**
   * Binds {@code iface}:{@code port} (0: any free port); answers name {@code candidateHost} (an IP
   * address, or a name resolved here: browsers take addresses in candidates) and the bound port.
   */
  public WebRtcService(MediaHub hub, MediaDirectory directory, String iface, String candidateHost, int port,
      long maxLagMillis, java.util.function.Supplier<io.shardcast.media.play.LayerSelector> layers) throws IOException {
    this.layers = layers;
    this.hub = hub;
    this.directory = directory;
    try {
      this.host = InetAddress.getByName(candidateHost).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IOException("cannot resolve the WebRTC candidate address " + candidateHost + ": " + e.getMessage(), e);
    }
    this.maxLagMillis = maxLagMillis;
    this.channel = DatagramChannel.open();
    try {
      channel.bind(new InetSocketAddress(iface, port));
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot bind the WebRTC port " + iface + ":" + port + ": " + e.getMessage(), e);
    }
    channel.configureBlocking(false);
    this.selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
    this.tcp = openTcp(iface, ((InetSocketAddress) channel.getLocalAddress()).getPort());
    this.thread = new Thread(this::run, "webrtc");
    thread.setDaemon(true);
    thread.start();
  }

  /** CPU time the service's loop has used (every session's media, STUN, RTCP), in nanoseconds. */
  public long loopCpuNanos() {
    return Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId()));
  }

  public int port() {
    return ((InetSocketAddress) channelAddress()).getPort();
  }

  /** The TCP fallback's listener on the UDP port's number, or null (with a warning) when it is taken. */
  private ServerSocketChannel openTcp(String iface, int port) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(new InetSocketAddress(iface, port), 256);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      return server;
    } catch (IOException e) {
      server.close();
      log.warn("WebRTC: TCP port {} is taken ({}); browsers that cannot use UDP will not connect", port, e.getMessage());
      return null;
    }
  }

  /** The node's candidates: UDP, and TCP (passive) when its listener is open. */
  private List<SdpAnswer.Candidate> candidates() {
    return tcp == null ? List.of(new SdpAnswer.Candidate("udp", host, port()))
        : List.of(new SdpAnswer.Candidate("udp", host, port()), new SdpAnswer.Candidate("tcp", host, port()));
  }

  private SocketAddress channelAddress() {
    try {
      return channel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int sessions() {
    return byId.size();
  }

  /**
   * {@code POST /whep/<roomId>}: the offer answered once the room's media is on this node;
   * {@code camera} and {@code layer} as a player's {@code ?camera=&layer=} (null: the active camera,
   * the layer the viewer's bandwidth holds).
   */
  public CompletionStage<Answer> offer(String roomId, String camera, String layer, String sdp) {
    SdpOffer offer;
    try {
      offer = SdpOffer.parse(sdp);
    } catch (MediaFormatException e) {
      return CompletableFuture.completedFuture(Answer.refuse(400, "BAD_SDP", e.getMessage()));
    }
    return directory.watch(roomId).thenApply(d -> d.ok() ? answer(roomId, camera, layer, offer)
        : Answer.refuse(d.verdict().httpStatus, d.verdict().name(), d.message()));
  }

  private Answer answer(String roomId, String camera, String layer, SdpOffer offer) {
    MediaRoom room = hub.room(roomId);
    String profile = streamProfile(room);
    List<SdpAnswer.Section> sections = new ArrayList<>();
    SdpOffer.Media video = null;
    SdpOffer.Codec codec = null;
    SdpOffer.Codec opus = null;
    SdpOffer.Codec red = null;
    SdpOffer.Codec ulpfec = null;
    for (SdpOffer.Media m : offer.media()) {
      SdpOffer.Codec c = null;
      if (opus == null && m.kind().equals("audio") && !m.direction().equals("sendonly")
          && !m.direction().equals("inactive")) {
        c = m.codec("opus", x -> x.clockRate() == 48_000);
        opus = c;
        sections.add(new SdpAnswer.Section(m, c, "sendonly", 0, "shardcast", List.of(), List.of()));
        continue;
      }
      if (video == null && m.kind().equals("video") && !m.direction().equals("sendonly")
          && !m.direction().equals("inactive")) {
        c = m.codec("H264", x -> "1".equals(x.fmtp("packetization-mode"))
            && x.fmtp("profile-level-id") != null && x.fmtp("profile-level-id").toLowerCase().startsWith(profile));
        if (c != null) {
          video = m;
          codec = c;
          red = m.codec("red", x -> x.clockRate() == 90_000);
          ulpfec = m.codec("ulpfec", x -> x.clockRate() == 90_000);
        }
      }
      sections.add(new SdpAnswer.Section(m, c, "sendonly", 0, "shardcast",
          c == null ? List.of() : c.feedback().stream().filter(f -> f.equals("nack") || f.equals("nack pli")
              || f.equals("goog-remb")).toList(),
          List.of(), c != null && c == codec && red != null && ulpfec != null ? List.of(red, ulpfec) : List.of(),
          List.of()));
    }
    if (video == null) {
      return Answer.refuse(406, "NO_USABLE_VIDEO", "the offer has no H.264 (packetization-mode=1, profile "
          + profile + ") to receive; the room's stream is H.264 profile " + profile + " and is passed through as it is");
    }
    if (video.iceUfrag() == null || video.icePwd() == null || video.fingerprint() == null
        || !"sha-256".equals(video.fingerprintAlgorithm())) {
      return Answer.refuse(400, "BAD_SDP", "the offer needs ice-ufrag, ice-pwd and a sha-256 fingerprint");
    }
    String ufrag = token(8);
    String pwd = token(24);
    String id = token(16);
    int ssrc = random.nextInt() & 0x7FFFFFFF;
    WhepSession s = new WhepSession(id, roomId, camera, layer, ufrag, pwd, video.fingerprint(), ssrc, codec.payloadType(),
        opus == null ? -1 : opus.payloadType(), System.currentTimeMillis());
    if (red != null && ulpfec != null) {
      s.withUlpfec(red.payloadType(), ulpfec.payloadType());
    }
    List<SdpAnswer.Section> withSsrc = new ArrayList<>();
    for (SdpAnswer.Section sec : sections) {
      long sectionSsrc = (sec.offered().kind().equals("audio") ? s.audioSsrc : ssrc) & 0xFFFFFFFFL;
      withSsrc.add(sec.codec() == null ? sec : new SdpAnswer.Section(sec.offered(), sec.codec(), "sendonly", sectionSsrc,
          "shardcast", sec.feedback(), List.of(), sec.repair(), List.of()));
    }
    s.remoteUfrag = video.iceUfrag();
    byUfrag.put(ufrag, s);
    byId.put(id, s);
    String sdp = SdpAnswer.write(withSsrc, ufrag, pwd, identity.fingerprint,
        candidates(), random.nextLong() & Long.MAX_VALUE);
    log.info("WHEP session {} for room {}: H.264 payload type {}, Opus {}, FEC {}", id, roomId, codec.payloadType(),
        opus == null ? "not offered" : "payload type " + opus.payloadType(), red == null || ulpfec == null ? "not offered"
            : "ULPFEC " + ulpfec.payloadType() + " in RED " + red.payloadType());
    return new Answer(201, null, null, id, sdp);
  }

  /**
   * {@code POST /whip/<roomId>}: a publisher's offer (H.264 and Opus to send), answered once
   * {@code token} may publish {@code key} into the room: the session then becomes the track's origin.
   */
  public CompletionStage<Answer> publish(String roomId, TrackKey key, String token, String sdp) {
    SdpOffer offer;
    try {
      offer = SdpOffer.parse(sdp);
    } catch (MediaFormatException e) {
      return CompletableFuture.completedFuture(Answer.refuse(400, "BAD_SDP", e.getMessage()));
    }
    return directory.authorizePublish(roomId, token, key).thenApply(d -> d.ok() ? publishAnswer(roomId, key, offer)
        : Answer.refuse(d.verdict().httpStatus, d.verdict().name(), d.message()));
  }

  /** H.264 profiles a publisher may send, most wanted first: what every player decodes. */
  private static final List<String> PUBLISH_PROFILES = List.of("42e0", "4200", "4d00", "6400");

  /** The header extension that names a simulcast stream (RFC 8852), and the one that names its section. */
  static final String RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
  static final String REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

  /**
   * The offer's RTX format for {@code media} (RFC 4588, {@code apt=} its payload type), or null.
   * With RTX, a browser sends retransmissions and its bandwidth probes (padding) on a stream of
   * their own, so a lost probe is not a gap in the video.
   */
  private static SdpOffer.Codec rtxFor(SdpOffer.Media m, SdpOffer.Codec media) {
    return m.codec("rtx", x -> x.clockRate() == 90_000 && String.valueOf(media.payloadType()).equals(x.fmtp("apt")));
  }

  static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  /** Where a publishing browser's send rate starts (kbit/s): a 720p camera with its simulcast layers. */
  static final long START_BITRATE_KBPS = 2_000;

  private Answer publishAnswer(String roomId, TrackKey key, SdpOffer offer) {
    List<SdpAnswer.Section> sections = new ArrayList<>();
    List<String> layers = List.of(key.layer());
    int ridExtension = -1;
    int repairedRidExtension = -1;
    int transportCc = -1;
    SdpOffer.Codec rtx = null;
    SdpOffer.Media video = null;
    SdpOffer.Codec h264 = null;
    SdpOffer.Codec opus = null;
    for (SdpOffer.Media m : offer.media()) {
      SdpOffer.Codec c = null;
      boolean sends = m.direction().equals("sendonly") || m.direction().equals("sendrecv");
      if (opus == null && sends && m.kind().equals("audio")) {
        c = m.codec("opus", x -> x.clockRate() == 48_000);
        opus = c;
      } else if (video == null && sends && m.kind().equals("video")) {
        for (String profile : PUBLISH_PROFILES) {
          c = m.codec("H264", x -> "1".equals(x.fmtp("packetization-mode")) && x.fmtp("profile-level-id") != null
              && x.fmtp("profile-level-id").toLowerCase().startsWith(profile));
          if (c != null) {
            break;
          }
        }
        if (c != null) {
          video = m;
          h264 = c;
          // Chromium starts its send rate here instead of at 300 kbit/s: the camera is sharp (and a
          // simulcast's every layer on) from the first seconds, not after half a minute of ramp-up.
          java.util.Map<String, String> fmtp = new java.util.LinkedHashMap<>(c.fmtp());
          fmtp.put("x-google-start-bitrate", Long.toString(START_BITRATE_KBPS));
          c = new SdpOffer.Codec(c.payloadType(), c.name(), c.clockRate(), c.channels(), fmtp, c.feedback());
        }
      }
      List<String> feedback = c == null || !m.kind().equals("video") ? List.of()
          : c.feedback().stream().filter(f -> f.equals("nack") || f.equals("nack pli") || f.equals("goog-remb")
              || f.equals("ccm fir") || f.equals("transport-cc")).toList();
      // Transport-wide congestion control: the browser numbers its packets, the node says when each came.
      List<Integer> extensions = new ArrayList<>();
      int cc = m.extension(TRANSPORT_CC_URI);
      if (c != null && cc >= 1 && cc <= 14 && (transportCc < 0 || transportCc == cc)) {
        transportCc = cc;
        extensions.add(cc);
      }
      if (c != null && m == video && !m.rids().isEmpty()) {
        // Simulcast (RFC 8853): each stream the browser sends becomes a layer of the room, named by its rid.
        for (String rid : m.rids()) {
          if (!TrackKey.valid(rid) || m.rids().indexOf(rid) != m.rids().lastIndexOf(rid)) {
            return Answer.refuse(400, "BAD_SDP", "simulcast stream '" + rid + "': a layer is named by a unique rid"
                + " of 1-32 characters of [A-Za-z0-9_-]");
          }
        }
        ridExtension = m.extension(RID_URI);
        if (ridExtension < 1 || ridExtension > 14) {
          return Answer.refuse(400, "BAD_SDP", "simulcast needs the " + RID_URI + " header extension (id 1-14)");
        }
        if (m.extension(REPAIRED_RID_URI) >= 1 && m.extension(REPAIRED_RID_URI) <= 14) {
          repairedRidExtension = m.extension(REPAIRED_RID_URI);
          extensions.add(repairedRidExtension);
        }
        if (m.extension(MID_URI) > 0) {
          extensions.add(m.extension(MID_URI));
        }
        extensions.add(ridExtension);
        layers = m.rids();
        rtx = rtxFor(m, h264);
        sections.add(new SdpAnswer.Section(m, c, "recvonly", 0, "shardcast", feedback, extensions,
            rtx == null ? List.of() : List.of(rtx), layers));
        continue;
      }
      if (c != null && m == video) {
        rtx = rtxFor(m, h264);
      }
      sections.add(new SdpAnswer.Section(m, c, "recvonly", 0, "shardcast", feedback, extensions,
          c != null && m == video && rtx != null ? List.of(rtx) : List.of(), List.of()));
    }
    if (video == null) {
      return Answer.refuse(406, "NO_USABLE_VIDEO", "the offer sends no H.264 (packetization-mode=1, constrained "
          + "baseline, baseline, main or high profile): the room's players take H.264 as it is sent");
    }
    if (video.iceUfrag() == null || video.icePwd() == null || video.fingerprint() == null
        || !"sha-256".equals(video.fingerprintAlgorithm())) {
      return Answer.refuse(400, "BAD_SDP", "the offer needs ice-ufrag, ice-pwd and a sha-256 fingerprint");
    }
    String ufrag = token(8);
    String pwd = token(24);
    String id = token(16);
    WhipSession s = new WhipSession(id, roomId, key, layers, ridExtension, transportCc, ufrag, pwd, video.fingerprint(),
        h264.payloadType(), opus == null ? -1 : opus.payloadType(), random.nextInt() & 0x7FFFFFFF,
        System.currentTimeMillis());
    if (rtx != null) {
      s.withRtx(rtx.payloadType(), repairedRidExtension);
    }
    s.remoteUfrag = video.iceUfrag();
    byUfrag.put(ufrag, s);
    byId.put(id, s);
    String sdp = SdpAnswer.write(sections, ufrag, pwd, identity.fingerprint,
        candidates(), random.nextLong() & Long.MAX_VALUE);
    log.info("WHIP session {} for room {} {}: H.264 payload type {} ({}), Opus {}, {}", id, roomId, key,
        h264.payloadType(), h264.fmtp("profile-level-id"), opus == null ? "not offered" : "payload type " + opus.payloadType(),
        ridExtension < 0 ? "one layer" : "simulcast layers " + layers);
    return new Answer(201, null, null, id, sdp);
  }

  /**
   * {@code PATCH /whep|whip/<roomId>/<session>} with an SDP fragment
   * ({@code application/trickle-ice-sdpfrag}, RFC 8840): the browser's trickled candidates are
   * taken and not needed (the node is ICE-lite: the browser's checks find the path), 204; new ICE
   * credentials restart ICE, 200 with the node's new credentials and candidate. Null when there is
   * no such session.
   */
  public Answer patch(String sessionId, String fragment) {
    PeerSession s = byId.get(sessionId);
    if (s == null || s.state == PeerSession.State.CLOSED) {
      return null;
    }
    if (fragment.length() > SdpOffer.MAX_BYTES) {
      return Answer.refuse(413, "FRAGMENT_TOO_LARGE", "an SDP fragment is at most " + SdpOffer.MAX_BYTES + " bytes");
    }
    String remoteUfrag = null;
    String remotePwd = null;
    String mid = null;
    for (String line : fragment.split("\r?\n")) {
      if (line.startsWith("a=ice-ufrag:")) {
        remoteUfrag = line.substring(12).trim();
      } else if (line.startsWith("a=ice-pwd:")) {
        remotePwd = line.substring(10).trim();
      } else if (line.startsWith("a=mid:") && mid == null) {
        mid = line.substring(6).trim();
      } else if (!line.isBlank() && !line.startsWith("a=") && !line.startsWith("m=")) {
        return Answer.refuse(400, "BAD_SDPFRAG", "an SDP fragment has a= and m= lines only: " + abbreviate(line));
      }
    }
    if (remoteUfrag == null || remoteUfrag.equals(s.remoteUfrag)) {
      return new Answer(204, null, null, s.id, null); // candidates: an ICE-lite node does not need them
    }
    if (remotePwd == null || remoteUfrag.length() > 256 || remotePwd.length() > 256) {
      return Answer.refuse(400, "BAD_SDPFRAG", "an ICE restart gives a new ice-ufrag with its ice-pwd");
    }
    String ufrag = token(8);
    String pwd = token(24);
    synchronized (s) {
      byUfrag.remove(s.ufrag, s);
      s.ufrag = ufrag;
      s.pwd = pwd;
      s.remoteUfrag = remoteUfrag;
      byUfrag.put(ufrag, s);
    }
    log.info("{} session {} of room {}: ICE restart", s.kind(), s.id, s.roomId);
    String frag = "a=ice-lite\r\na=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n"
        + (mid == null ? "" : "a=mid:" + mid + "\r\n")
        + "a=candidate:1 1 udp 2130706431 " + host + " " + port() + " typ host\r\n"
        + (tcp == null ? "" : "a=candidate:2 1 tcp 2130706430 " + host + " " + port() + " typ host tcptype passive\r\n")
        + "a=end-of-candidates\r\n";
    return new Answer(200, null, null, s.id, frag);
  }

  private static String abbreviate(String line) {
    return line.length() > 40 ? line.substring(0, 40) + "..." : line;
  }

  /** {@code DELETE /whep|whip/<roomId>/<session>}: ends the session; false when there is none. */
  public boolean delete(String sessionId) {
    PeerSession s = byId.get(sessionId);
    if (s == null) {
      return false;
    }
    forget(s, s instanceof WhipSession ? "the publisher ended it" : "the viewer ended it");
    return true;
  }

  /** The H.264 profile_idc of the room's video as the first two hex digits of a profile-level-id. */
  private static String streamProfile(MediaRoom room) {
    for (Track t : room.tracks()) {
      if (t.videoConfig() != null && t.videoConfig().body.length > 6) {
        return String.format("%02x", t.videoConfig().body[6] & 0xFF);
      }
    }
    return "42";
  }

  private String token(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** A frame was published on this node: playing sessions may have something to send. */
  public void wake() {
    if (playing > 0) {
      selector.wakeup();
    }
  }

  private void run() {
    while (running) {
      try {
        selector.select(IDLE_WAIT_MILLIS);
        long now = System.currentTimeMillis();
        for (SelectionKey k : selector.selectedKeys()) {
          if (!k.isValid()) {
            continue;
          }
          if (k.isAcceptable()) {
            accept(now);
          } else if (k.attachment() instanceof TcpLink l) {
            tcpReady(k, l);
          }
        }
        selector.selectedKeys().clear();
        receive(now);
        if (!links.isEmpty()) {
          expireLinks(now);
        }
        int nowPlaying = 0;
        for (PeerSession p : byId.values()) {
          if (p.state == PeerSession.State.CONNECTED && p instanceof WhepSession s) {
            s.pump(now);
            if (now - s.lastReportSentMillis >= REPORT_INTERVAL_MILLIS) {
              sendReport(s, now);
            }
            nowPlaying++;
          } else if (p.state == PeerSession.State.CONNECTED && p instanceof WhipSession s) {
            sendRtcp(s, s.feedback(report, now));
          }
          expire(p, now);
        }
        playing = nowPlaying;
      } catch (RuntimeException | IOException e) {
        log.warn("WebRTC loop: {}", e.toString());
      }
    }
  }

  private void receive(long now) throws IOException {
    for (int i = 0; i < 256; i++) {
      in.clear();
      SocketAddress from = channel.receive(in);
      if (from == null) {
        return;
      }
      datagram(in.array(), in.position(), from, now);
    }
  }

  /** One packet from {@code from} (a UDP address or a {@link TcpLink}): STUN, DTLS, RTP or RTCP by its first byte. */
  private void datagram(byte[] p, int length, SocketAddress from, long now) throws IOException {
    int first = length > 0 ? p[0] & 0xFF : -1;
    try {
      if (first >= 0 && first <= 3) {
        stun(p, length, from, now);
      } else if (first >= 20 && first <= 63) {
        PeerSession s = byAddress.get(from);
        if (s != null && s.dtls != null) {
          s.dtls.offer(p, 0, length);
          if (s.state == PeerSession.State.CONNECTED) {
            afterHandshake(s);
          }
        }
      } else if (first >= 128 && first <= 191 && length >= 8) {
        int type = p[1] & 0x7F;
        if (type >= 64 && type <= 95) {
          rtcp(p, length, from, now);
        } else {
          rtp(p, length, from);
        }
      }
    } catch (MediaFormatException e) {
      log.debug("WebRTC: dropped a datagram from {}: {}", from, e.getMessage());
    }
  }

  /** Sends {@code packet} to {@code to}: a datagram, or a framed packet on its TCP link. */
  private void transmit(ByteBuffer packet, SocketAddress to) throws IOException {
    if (to instanceof TcpLink l) {
      try {
        l.send(packet);
        if (!l.flush()) {
          SelectionKey k = l.channel.keyFor(selector);
          if (k != null && k.isValid()) {
            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          }
        }
      } catch (IOException e) {
        closeLink(l, "write failed: " + e.getMessage());
      }
    } else {
      channel.send(packet, to);
    }
  }

  private void accept(long now) throws IOException {
    SocketChannel c;
    while (tcp != null && (c = tcp.accept()) != null) {
      if (links.size() >= MAX_TCP_LINKS) {
        log.warn("WebRTC: {} TCP connections already; closing the one from {}", links.size(), c.getRemoteAddress());
        c.close();
        continue;
      }
      c.configureBlocking(false);
      c.socket().setTcpNoDelay(true);
      TcpLink l = new TcpLink(c, now);
      links.add(l);
      c.register(selector, SelectionKey.OP_READ, l);
    }
  }

  private void tcpReady(SelectionKey k, TcpLink l) {
    long now = System.currentTimeMillis();
    try {
      if (k.isWritable() && l.flush()) {
        k.interestOps(SelectionKey.OP_READ);
      }
      if (k.isReadable() && !l.read(tcpPacket, (p, n, from) -> {
        try {
          datagram(p, n, from, now);
        } catch (IOException e) {
          log.debug("WebRTC: packet on {} failed: {}", from, e.toString());
        }
      })) {
        closeLink(l, "closed, or its framing broke (RFC 4571)");
      }
    } catch (IOException e) {
      closeLink(l, e.getMessage());
    }
  }

  /** Closes TCP links no session took within the setup time, and those whose session ended. */
  private void expireLinks(long now) {
    for (TcpLink l : links) {
      PeerSession s = byAddress.get(l);
      if (s == null && (l.used || now - l.openedMillis > SETUP_MILLIS)) {
        closeLink(l, l.used ? "its session ended" : "no ICE check in " + SETUP_MILLIS / 1000 + " s");
      }
    }
  }

  private void closeLink(TcpLink l, String why) {
    if (links.remove(l)) {
      log.debug("WebRTC: TCP link {} closed: {}", l, why);
      l.close();
    }
  }

  /**
   * RTCP from a playing session's browser (RFC 5761: payload types 64..95 once the marker bit is
   * masked): checked and decrypted, then read for reports, NACKs and keyframe requests. RTP from a
   * viewer (it only receives) and packets that fail SRTCP are dropped.
   */
  private void rtcp(byte[] p, int length, SocketAddress from, long now) {
    if (!(byAddress.get(from) instanceof WhepSession s) || s.state != PeerSession.State.CONNECTED) {
      return; // a publisher's own reports (its sender reports) are not read yet
    }
    PacketBuffer b = unprotect(s, p, length, true);
    if (b == null) {
      return;
    }
    s.nowMillis = now;
    RtcpFeedback.read(b.getBuffer(), b.getOffset(), b.getLength(), s);
  }

  /**
   * RTP from a publishing session's browser: checked and decrypted, then rebuilt into the room's
   * track (what came while DTLS finished on this side first, in order). RTP from anyone else (a viewer only receives) and packets that fail SRTP are dropped.
   */
  private void rtp(byte[] p, int length, SocketAddress from) {
    if (!(byAddress.get(from) instanceof WhipSession s)) {
      return;
    }
    if (s.state == PeerSession.State.HANDSHAKING) {
      s.holdEarly(p, length); // the browser's side of DTLS is done before ours: its first keyframe
      return;
    }
    if (s.state != PeerSession.State.CONNECTED) {
      return;
    }
    for (byte[] e; (e = s.takeEarly()) != null; ) {
      publish(s, e, e.length);
    }
    publish(s, p, length);
  }

  private static void publish(WhipSession s, byte[] p, int length) {
    PacketBuffer b = unprotect(s, p, length, false);
    if (b != null) {
      s.rtp(b.getBuffer(), b.getOffset(), b.getLength());
    }
  }

  /** Checks and decrypts an SRTCP or SRTP packet of {@code s}; null (counted) when it fails. */
  private static PacketBuffer unprotect(PeerSession s, byte[] p, int length, boolean rtcp) {
    PacketBuffer b;
    try {
      b = rtcp ? s.srtp.unprotectRtcp(p, 0, length) : s.srtp.unprotectRtp(p, 0, length);
    } catch (java.security.GeneralSecurityException e) {
      b = null;
    }
    if (b == null) {
      s.srtpRefused++;
    }
    return b;
  }

  /** Sends a publishing session's feedback (keyframe requests, the bandwidth estimate), if any is due. */
  private void sendRtcp(WhipSession s, int length) {
    if (length == 0) {
      return;
    }
    try {
      PacketBuffer b = s.srtp.protectRtcp(report, 0, length);
      transmit(s.view(b), s.peer);
    } catch (IOException | java.security.GeneralSecurityException e) {
      log.debug("WHIP session {}: feedback failed: {}", s.id, e.toString());
    }
  }

  private void sendReport(WhepSession s, long now) {
    sendReport(s, s.senderReport(report, now));
    sendReport(s, s.audioSenderReport(report, now));
  }

  private void sendReport(WhepSession s, int length) {
    if (length == 0) {
      return;
    }
    try {
      PacketBuffer b = s.srtp.protectRtcp(report, 0, length);
      transmit(s.view(b), s.peer);
    } catch (IOException | java.security.GeneralSecurityException e) {
      log.debug("WHEP session {}: sender report failed: {}", s.id, e.toString());
    }
  }

  private void stun(byte[] p, int length, SocketAddress from, long now) throws IOException {
    Stun.Request r = Stun.parseRequest(p, length);
    PeerSession s = byUfrag.get(r.localUfrag());
    if (s == null || s.state == PeerSession.State.CLOSED) {
      return; // not ours: say nothing (RFC 8445: no response to an unknown username is as good as a 401)
    }
    if (!Stun.verify(p, r, s.pwd)) {
      transmit(ByteBuffer.wrap(Stun.error(r.transactionId(), 401, "Unauthorized")), from);
      return;
    }
    s.lastCheckMillis = now;
    if (from instanceof TcpLink l) {
      l.used = true;
    }
    transmit(ByteBuffer.wrap(Stun.success(r, from instanceof TcpLink l ? l.remote : (InetSocketAddress) from, s.pwd)), from);
    if (r.useCandidate() && s.peer == null) {
      s.peer = from;
      byAddress.put(from, s);
      startHandshake(s);
    } else if (r.useCandidate() && !from.equals(s.peer)) {
      // After an ICE restart the browser may nominate another path: media and DTLS follow it.
      log.info("{} session {} of room {}: moved from {} to {}", s.kind(), s.id, s.roomId, s.peer, from);
      byAddress.remove(s.peer, s);
      s.peer = from;
      byAddress.put(from, s);
    }
  }

  private void startHandshake(PeerSession s) {
    s.state = PeerSession.State.HANDSHAKING;
    SocketAddress peer = s.peer;
    // To the session's address as it is now: an ICE restart may move it (another network).
    s.dtls = new DtlsTransport((b, o, l) -> transmit(ByteBuffer.wrap(b, o, l), s.peer));
    s.tls = new SrtpTlsServer(identity, s.peerFingerprint);
    handshakes.execute(() -> {
      try {
        s.secured = new DTLSServerProtocol().accept(s.tls, s.dtls);
        s.srtp = new SrtpSession(s.tls.profile(), s.tls.keyingMaterial(), true);
        if (s instanceof WhepSession w) {
          MediaRoom room = hub.room(w.roomId);
          if (!w.startPlayback(room, maxLagMillis, layers.get(), (packet, len, video) -> send(w, packet, len))) {
            return; // ended while the handshake ran
          }
          playing++;
          selector.wakeup();
          log.info("WHEP session {} of room {}: DTLS done, playing to {}", s.id, s.roomId, peer);
        } else if (s instanceof WhipSession w) {
          if (!w.startPublishing(hub, directory)) {
            return;
          }
          log.info("WHIP session {} of room {}: DTLS done, publishing {} from {}", s.id, s.roomId, w.key, peer);
        }
      } catch (IOException | RuntimeException e) {
        s.close("DTLS handshake failed: " + e);
        log.info("{} session {} of room {}: DTLS handshake failed: {}", s.kind(), s.id, s.roomId, e.toString());
      }
    });
  }

  /**
   * A DTLS record after the handshake: the browser did not get the server's last flight and sends
   * its own again (BouncyCastle's record layer answers with the flight), or it closes (an alert).
   * Read off the loop, on the handshake pool.
   */
  private void afterHandshake(PeerSession s) {
    handshakes.execute(() -> {
      try {
        byte[] buf = new byte[s.dtls.getReceiveLimit()];
        while (s.secured.receive(buf, 0, buf.length, 10) >= 0) {
          // application data on the DTLS channel (none is negotiated): ignored
        }
      } catch (IOException | RuntimeException e) {
        forget(s, "DTLS ended: " + e.getMessage());
      }
    });
  }

  private void send(WhepSession s, byte[] packet, int length) {
    try {
      PacketBuffer b = s.srtp.protectRtp(packet, 0, length);
      transmit(s.view(b), s.peer);
      s.packetsSent++;
      s.bytesSent += b.getLength();
    } catch (IOException | java.security.GeneralSecurityException e) {
      log.debug("WHEP session {}: send failed: {}", s.id, e.toString());
    }
  }

  private void expire(PeerSession s, long now) {
    String why = s.state == PeerSession.State.CLOSED ? s.closeReason
        : s.state != PeerSession.State.CONNECTED && now - s.createdMillis > SETUP_MILLIS ? "ICE and DTLS did not complete in "
            + SETUP_MILLIS / 1000 + " s"
        : now - s.lastCheckMillis > CONSENT_MILLIS ? "no consent check for " + CONSENT_MILLIS / 1000 + " s" : null;
    if (why != null) {
      forget(s, why);
    }
  }

  /** Closes {@code s} and drops every way to find it (any thread). */
  private void forget(PeerSession s, String why) {
    s.close(why);
    if (byId.remove(s.id, s)) {
      byUfrag.remove(s.ufrag, s);
      if (s.peer != null) {
        byAddress.remove(s.peer, s);
      }
      log.info("{} session {} of room {} ended: {}; {}", s.kind(), s.id, s.roomId, why, s.summary());
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    handshakes.shutdownNow();
    byId.values().forEach(s -> s.close("the node stops"));
    links.forEach(TcpLink::close);
    try {
      channel.close();
      if (tcp != null) {
        tcp.close();
      }
      selector.close();
    } catch (IOException e) {
      log.debug("WebRTC port close: {}", e.toString());
    }
  }
}
