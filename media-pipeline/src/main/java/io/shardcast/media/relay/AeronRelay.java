package io.shardcast.media.relay;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaHub;
import io.shardcast.media.Track;
import io.shardcast.media.TrackKey;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries rooms' media between nodes over Aeron (UDP). The origin (the node that ingests) sends a
 * room's tracks once to each node that subscribed, over one publication per subscribing node; each
 * node receives every origin's media on one subscription and publishes it into its local tracks,
 * from which its viewers are served. A new subscriber first gets each track's announcement and
 * GOP cache (metadata, sequence headers, the frames since the latest keyframe), then live frames,
 * all sent on the track's publisher thread so they stay in order. Viewers on the origin read the
 * ingest tracks directly: there is nothing to relay within a node.
 */
public final class AeronRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AeronRelay.class);
  /** The JVM options a node running the relay needs: Aeron's driver reads the NIO selector's key set. */
  public static final java.util.List<String> JVM_OPTIONS = java.util.List.of("--add-opens",
      "java.base/sun.nio.ch=ALL-UNNAMED");
  private static final int STREAM_ID = 2001;
  private static final byte ANNOUNCE = 1;
  private static final byte FRAME = 2;
  private static final byte END = 3;
  private static final int FRAME_HEADER_BYTES = 1 + 4 + 1 + 8 + 8;
  /** Offers retried on back pressure before a frame is given up (the edge then waits for a keyframe). */
  private static final int OFFER_ATTEMPTS = 200;
  private static final int FRAGMENT_LIMIT = 64;

  private final MediaHub hub;
  private final MediaDriver driver;
  private final Aeron aeron;
  private final Subscription subscription;
  private final String endpoint;
  private final String termLength;
  private final Thread poller;
  private volatile boolean running = true;
  /** Rooms' subscriptions of other nodes served from here (origin side). */
  private final AtomicInteger outgoingSubscriptions = new AtomicInteger();
  /**
   * Media is flowing between this node and another (a room relayed from or to here): the driver and
   * the poller then park at most {@link #BUSY_MAX_PARK_NANOS} between polls, else up to
   * {@link #QUIET_MAX_PARK_NANOS}. Set by the poller on each round.
   */
  private volatile boolean relaying;
  static final long BUSY_MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long QUIET_MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** Rooms relayed from here, with the nodes (relay endpoints) that want each. */
  private final Map<String, CopyOnWriteArrayList<RoomSubscription>> edgesByRoom = new ConcurrentHashMap<>();
  private final Map<String, Edge> edges = new ConcurrentHashMap<>();
  /** Per ingest track: its relay id and which edges have had its cache (publisher thread only). */
  private final Map<Track, Outgoing> outgoing = new ConcurrentHashMap<>();
  private final AtomicInteger nextTrackId = new AtomicInteger(1);
  private final ThreadLocal<UnsafeBuffer> encodeBuffers = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[256 * 1024]));

  /** Tracks relayed here, by (origin session, track id); poller thread only. */
  private final Long2ObjectHashMap<Track> incoming = new Long2ObjectHashMap<>();
  private final ConcurrentLinkedQueue<Runnable> pollerTasks = new ConcurrentLinkedQueue<>();
  private final AtomicLong framesDropped = new AtomicLong();
  private final AtomicLong framesSent = new AtomicLong();
  private final AtomicLong framesReceived = new AtomicLong();

  private static final class Edge {
    final String endpoint;
    final Publication publication;

    Edge(String endpoint, Publication publication) {
      this.endpoint = endpoint;
      this.publication = publication;
    }
  }

  /**
   * One subscription of a node to a room: a new object each time the node subscribes, so a node
   * that left and came back is primed again (its tracks were forgotten), never taken for primed.
   */
  private static final class RoomSubscription {
    final Edge edge;

    RoomSubscription(Edge edge) {
      this.edge = edge;
    }
  }

  private static final class Outgoing {
    final int id;
    final ArrayList<RoomSubscription> primed = new ArrayList<>();
    /** Subscriptions that lost a frame to back pressure: they get video again from the next keyframe. */
    final ArrayList<RoomSubscription> waitingKeyframe = new ArrayList<>();

    Outgoing(int id) {
      this.id = id;
    }
  }

  /**
   * Starts an embedded media driver (shared thread, backing off when idle) under {@code dir} and
   * listens on {@code bindHost:port}; other nodes reach this one at {@code advertisedHost:port}.
   */
  public AeronRelay(MediaHub hub, Path dir, String bindHost, String advertisedHost, int port, int termLengthBytes) {
    this.hub = hub;
    this.termLength = String.valueOf(termLengthBytes);
    MediaDriver.Context ctx = new MediaDriver.Context()
        .aeronDirectoryName(dir.toString())
        .dirDeleteOnStart(true)
        .dirDeleteOnShutdown(true)
        .threadingMode(ThreadingMode.SHARED)
        .sharedIdleStrategy(new RelayIdle())
        .publicationTermBufferLength(termLengthBytes)
        .ipcTermBufferLength(64 * 1024)
        .termBufferSparseFile(true);
    this.driver = MediaDriver.launch(ctx);
    this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    this.endpoint = advertisedHost + ":" + port;
    this.subscription = aeron.addSubscription("aeron:udp?endpoint=" + bindHost + ":" + port, STREAM_ID,
        image -> {}, this::imageGone);
    hub.relay(this::onFrame);
    this.poller = new Thread(this::poll, "shardcast-media-relay");
    this.poller.setDaemon(true);
    this.poller.start();
    log.info("Media relay: Aeron UDP on {} (advertised {}), driver in {}", bindHost + ":" + port, endpoint,
        driver.aeronDirectoryName());
  }

  /** Where other nodes send this node's share of rooms' media: {@code host:port}. */
  public String endpoint() {
    return endpoint;
  }

  // ---- origin side ------------------------------------------------------------------------------

  /** The node at {@code edgeEndpoint} has viewers of {@code roomId}: send it the room's tracks. */
  public void addSubscriber(String roomId, String edgeEndpoint) {
    if (edgeEndpoint.equals(endpoint)) {
      return;
    }
    Edge edge = edges.computeIfAbsent(edgeEndpoint, e -> new Edge(e,
        aeron.addPublication("aeron:udp?endpoint=" + e + "|term-length=" + termLength, STREAM_ID)));
    CopyOnWriteArrayList<RoomSubscription> list = edgesByRoom.computeIfAbsent(roomId, r -> new CopyOnWriteArrayList<>());
    synchronized (list) {
      for (RoomSubscription sub : list) {
        if (sub.edge == edge) {
          return;
        }
      }
      list.add(new RoomSubscription(edge));
      outgoingSubscriptions.incrementAndGet();
    }
    log.info("Media relay: room {} now relayed to {}", roomId, edgeEndpoint);
  }

  /** The node at {@code edgeEndpoint} has no more viewers of {@code roomId}. */
  public void removeSubscriber(String roomId, String edgeEndpoint) {
    CopyOnWriteArrayList<RoomSubscription> list = edgesByRoom.get(roomId);
    Edge edge = edges.get(edgeEndpoint);
    if (list != null && edge != null && list.removeIf(sub -> sub.edge == edge)) {
      outgoingSubscriptions.decrementAndGet();
      log.info("Media relay: room {} no longer relayed to {}", roomId, edgeEndpoint);
    }
  }

  private void onFrame(Track track, MediaFrame frame) {
    CopyOnWriteArrayList<RoomSubscription> list = edgesByRoom.get(track.roomId);
    Outgoing out = outgoing.get(track);
    if (frame == null) {
      if (out != null) {
        for (RoomSubscription sub : out.primed) {
          sendEnd(sub.edge, out.id);
        }
        outgoing.remove(track);
      }
      return;
    }
    if (list == null || list.isEmpty()) {
      if (out != null) {
        out.primed.clear();
      }
      return;
    }
    if (out == null) {
      out = new Outgoing(nextTrackId.getAndIncrement());
      outgoing.put(track, out);
    }
    for (int i = out.primed.size() - 1; i >= 0; i--) {
      if (!list.contains(out.primed.get(i))) {
        out.waitingKeyframe.remove(out.primed.get(i));
        out.primed.remove(i);
      }
    }
    for (int i = 0; i < list.size(); i++) {
      RoomSubscription sub = list.get(i);
      Edge e = sub.edge;
      if (!out.primed.contains(sub)) {
        if (e.publication.isConnected() && prime(e, track, out)) {
          out.primed.add(sub);
        }
      } else if (frame.seq() >= 0 || frame.config || frame.kind == io.shardcast.media.flv.Flv.SCRIPT) {
        if (out.waitingKeyframe.contains(sub)) {
          if (frame.isVideo() && !frame.keyframe && !frame.config) {
            continue;
          }
          if (frame.keyframe) {
            out.waitingKeyframe.remove(sub);
          }
        }
        if (!sendFrame(e, out.id, frame) && frame.isVideo()) {
          out.waitingKeyframe.add(sub);
        }
      }
    }
  }

  /** Announces the track and sends its cache; false when the edge could not take it yet. */
  private boolean prime(Edge e, Track track, Outgoing out) {
    UnsafeBuffer b = encodeBuffers.get();
    byte[] room = track.roomId.getBytes(StandardCharsets.UTF_8);
    byte[] cam = track.key.camera().getBytes(StandardCharsets.UTF_8);
    byte[] layer = track.key.layer().getBytes(StandardCharsets.UTF_8);
    int p = 0;
    b.putByte(p++, ANNOUNCE);
    b.putInt(p, out.id, ByteOrder.LITTLE_ENDIAN);
    p += 4;
    for (byte[] s : new byte[][] {room, cam, layer}) {
      b.putShort(p, (short) s.length, ByteOrder.LITTLE_ENDIAN);
      b.putBytes(p + 2, s);
      p += 2 + s.length;
    }
    if (!offer(e, b, p)) {
      return false;
    }
    MediaFrame[] cache = {track.metadata(), track.videoConfig(), track.audioConfig()};
    for (MediaFrame f : cache) {
      if (f != null && !sendFrame(e, out.id, f)) {
        return false;
      }
    }
    long from = track.lastKeyframeSeq();
    if (from >= 0) {
      for (long s = from; s < track.head(); s++) {
        MediaFrame f = track.frame(s);
        if (f != null && !sendFrame(e, out.id, f)) {
          return false;
        }
      }
    }
    log.info("Media relay: track {} {} primed on {}", track.roomId, track.key, e.endpoint);
    return true;
  }

  private boolean sendFrame(Edge e, int trackId, MediaFrame f) {
    UnsafeBuffer b = encodeBuffers.get();
    int length = FRAME_HEADER_BYTES + f.body.length;
    if (length > e.publication.maxMessageLength()) {
      framesDropped.incrementAndGet();
      return false;
    }
    if (b.capacity() < length) {
      b = new UnsafeBuffer(new byte[Math.max(length, b.capacity() * 2)]);
      encodeBuffers.set(b);
    }
    b.putByte(0, FRAME);
    b.putInt(1, trackId, ByteOrder.LITTLE_ENDIAN);
    b.putByte(5, (byte) f.kind);
    b.putLong(6, f.timestamp, ByteOrder.LITTLE_ENDIAN);
    b.putLong(14, f.ingestMicros, ByteOrder.LITTLE_ENDIAN);
    b.putBytes(FRAME_HEADER_BYTES, f.body);
    boolean sent = offer(e, b, length);
    if (sent) {
      framesSent.incrementAndGet();
    } else {
      framesDropped.incrementAndGet();
    }
    return sent;
  }

  private void sendEnd(Edge e, int trackId) {
    UnsafeBuffer b = encodeBuffers.get();
    b.putByte(0, END);
    b.putInt(1, trackId, ByteOrder.LITTLE_ENDIAN);
    offer(e, b, 5);
  }

  private boolean offer(Edge e, UnsafeBuffer b, int length) {
    for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++) {
      long r = e.publication.offer(b, 0, length);
      if (r > 0) {
        return true;
      }
      if (r == Publication.NOT_CONNECTED || r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED) {
        return false;
      }
      Thread.onSpinWait();
    }
    return false;
  }

  /**
   * Backs off from spinning to parking like Aeron's default, but parks at most 1 ms only while media
   * flows between nodes (a frame waits at most that long) and up to 20 ms otherwise: an idle relay's
   * two threads woke 2,000 times a second, 4% of a core on a node that relays nothing. A relay that
   * starts waits up to 20 ms once on each side (the poller notices, then the driver).
   */
  private final class RelayIdle implements IdleStrategy {
    private final BackoffIdleStrategy busy =
        new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10), BUSY_MAX_PARK_NANOS);
    private final BackoffIdleStrategy quiet =
        new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10), QUIET_MAX_PARK_NANOS);
    private boolean wasRelaying;

    @Override
    public void idle(int workCount) {
      boolean now = relaying;
      if (now != wasRelaying) {
        busy.reset();
        quiet.reset();
        wasRelaying = now;
      }
      (now ? busy : quiet).idle(workCount);
    }

    @Override
    public void idle() {
      (relaying ? busy : quiet).idle();
    }

    @Override
    public void reset() {
      busy.reset();
      quiet.reset();
    }
  }

  // ---- edge side --------------------------------------------------------------------------------

  private void poll() {
    FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    IdleStrategy idle = new RelayIdle();
    while (running) {
      try {
        Runnable task;
        while ((task = pollerTasks.poll()) != null) {
          task.run();
        }
        // Tracks relayed here, or rooms relayed from here (an origin's image, kept up by its
        // heartbeats after its rooms ended, does not count).
        relaying = !incoming.isEmpty() || outgoingSubscriptions.get() > 0;
        idle.idle(subscription.poll(assembler, FRAGMENT_LIMIT));
      } catch (RuntimeException e) {
        if (running) {
          log.warn("Media relay: a relayed message could not be taken; carrying on", e);
        }
      }
    }
  }

  private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
    long origin = ((long) header.sessionId()) << 32;
    byte type = buffer.getByte(offset);
    int trackId = buffer.getInt(offset + 1, ByteOrder.LITTLE_ENDIAN);
    long key = origin | (trackId & 0xFFFFFFFFL);
    if (type == ANNOUNCE) {
      int p = offset + 5;
      String[] s = new String[3];
      for (int i = 0; i < 3; i++) {
        int n = buffer.getShort(p, ByteOrder.LITTLE_ENDIAN);
        s[i] = buffer.getStringWithoutLengthUtf8(p + 2, n);
        p += 2 + n;
      }
      Track old = incoming.remove(key);
      if (old != null) {
        hub.close(old);
      }
      incoming.put(key, hub.openRelayed(s[0], new TrackKey(s[1], s[2])));
    } else if (type == FRAME) {
      Track t = incoming.get(key);
      if (t == null) {
        return; // announced before this node forgot the room, or lost: the origin primes again
      }
      int kind = buffer.getByte(offset + 5);
      long ts = buffer.getLong(offset + 6, ByteOrder.LITTLE_ENDIAN);
      long ingest = buffer.getLong(offset + 14, ByteOrder.LITTLE_ENDIAN);
      byte[] body = new byte[length - FRAME_HEADER_BYTES];
      buffer.getBytes(offset + FRAME_HEADER_BYTES, body);
      framesReceived.incrementAndGet();
      t.publish(new MediaFrame(kind, ts, body, ingest));
    } else if (type == END) {
      Track t = incoming.remove(key);
      if (t != null) {
        hub.close(t);
      }
    }
  }

  private void imageGone(Image image) {
    long origin = ((long) image.sessionId()) << 32;
    pollerTasks.add(() -> {
      ArrayList<Long> gone = new ArrayList<>();
      incoming.forEach((k, t) -> {
        if ((k & 0xFFFFFFFF00000000L) == origin) {
          gone.add(k);
        }
      });
      for (Long k : gone) {
        hub.close(incoming.remove(k));
      }
      if (!gone.isEmpty()) {
        log.info("Media relay: an origin went away; {} relayed tracks ended", gone.size());
      }
    });
  }

  /** This node no longer wants {@code roomId}: its relayed tracks end here. */
  public void forget(String roomId) {
    pollerTasks.add(() -> {
      ArrayList<Long> gone = new ArrayList<>();
      incoming.forEach((k, t) -> {
        if (t.roomId.equals(roomId)) {
          gone.add(k);
        }
      });
      for (Long k : gone) {
        hub.close(incoming.remove(k));
      }
    });
  }

  public long framesSent() {
    return framesSent.get();
  }

  public long framesReceived() {
    return framesReceived.get();
  }

  public long framesDropped() {
    return framesDropped.get();
  }

  @Override
  public void close() {
    running = false;
    try {
      poller.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    aeron.close();
    driver.close();
  }
}
