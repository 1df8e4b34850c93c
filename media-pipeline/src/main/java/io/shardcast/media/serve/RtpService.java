package io.shardcast.media.serve;

import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.OriginPublisher;
import io.shardcast.media.TrackKey;
import io.shardcast.media.fec.ProtectedReceiver;
import io.shardcast.media.fec.ProtectedSender;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.play.Playback;
import io.shardcast.media.rtp.Rtcp;
import io.shardcast.media.rtp.RtpDepacketizer;
import io.shardcast.media.rtp.RtpPacketizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RTP over UDP, both ways, on one thread. Ingest: a host registers (HTTP {@code POST /rtp/<roomId>})
 * and gets a UDP port of its own; plain RTP (ffmpeg: H.264 per RFC 6184, AAC per RFC 3640) goes
 * straight to the depacketizer, protected RTP (Shardcast's transport extension, FEC, NACK) through
 * the jitter buffer first. Egress: a player sends an RTCP APP "SUBS" naming a room to the egress
 * port and gets the room's media as protected RTP, answering with receiver reports and NACKs;
 * a player silent for {@link #PLAYER_TIMEOUT_MILLIS} is dropped. Malformed datagrams are counted
 * and dropped; they never end a session.
 */
public final class RtpService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RtpService.class);
  private static final long INGEST_IDLE_MILLIS = 10_000;
  static final long PLAYER_TIMEOUT_MILLIS = 5_000;
  private static final long JITTER_WAIT_MILLIS = 250;

  private final MediaHub hub;
  private final MediaDirectory directory;
  private final MediaSettings settings;
  private final Selector selector;
  private final DatagramChannel egress;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Ingest> ingests = new ArrayList<>();
  private final Map<SocketAddress, Player> players = new HashMap<>();
  private final byte[] in = new byte[65536];
  private final ByteBuffer inBuf = ByteBuffer.wrap(in);
  private final ByteBuffer outBuf = ByteBuffer.allocateDirect(2048);
  private volatile boolean running = true;
  /** Players served (read by publishing threads, which wake this thread only when there are some). */
  private volatile int playerCount;
  private long malformed;

  RtpService(MediaHub hub, MediaDirectory directory, MediaSettings settings) throws IOException {
    this.hub = hub;
    this.directory = directory;
    this.settings = settings;
    this.selector = Selector.open();
    this.egress = DatagramChannel.open().bind(new InetSocketAddress(settings.iface(), settings.rtpPort()));
    egress.configureBlocking(false);
    egress.register(selector, SelectionKey.OP_READ, null);
    this.thread = new Thread(this::run, "shardcast-media-rtp");
    thread.setDaemon(true);
    thread.start();
  }

  public int egressPort() {
    return egress.socket().getLocalPort();
  }

  /** Runs {@code task} on the service's thread, waking it (it may be in its idle sleep). */
  private void submit(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** A frame was published somewhere: players may have something to send. */
  void wake() {
    if (playerCount > 0) {
      selector.wakeup();
    }
  }

  /**
   * Registers an RTP publisher (after its token was checked): a UDP port that takes its packets
   * for {@code key} of the room. {@code audioConfig}: AAC AudioSpecificConfig, or null when the
   * sender sends it in-band.
   */
  java.util.concurrent.CompletableFuture<Integer> openIngest(String roomId, TrackKey key, byte[] audioConfig) {
    java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
    submit(() -> {
      try {
        Ingest ingest = new Ingest(roomId, key, audioConfig);
        ingests.add(ingest);
        port.complete(ingest.channel.socket().getLocalPort());
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    });
    return port;
  }

  private static final long IDLE_SELECT_MILLIS = 250;

  private void run() {
    while (running) {
      try {
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        // Every 5 ms while there is RTP to pace or repair; with none, only a packet or a task (both
        // wake the selector: tasks come through submit) brings work, so the thread sleeps instead
        // of waking 200 times a second.
        selector.select(ingests.isEmpty() && players.isEmpty() ? IDLE_SELECT_MILLIS : 5);
        long now = System.currentTimeMillis();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          if (k.attachment() instanceof Ingest ingest) {
            ingest.read(now);
          } else {
            readEgress(now);
          }
        }
        for (int i = ingests.size() - 1; i >= 0; i--) {
          Ingest ingest = ingests.get(i);
          ingest.poll(now);
          if (now - ingest.lastPacketMillis > INGEST_IDLE_MILLIS) {
            ingest.close("no packets for " + INGEST_IDLE_MILLIS / 1000 + " s");
            ingests.remove(i);
          }
        }
        Iterator<Player> players = this.players.values().iterator();
        while (players.hasNext()) {
          Player p = players.next();
          if (now - p.lastHeardMillis > PLAYER_TIMEOUT_MILLIS) {
            p.close("silent for " + PLAYER_TIMEOUT_MILLIS / 1000 + " s");
            players.remove();
            playerCount = this.players.size();
          } else {
            p.pump(now);
          }
        }
      } catch (IOException | RuntimeException e) {
        log.warn("Media RTP: unexpected failure, carrying on", e);
      }
    }
  }

  private void readEgress(long now) throws IOException {
    while (true) {
      inBuf.clear();
      SocketAddress from = egress.receive(inBuf);
      if (from == null) {
        return;
      }
      int n = inBuf.position();
      if (!Rtcp.isRtcp(in, n)) {
        malformed++;
        continue;
      }
      Player p = players.get(from);
      String stream = Rtcp.subscribed(in, n);
      if (stream != null && p == null) {
        subscribe(from, stream, now);
      } else if (p != null) {
        p.lastHeardMillis = now;
        p.sender.feedback(in, n, now);
      }
    }
  }

  private void subscribe(SocketAddress from, String stream, long now) {
    RtmpConnection.StreamName s = RtmpConnection.StreamName.parse(stream);
    if (s.error() != null) {
      log.info("Media RTP: player {} refused: {}", from, s.error());
      return;
    }
    MediaRoom room = hub.existing(s.roomId());
    if (room == null || !room.live()) {
      directory.watch(s.roomId()).whenComplete((d, e) -> submit(() -> {
        if (e == null && d.ok()) {
          addPlayer(from, hub.room(s.roomId()), s, System.currentTimeMillis());
        } else {
          log.info("Media RTP: player {} of room {} refused: {}", from, s.roomId(), e != null ? e.getMessage() : d.message());
        }
      }));
      return;
    }
    addPlayer(from, room, s, now);
  }

  private void addPlayer(SocketAddress to, MediaRoom room, RtmpConnection.StreamName s, long now) {
    if (players.containsKey(to)) {
      return;
    }
    players.put(to, new Player(to, room, s, now));
    playerCount = players.size();
    log.info("Media RTP: player {} of room {} started", to, room.roomId);
  }

  public int players() {
    return playerCount;
  }

  public long malformed() {
    return malformed;
  }

  /** One RTP publisher's session. */
  private final class Ingest {
    final String roomId;
    final TrackKey key;
    final DatagramChannel channel;
    final RtpDepacketizer depacketizer;
    final ProtectedReceiver protectedPath;
    final OriginPublisher publisher;
    long lastPacketMillis = System.currentTimeMillis();
    SocketAddress peer;

    Ingest(String roomId, TrackKey key, byte[] audioConfig) throws IOException {
      this.roomId = roomId;
      this.key = key;
      this.channel = DatagramChannel.open().bind(new InetSocketAddress(settings.iface(), 0));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
      this.publisher = new OriginPublisher(hub, directory, roomId, key);
      this.depacketizer = new RtpDepacketizer(publisher::frame);
      this.protectedPath = new ProtectedReceiver(depacketizer::packet, (b, n) -> {
        if (peer != null) {
          send(channel, peer, b, n);
        }
      }, JITTER_WAIT_MILLIS, ThreadLocalRandom.current().nextInt());
      if (audioConfig != null) {
        depacketizer.audioConfig(audioConfig);
      }
      log.info("Media RTP: ingest of room {} ({}) on UDP port {}", roomId, key, channel.socket().getLocalPort());
    }

    void read(long now) throws IOException {
      while (true) {
        inBuf.clear();
        SocketAddress from = channel.receive(inBuf);
        if (from == null) {
          return;
        }
        int n = inBuf.position();
        peer = from;
        lastPacketMillis = now;
        try {
          if (Rtcp.isRtcp(in, n)) {
            protectedPath.datagram(in, n, now); // sender reports (round trip); others are ignored
          } else if (n > 12 && (in[0] & 0x10) != 0 && in[12] == (byte) 0xBE && in[13] == (byte) 0xDE
              || n > 1 && (in[1] & 0x7F) == io.shardcast.media.rtp.Rtp.PT_FEC) {
            protectedPath.datagram(in, n, now);
          } else {
            depacketizer.packet(in, n);
          }
        } catch (MediaFormatException e) {
          malformed++;
          if (malformed % 100 == 1) {
            log.info("Media RTP: a malformed packet from {} for room {} dropped: {}", from, roomId, e.getMessage());
          }
        }
      }
    }

    void poll(long now) {
      protectedPath.poll(now);
    }

    void close(String why) {
      publisher.close();
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      log.info("Media RTP: ingest of room {} ({}) ended: {}", roomId, key, why);
    }
  }

  /** One RTP player: a position in the room's media, packetized and sent protected. */
  private final class Player {
    final SocketAddress to;
    final Playback playback;
    final RtpPacketizer packetizer;
    final ProtectedSender sender;
    long lastHeardMillis;
    long nowMillis;

    Player(SocketAddress to, MediaRoom room, RtmpConnection.StreamName s, long now) {
      this.to = to;
      this.lastHeardMillis = now;
      this.playback = new Playback(room, s.camera(), s.layer(), MediaFrame.FLV, 0, 1, settings.maxLag().toMillis(), null);
      int ssrc = ThreadLocalRandom.current().nextInt();
      this.sender = new ProtectedSender((b, n) -> send(egress, to, b, n), ssrc, true);
      this.packetizer = new RtpPacketizer(ssrc + 1, ssrc + 2, (p, n, video) -> sender.send(p, n, nowMillis));
      room.viewerJoined();
    }

    void pump(long now) {
      nowMillis = now;
      MediaFrame f;
      while ((f = playback.nextFrame(now)) != null) {
        packetizer.frame(f);
      }
      sender.tick(now);
    }

    void close(String why) {
      playback.leave();
      playback.room().viewerLeft();
      log.info("Media RTP: player {} ended: {}", to, why);
    }
  }

  private void send(DatagramChannel ch, SocketAddress to, byte[] b, int n) {
    outBuf.clear();
    outBuf.put(b, 0, n).flip();
    try {
      ch.send(outBuf, to);
    } catch (IOException e) {
      // a full socket buffer or a vanished peer: the datagram is lost like any other
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(2000);
      for (Ingest i : ingests) {
        i.close("server stopping");
      }
      egress.close();
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // stopping
    }
  }
}
