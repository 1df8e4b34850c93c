package io.shardcast.cluster.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.autoscale.NodeAgent;
import io.shardcast.cluster.gateway.GatewaySettings;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.cluster.gateway.OrderDesk;
import io.shardcast.cluster.gateway.RoomAnswers;
import io.shardcast.cluster.gateway.RoomReads;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.RoomEdges;
import io.shardcast.room.RoomSettings;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import io.shardcast.room.reply.RoomReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's viewer listener: what every viewer does at scale, watching ({@code /ws/rooms/{id}}
 * WebSockets) and buying ({@code POST /api/rooms/{id}/orders} on keep-alive connections), served
 * by a few selector threads. One Pekko Streams graph per viewer cost about 50 us of CPU per message
 * and 48 KiB of heap per connection; here a viewer message is a queue poll and a socket write of
 * bytes shared by the node's viewers. The rest of the REST API stays on the Pekko HTTP gateway.
 */
public final class ViewerServer implements AutoCloseable, NodeAgent.Viewers {

  private static final Logger log = LoggerFactory.getLogger(ViewerServer.class);

  private final ClusterSharding sharding;
  private final ActorRef<RoomEdges.Command> edges;
  private final GatewaySettings settings;
  private final RoomSettings roomSettings;
  private final OrderDesk orders;
  private final Access access;
  private final NodeMetrics metrics;
  private final RoomReads reads;
  /** Snapshot reads for joining viewers, one in flight per room. */
  private final SharedReads<String, Snapshot> snapshots;
  private final ServerSocketChannel listener;
  private final ViewerLoop[] loops;
  private final Thread acceptor;
  private volatile boolean accepting = true;
  /** Null while this node takes new viewers, else what it is (standby, draining). */
  private volatile Supplier<String> notServing = () -> null;
  private final AtomicInteger viewers = new AtomicInteger();

  private ViewerServer(ActorSystem<?> system, ActorRef<RoomEdges.Command> edges, GatewaySettings settings,
      RoomSettings roomSettings, OrderDesk orders, Access access, NodeMetrics metrics, ServerSocketChannel listener)
      throws IOException {
    this.orders = orders;
    this.access = access;
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.reads = new RoomReads(system, settings);
    this.snapshots = new SharedReads<>(roomId -> {
      metrics.snapshotRead();
      return reads.<RoomReply.ToSnapshot>ask(roomId, LiveRoom.GetSnapshot::new).thenApply(Snapshot::of);
    }, settings.readResendInterval().isZero() ? settings.askTimeout().toNanos() : settings.readResendInterval().toNanos());
    this.edges = edges;
    this.settings = settings;
    this.roomSettings = roomSettings;
    this.listener = listener;
    this.loops = new ViewerLoop[settings.viewerIoThreads()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new ViewerLoop(this, i);
    }
    this.acceptor = new Thread(this::acceptLoop, "shardcast-viewers-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code settings.viewerPort()} and starts serving viewers, counted in this node's {@code metrics}. */
  public static ViewerServer start(ActorSystem<?> system, ActorRef<RoomEdges.Command> edges,
      GatewaySettings settings, RoomSettings roomSettings, OrderDesk orders, Access access, NodeMetrics metrics)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(new InetSocketAddress(settings.iface(), settings.viewerPort()), settings.viewerAcceptBacklog());
    } catch (IOException e) {
      listener.close();
      throw new IOException("cannot bind the viewer port " + settings.iface() + ":" + settings.viewerPort()
          + ": " + e.getMessage(), e);
    }
    ViewerServer server = new ViewerServer(system, edges, settings, roomSettings, orders, access, metrics,
        listener);
    for (ViewerLoop loop : server.loops) {
      loop.thread.start();
    }
    server.acceptor.start();
    return server;
  }

  public int port() {
    return listener.socket().getLocalPort();
  }

  GatewaySettings settings() {
    return settings;
  }

  /** Who may watch and buy here. */
  Access access() {
    return access;
  }

  /** This node's fan-out counters, which its viewer connections record into. */
  FanoutStats fanout() {
    return metrics.fanout();
  }

  private void acceptLoop() {
    int next = 0;
    while (accepting) {
      try {
        SocketChannel ch = listener.accept();
        if (!accepting) {
          ViewerLoop.closeQuietly(ch);
          break;
        }
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        loops[next++ % loops.length].adopt(ch);
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException e) {
        // Out of file descriptors and the like: keep serving those already connected.
        log.warn("viewer accept failed: {}", e.toString());
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  /**
   * The room's snapshot for a joining viewer, re-sent until answered (a join during a failover waits
   * for the room). Viewers of one room joining this node meanwhile share the read in flight, so a
   * join storm asks the room about once per round trip, not once per viewer (each asking again
   * every second until answered had swamped the room at a few thousand joins). Only a read younger
   * than the re-send interval is shared, so a joiner still gets about its own time to wait. A
   * snapshot read just before a viewer joined serves a new viewer as well as one read after (the
   * edge sends what followed it from its ring); a resuming viewer whose {@code since} is past it
   * reads again ({@link ViewerConnection}).
   */
  CompletionStage<Snapshot> snapshot(String roomId) {
    return snapshots.get(roomId);
  }

  /**
   * The room's answer to a snapshot read, parsed once for every viewer sharing it: the frame they
   * are all sent (one object, so its wire form is built once too), or null when the room refused.
   */
  record Snapshot(JsonReply refusal, Frame frame) {
    static Snapshot of(RoomReply.ToSnapshot reply) {
      if (reply instanceof RoomReply.Snapshot s) {
        return new Snapshot(null, new Frame(s.seq(), s.json(), true, 0, true, 0));
      }
      return new Snapshot(RoomAnswers.http(reply), null);
    }
  }

  CompletionStage<JsonReply> placeOrder(String roomId, JsonNode order, String token) {
    return orders.place(roomId, order, token);
  }

  ViewerSession newSession(String roomId, String userId) {
    return new ViewerSession(roomId, userId, roomSettings.viewerQueueCapacity(), roomSettings.viewerChatLimit(),
        roomSettings.viewerMaxChatAge().toMillis(), metrics.fanout());
  }

  /** What {@code userId} sends; an observer ({@code readOnly}: an operator watching) may only ping. */
  ViewerInput newInput(String roomId, String userId, boolean readOnly, ViewerSession session) {
    return new ViewerInput(roomId, userId, readOnly, session, sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId), edges,
        settings, roomSettings, access, metrics);
  }

  void attach(String roomId, ViewerSession session, long since, Frame snapshot) {
    viewers.incrementAndGet();
    edges.tell(new RoomEdges.Attach(roomId, session, since, snapshot));
  }

  void detach(String roomId, ViewerSession session) {
    viewers.decrementAndGet();
    edges.tell(new RoomEdges.Detach(roomId, session));
  }

  /**
   * Viewers connected to this listener now (counted as they attach, before the edge has them: the
   * edges' {@code FanoutStats#connectedViewers} follows a moment later).
   */
  @Override
  public int viewers() {
    return viewers.get();
  }

  /**
   * Refuses new viewers (503 {@code NOT_SERVING}) while {@code state} returns non-null: what the
   * node is instead (a standby, draining). Viewers already connected stay.
   */
  public void servingWhen(Supplier<String> state) {
    this.notServing = state;
  }

  String notServing() {
    return notServing.get();
  }

  /**
   * Asks up to {@code max} connected viewers to reconnect elsewhere: each gets a reconnect hint
   * naming {@code target.apply(roomId)} (a viewer base {@code ws://host:port}; null lets the viewer
   * ask {@code /join}) and the last seq it received, then the connection closes. Nothing is lost:
   * the viewer resumes from that seq on the other node.
   */
  @Override
  public void hintReconnect(int max, Function<String, String> target, String reason) {
    AtomicInteger budget = new AtomicInteger(max);
    for (ViewerLoop loop : loops) {
      loop.hintReconnect(budget, target, reason);
    }
  }

  /** Stops taking new viewers; those connected stay. */
  public void unbind() {
    accepting = false;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Stops taking viewers and closes every connection with a going-away frame. */
  @Override
  public void close() {
    unbind();
    for (ViewerLoop loop : loops) {
      loop.stop();
    }
    for (ViewerLoop loop : loops) {
      try {
        loop.thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
