package io.shardcast.cluster.metrics;

import io.shardcast.media.serve.DeliveryLatency;
import io.shardcast.media.serve.MediaServer;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.reply.OrderResult;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.prometheus.PrometheusReporter;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One node's metrics, recorded through the Kamon API and served in Prometheus format on the
 * gateway's {@code /metrics}. Hot paths only bump this node's {@link LongAdder}s (its own and its
 * {@link FanoutStats}); a once-a-second tick folds them into the Kamon instruments. Nodes sharing a
 * JVM (the cluster tests) count apart; Kamon's instruments, one registry per JVM, add them up.
 */
public final class NodeMetrics {

  /** Viewer events accepted by this node's gateway (comments, likes, gifts). */
  private final LongAdder eventsInSoFar = new LongAdder();
  /** Room snapshot reads sent for joining viewers (the viewers joining meanwhile share one). */
  private final LongAdder snapshotReadsSoFar = new LongAdder();
  private final FanoutStats fanout = new FanoutStats();

  private static final AtomicBoolean KAMON_STARTED = new AtomicBoolean();
  private static volatile PrometheusReporter reporter;

  private final Gauge viewers = Kamon.gauge("shardcast.viewers", "connected viewer WebSockets").withoutTags();
  private final Gauge edges = Kamon.gauge("shardcast.room.edges", "rooms with viewers on this node").withoutTags();
  private final Gauge rooms = Kamon.gauge("shardcast.rooms", "room entities hosted by this node").withoutTags();
  private final Gauge shards = Kamon.gauge("shardcast.shards", "room shards hosted by this node").withoutTags();
  private final Counter eventsIn = Kamon.counter("shardcast.events.in", "viewer events accepted").withoutTags();
  private final Counter snapshotReads = Kamon.counter("shardcast.viewer.snapshot.reads",
      "room snapshot reads for joining viewers (viewers joining meanwhile share one)").withoutTags();
  private final Counter framesOut = Kamon.counter("shardcast.frames.out", "events written to viewers").withoutTags();
  private final Counter messagesOut =
      Kamon.counter("shardcast.messages.out", "WebSocket messages written to viewers (a batch of events is one)").withoutTags();
  private final Counter chatDropped = Kamon.counter("shardcast.chat.dropped", "chat frames sampled away").withoutTags();
  private final Counter slowCloses =
      Kamon.counter("shardcast.viewers.slow.closed", "viewers closed as too slow (they resume)").withoutTags();
  private final Histogram fanoutLatency = Kamon.histogram("shardcast.fanout.latency",
      "persisted to released at the node's edge", MeasurementUnit.time().milliseconds()).withoutTags();
  private final Counter ordersFromHint = Kamon.counter("shardcast.orders.sold.out.hint",
      "orders of sold-out sales answered by the gateway without a room round trip").withoutTags();
  private final Map<OrderResult, Counter> orders = new EnumMap<>(OrderResult.class);
  private final Counter buyersLimited = Kamon.counter("shardcast.users.rate.limited",
      "actions refused by a user's budget on this node").withTag("action", "buy");
  private final Counter commentersLimited = Kamon.counter("shardcast.users.rate.limited",
      "actions refused by a user's budget on this node").withTag("action", "comment");
  private volatile io.shardcast.cluster.media.MediaPlane media;
  private final Gauge mediaViewers =
      Kamon.gauge("shardcast.media.viewers", "HTTP-FLV, WebSocket-FLV and RTMP players").withoutTags();
  private final Gauge mediaPublishers = Kamon.gauge("shardcast.media.publishers", "RTMP publishers").withoutTags();
  private final Gauge rtpPlayers = Kamon.gauge("shardcast.media.rtp.players", "protected RTP players").withoutTags();
  private final Counter mediaBytesOut =
      Kamon.counter("shardcast.media.bytes.out", "media bytes written to viewers", MeasurementUnit.information().bytes())
          .withoutTags();
  private final Counter relaySent = Kamon.counter("shardcast.media.relay.frames", "frames relayed between nodes")
      .withTag("direction", "sent");
  private final Counter relayReceived = Kamon.counter("shardcast.media.relay.frames", "frames relayed between nodes")
      .withTag("direction", "received");
  private final Counter relayDropped = Kamon.counter("shardcast.media.relay.frames", "frames relayed between nodes")
      .withTag("direction", "dropped");
  private final Counter rtpMalformed =
      Kamon.counter("shardcast.media.rtp.malformed", "RTP datagrams dropped as malformed").withoutTags();
  /** Microseconds: the media plane measures in 100 us buckets, finer than whole milliseconds. */
  private final Histogram deliveryLatency = Kamon.histogram("shardcast.media.delivery.latency",
      "ingest to viewer socket", MeasurementUnit.time().microseconds()).withoutTags();
  /** The media server's delivery counts at this tick and at the last; reused, so a tick allocates none. */
  private final long[] deliveryCounts = DeliveryLatency.empty();
  private final long[] lastDeliveryCounts = DeliveryLatency.empty();
  private long lastMediaBytes;
  private long lastRelaySent;
  private long lastRelayReceived;
  private long lastRelayDropped;
  private long lastRtpMalformed;
  private long lastEventsIn;
  private long lastSnapshotReads;
  private long lastFramesOut;
  private long lastMessagesOut;
  private long lastChatDropped;
  private long lastSlowCloses;

  private NodeMetrics() {
    for (OrderResult r : OrderResult.values()) {
      orders.put(r, Kamon.counter("shardcast.orders", "orders answered, by result").withTag("result", r.name()));
    }
    fanout.onFanoutLatency(fanoutLatency::record);
  }

  /** Starts Kamon once per JVM and the per-node tick. */
  public static NodeMetrics start(ActorSystem<?> system) {
    if (KAMON_STARTED.compareAndSet(false, true)) {
      // Starts Kamon's reporting ticker; instrumentation agents are not used.
      Kamon.initWithoutAttaching(system.settings().config());
      reporter = new PrometheusReporter(PrometheusReporter.DefaultConfigPath(), system.settings().config());
      Kamon.addReporter("shardcast-prometheus", reporter);
    }
    NodeMetrics metrics = new NodeMetrics();
    Duration tick = system.settings().config().getDuration("shardcast.metrics.tick");
    system.scheduler().scheduleWithFixedDelay(tick, tick, () -> metrics.tick(system), system.executionContext());
    return metrics;
  }

  /** This node's fan-out counters, for its room edges and viewer connections to record into. */
  public FanoutStats fanout() {
    return fanout;
  }

  /** A viewer event (comment, like, gift) accepted by this node's gateway. */
  public void eventAccepted() {
    eventsInSoFar.increment();
  }

  /** Viewer events accepted by this node since it started. */
  public long eventsIn() {
    return eventsInSoFar.sum();
  }

  /** A room snapshot read sent for joining viewers. */
  public void snapshotRead() {
    snapshotReadsSoFar.increment();
  }

  public void orderAnswered(OrderResult result) {
    orders.get(result).increment();
  }

  /** An order or claim refused by its buyer's per-user budget. */
  public void buyerRateLimited() {
    buyersLimited.increment();
  }

  /** A comment refused by its viewer's per-user budget (across the viewer's sockets). */
  public void commenterRateLimited() {
    commentersLimited.increment();
  }

  /** An order of a sold-out sale answered by this gateway from its hint, without asking the room. */
  public void orderAnsweredFromHint() {
    ordersFromHint.increment();
  }

  /** Reports the node's media plane too (from the next tick). */
  public void media(io.shardcast.cluster.media.MediaPlane plane) {
    this.media = plane;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    PrometheusReporter r = reporter;
    return r == null ? "" : r.scrapeData();
  }

  private void tick(ActorSystem<?> system) {
    viewers.update(fanout.connectedViewers.get());
    edges.update(fanout.activeEdges.get());
    lastEventsIn = fold(eventsIn, eventsInSoFar.sum(), lastEventsIn);
    lastSnapshotReads = fold(snapshotReads, snapshotReadsSoFar.sum(), lastSnapshotReads);
    lastFramesOut = fold(framesOut, fanout.framesOut.sum(), lastFramesOut);
    lastMessagesOut = fold(messagesOut, fanout.messagesOut.sum(), lastMessagesOut);
    lastChatDropped = fold(chatDropped, fanout.chatDropped.sum(), lastChatDropped);
    lastSlowCloses = fold(slowCloses, fanout.slowConsumerCloses.sum(), lastSlowCloses);
    io.shardcast.cluster.media.MediaPlane m = media;
    if (m != null) {
      mediaViewers.update(m.server().viewers());
      mediaPublishers.update(m.server().publishers());
      rtpPlayers.update(m.server().rtpPlayers());
      lastMediaBytes = fold(mediaBytesOut, m.server().bytesOut(), lastMediaBytes);
      lastRelaySent = fold(relaySent, m.relay().framesSent(), lastRelaySent);
      lastRelayReceived = fold(relayReceived, m.relay().framesReceived(), lastRelayReceived);
      lastRelayDropped = fold(relayDropped, m.relay().framesDropped(), lastRelayDropped);
      lastRtpMalformed = fold(rtpMalformed, m.server().rtpMalformed(), lastRtpMalformed);
      foldDelivery(m.server());
    }
    AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(LiveRoom.TYPE_KEY, replyTo),
            Duration.ofSeconds(1),
            system.scheduler())
        .thenAccept(state -> {
          shards.update(state.getShards().size());
          rooms.update(state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum());
        });
  }

  /** Records the frames delivered since the last tick into the histogram, each at its bucket's delay. */
  private void foldDelivery(MediaServer server) {
    server.deliveryCounts(deliveryCounts);
    for (int i = 0; i < deliveryCounts.length; i++) {
      long now = deliveryCounts[i];
      if (now > lastDeliveryCounts[i]) {
        deliveryLatency.record(DeliveryLatency.upperMicros(i), now - lastDeliveryCounts[i]);
      }
      lastDeliveryCounts[i] = now;
    }
  }

  private static long fold(Counter counter, long now, long last) {
    if (now > last) {
      counter.increment(now - last);
    }
    return now;
  }
}
