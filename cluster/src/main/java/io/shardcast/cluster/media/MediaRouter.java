package io.shardcast.cluster.media;

import io.shardcast.cluster.ask.Resend;
import io.shardcast.media.MediaDirectory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.TrackKey;
import io.shardcast.media.cue.Cue;
import io.shardcast.media.relay.AeronRelay;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.media.MediaNode;
import io.shardcast.room.reply.RoomReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * This node's media router: the seam between the media plane and the rooms. It asks a room
 * whether a host may publish, keeps the room's media route fresh (this node as origin of the
 * rooms it ingests, as subscriber of the rooms its viewers watch), and carries out what rooms
 * tell it: relay a room to a node, stop, switch camera, put a commerce cue on the stream's frames.
 */
public final class MediaRouter implements MediaDirectory {

  /** Refreshes routes; internal. */
  private enum Refresh implements MediaNode { INSTANCE }

  /** This node stopped ingesting a room (from a media thread); internal. */
  private record OriginLeft(String roomId) implements MediaNode {}

  private static final Duration REFRESH = Duration.ofSeconds(2);
  /** A node keeps receiving a room this long after its last viewer left (a viewer reloading the page). */
  private static final long LINGER_MILLIS = 5_000;
  /**
   * A room that has just started on its node (moved there by a rebalance or a node's loss) knows its
   * origin only from the origin's next refresh: asked in between, it says its route is settling, and
   * the question is asked again this often (as long as the room says so, a few seconds at most).
   */
  private static final long SETTLE_RETRY_MILLIS = 250;
  private static final Executor SETTLE_RETRY = CompletableFuture.delayedExecutor(SETTLE_RETRY_MILLIS,
      TimeUnit.MILLISECONDS);
  /** Bounds the asks of one viewer's look-up whatever the room says (the room's settle time is 3 s). */
  private static final int MAX_SETTLE_RETRIES = 40;

  private final MediaHub hub;
  private final AeronRelay relay;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private volatile ActorRef<MediaNode> self;
  /** Rooms ingested here, with their live track count. */
  private final Map<String, Integer> origins = new ConcurrentHashMap<>();
  /** The restream pushes of the rooms ingested here (the router's actor only). */
  private final Restreams restreams;
  /** Rooms relayed here, with when they last had a viewer. */
  private final Map<String, Long> watched = new ConcurrentHashMap<>();

  public MediaRouter(MediaHub hub, AeronRelay relay, ClusterSharding sharding, Duration askTimeout) {
    this.hub = hub;
    this.relay = relay;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.restreams = new Restreams(hub);
  }

  /** The router's actor (spawn it once, before the media server takes connections). */
  public Behavior<MediaNode> behavior() {
    return Behaviors.setup(ctx -> {
      self = ctx.getSelf();
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Refresh.INSTANCE, REFRESH);
        return Behaviors.receive(MediaNode.class)
            .onMessage(MediaNode.RelayTo.class, m -> {
              relay.addSubscriber(m.roomId(), m.endpoint());
              return Behaviors.same();
            })
            .onMessage(MediaNode.StopRelay.class, m -> {
              relay.removeSubscriber(m.roomId(), m.endpoint());
              return Behaviors.same();
            })
            .onMessage(MediaNode.CameraIs.class, m -> {
              hub.room(m.roomId()).activeCamera(m.camera());
              return Behaviors.same();
            })
            .onMessage(MediaNode.Restream.class, m -> {
              if (origins.containsKey(m.roomId())) {
                restreams.apply(m.roomId(), m.destinations());
              }
              return Behaviors.same();
            })
            .onMessage(OriginLeft.class, m -> {
              if (!origins.containsKey(m.roomId())) {
                restreams.stop(m.roomId());
              }
              return Behaviors.same();
            })
            .onMessage(MediaNode.Cue.class, m -> {
              hub.room(m.roomId()).cues().add(new Cue(m.atMillis(), m.seq(), m.type(), m.fieldsJson()));
              return Behaviors.same();
            })
            .onMessageEquals(Refresh.INSTANCE, () -> {
              refresh();
              return Behaviors.same();
            })
            .onSignal(org.apache.pekko.actor.typed.PostStop.class, sig -> {
              restreams.stopAll();
              return Behaviors.same();
            })
            .build();
      });
    });
  }

  /** The router's actor, once spawned (it is also set when the behavior starts). */
  void attach(ActorRef<MediaNode> ref) {
    self = ref;
  }

  private EntityRef<LiveRoom.Command> room(String roomId) {
    return sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId);
  }

  /**
   * How long an encoder's publish may wait for its room: through a failover of the room's node (the
   * node found unreachable, downed, and the room started again elsewhere: about 5-10 s), so an
   * encoder that reconnects at once is taken, not refused.
   */
  static final Duration PUBLISH_WAIT = Duration.ofSeconds(20);
  /** A publish's ask is sent again this often while it waits (one sent to a lost node is never answered). */
  static final Duration PUBLISH_RESEND = Duration.ofSeconds(1);

  @Override
  public CompletionStage<Decision> authorizePublish(String roomId, String token, TrackKey key) {
    EntityRef<LiveRoom.Command> room = room(roomId);
    return Resend.<RoomReply.ToMedia>untilAnswered(left -> room.ask(
            r -> new LiveRoom.MediaPublish(token, self, relay.endpoint(), r), left),
            PUBLISH_WAIT.compareTo(askTimeout) > 0 ? PUBLISH_WAIT : askTimeout, PUBLISH_RESEND)
        .thenApply(r -> {
          if (r instanceof RoomReply.Route route) {
            camera(roomId, route);
            return Decision.OK;
          }
          RoomReply.Rejected refused = (RoomReply.Rejected) r;
          return new Decision(switch (refused.reason()) {
            case FORBIDDEN -> Verdict.FORBIDDEN;
            case ROOM_NOT_FOUND -> Verdict.UNKNOWN_ROOM;
            default -> Verdict.UNAVAILABLE;
          }, refused.message());
        });
  }

  @Override
  public void publishing(String roomId, TrackKey key, boolean live) {
    int n = origins.merge(roomId, live ? 1 : -1, Integer::sum);
    if (n <= 0) {
      origins.remove(roomId);
      if (self != null) {
        self.tell(new OriginLeft(roomId));
      }
      room(roomId).tell(new LiveRoom.MediaOrigin(self, relay.endpoint(), false, -1, 0));
    }
  }

  @Override
  public CompletionStage<Decision> watch(String roomId) {
    return watch(roomId, 0);
  }

  private CompletionStage<Decision> watch(String roomId, int retries) {
    return room(roomId)
        .<RoomReply.ToMedia>ask(r -> new LiveRoom.MediaWatch(self, relay.endpoint(), true, r), askTimeout)
        .thenCompose(r -> {
          if (!(r instanceof RoomReply.Route route)) {
            RoomReply.Rejected refused = (RoomReply.Rejected) r;
            return done(new Decision(refused.reason() == RoomReply.Reason.ROOM_NOT_FOUND ? Verdict.UNKNOWN_ROOM
                : Verdict.UNAVAILABLE, refused.message()));
          }
          if (!route.live()) {
            if (route.settling() && retries < MAX_SETTLE_RETRIES) {
              return CompletableFuture.runAsync(() -> { }, SETTLE_RETRY).thenCompose(x -> watch(roomId, retries + 1));
            }
            room(roomId).tell(new LiveRoom.MediaWatch(self, relay.endpoint(), false, null));
            return done(new Decision(Verdict.NOT_LIVE, "room " + roomId + " is not live: nobody publishes its media"));
          }
          camera(roomId, route);
          watched.put(roomId, System.currentTimeMillis());
          return done(Decision.OK);
        });
  }

  private static CompletionStage<Decision> done(Decision d) {
    return CompletableFuture.completedFuture(d);
  }

  private void refresh() {
    long now = System.currentTimeMillis();
    for (String roomId : origins.keySet()) {
      MediaRoom r = hub.existing(roomId);
      MediaRoom.MediaAnchor a = r != null ? r.anchor() : null;
      room(roomId).tell(new LiveRoom.MediaOrigin(self, relay.endpoint(), true, a != null ? a.timestamp() : -1,
          a != null ? a.epochMillis() : 0));
    }
    for (String roomId : restreams.rooms()) {
      room(roomId).tell(new LiveRoom.RestreamStatus(relay.endpoint(), restreams.states(roomId)));
    }
    for (Map.Entry<String, Long> e : watched.entrySet()) {
      String roomId = e.getKey();
      MediaRoom r = hub.existing(roomId);
      if (r != null && r.viewers() > 0) {
        e.setValue(now);
        room(roomId).tell(new LiveRoom.MediaWatch(self, relay.endpoint(), true, null));
      } else if (now - e.getValue() > LINGER_MILLIS) {
        watched.remove(roomId);
        room(roomId).tell(new LiveRoom.MediaWatch(self, relay.endpoint(), false, null));
        if (!origins.containsKey(roomId)) {
          relay.forget(roomId);
        }
      }
    }
  }

  private void camera(String roomId, RoomReply.Route route) {
    String camera = route.camera();
    if (camera != null && TrackKey.valid(camera)) {
      hub.room(roomId).activeCamera(camera);
    }
  }
}
