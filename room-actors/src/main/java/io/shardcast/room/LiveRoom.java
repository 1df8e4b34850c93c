package io.shardcast.room;

import io.shardcast.room.commerce.LuckyDraw;
import io.shardcast.room.commerce.SaleCalendar;
import io.shardcast.room.commerce.SoldOutHint;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.FrameRenderer;
import io.shardcast.room.fanout.RecentFrames;
import io.shardcast.room.media.MediaNode;
import io.shardcast.room.media.MediaRoute;
import io.shardcast.room.platform.PlatformEvent;
import io.shardcast.room.platform.PlatformSignature;
import io.shardcast.room.platform.ReplyBody;
import io.shardcast.room.platform.ReplyCourier;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.restream.RestreamView;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.state.CborSerializable;
import io.shardcast.room.state.EventTags;
import io.shardcast.room.state.HostOp;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;
import io.shardcast.room.trace.RoomActivity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A live room: the single writer of the room's commerce and interaction state, sharded by room
 * id. Viewer-driven commands (orders, coupon claims, comments, gifts) are group-committed: all that
 * arrive while a write is in flight go to the journal together, and each is answered only after
 * its batch is persisted. Every persisted viewer-visible event is sent once to each node's
 * {@link RoomEdge}, which fans it out locally.
 */
public final class LiveRoom extends EventSourcedBehavior<LiveRoom.Command, RoomEvent, LiveRoom.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "LiveRoom");

  private static final String KEEP_AWAKE = "keep-awake";
  private static final String IDLE_TIMEOUT = "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout";

  /**
   * Rooms and their edges run on their own small dispatcher, so a wave of viewer socket work on the
   * default dispatcher never queues a room's next write or an edge's next release behind it.
   */
  public static final String DISPATCHER = "shardcast.room.dispatcher";

  /** Registers the room entity with Cluster Sharding on this node. */
  public static void init(ActorSystem<?> system) {
    init(system, null);
  }

  /** As {@link #init(ActorSystem)}, placing rooms by {@code allocation} (null: Pekko's default). */
  public static void init(ActorSystem<?> system, ShardCoordinator.ShardAllocationStrategy allocation) {
    RoomSettings settings = RoomSettings.from(system.settings().config());
    Entity<Command, ShardingEnvelope<Command>> entity = Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings))
        .withEntityProps(DispatcherSelector.fromConfig(DISPATCHER));
    ClusterSharding.get(system).init(allocation == null ? entity : entity.withAllocationStrategy(allocation));
  }

  /** The shard a room lives in (the default hash extractor's rule, with the configured shard count). */
  public static String shardOf(String roomId, int numberOfShards) {
    return new HashCodeMessageExtractor<Command>(numberOfShards).shardId(roomId);
  }

  public static Behavior<Command> create(String roomId, RoomSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new LiveRoom(ctx, timers, roomId, settings)));
  }

  // ---- commands ------------------------------------------------------------------------------

  /** Everything a room accepts. */
  public sealed interface Command extends CborSerializable {}

  public record CreateRoom(String title, String hostTokenHash, ActorRef<RoomReply.ToCreate> replyTo) implements Command {}

  public record Host(String hostToken, HostOp op, ActorRef<RoomReply.ToHost> replyTo) implements Command {}

  public record PlaceOrder(String orderId, String userId, String saleId, int quantity,
      ActorRef<RoomReply.ToOrder> replyTo)
      implements Command {}

  public record ClaimCoupon(String userId, String couponId, ActorRef<RoomReply.ToClaim> replyTo) implements Command {}

  public record PostComment(String userId, String text) implements Command {}

  public record SendGift(String userId, String gift, int count) implements Command {}

  /**
   * A platform relay's events for destination {@code destinationId}, signed: {@code body} is the
   * request's bytes as signed at {@code timestampSeconds} (the gateway checked the time), {@code events}
   * what the gateway parsed from them. Nothing is taken unless the signature matches the
   * destination's chat secret.
   */
  public record PlatformEvents(String destinationId, long timestampSeconds, String signature, byte[] body,
      List<PlatformEvent> events, ActorRef<RoomReply.ToPlatform> replyTo)
      implements Command {}

  public record GetSnapshot(ActorRef<RoomReply.ToSnapshot> replyTo) implements Command {}

  /** Asks for a sale's {@link SoldOutHint}, so a gateway can answer its later orders itself. */
  public record GetSoldOutHint(String saleId, ActorRef<SoldOutHint> replyTo) implements Command {}

  /**
   * A sale's confirmed orders, as {@code reader} may see them: the host (its token is checked here)
   * and operators (checked by the gateway) see every buyer's; a buyer sees its own.
   *
   * @param credential the host token for {@link OrdersReader#HOST}, the buyer's verified user id for
   *     {@link OrdersReader#BUYER}, unused for {@link OrdersReader#OPERATOR}
   */
  public record GetOrders(String saleId, OrdersReader reader, String credential, ActorRef<RoomReply.ToOrders> replyTo)
      implements Command {}

  /** Who reads a sale's orders. */
  public enum OrdersReader {
    /** The room's host, with its host token. */
    HOST,
    /** An operator the gateway verified ({@code ops:read}). */
    OPERATOR,
    /** A buyer the gateway verified: its own orders only. */
    BUYER
  }

  /**
   * An edge (one per node with viewers) announcing itself, with its viewers now and how many it has
   * taken in since it started; sent on start, every second, and on a gap.
   */
  public record SubscribeEdge(ActorRef<RoomEdge.Command> edge, long afterSeq, int viewers, long joins)
      implements Command {}

  /**
   * An edge asking for the frames after {@code afterSeq} it never had (a viewer resumes there from
   * before the edge's oldest frame): answered from the room's recent frames with {@link RoomEdge.History}.
   */
  public record GetFrames(long afterSeq, ActorRef<RoomEdge.Command> replyTo) implements Command {}

  /** A node starts ingesting the room's media: checked against the host token; the node becomes the origin. */
  public record MediaPublish(String hostToken, ActorRef<MediaNode> router, String endpoint,
      ActorRef<RoomReply.ToMedia> replyTo)
      implements Command {}

  /**
   * The origin refreshing its place ({@code live}) or leaving it, with where the room's media clock
   * stood: the newest frame's {@code mediaTimestamp} arrived at {@code mediaAtMillis} (-1: no frame yet).
   */
  public record MediaOrigin(ActorRef<MediaNode> router, String endpoint, boolean live, long mediaTimestamp,
      long mediaAtMillis) implements Command {}

  /** The room's restream destinations and their pushes, for an operator (the gateway checked the scope). */
  public record GetDestinations(ActorRef<RoomReply.ToHost> replyTo) implements Command {}

  /** The origin at {@code endpoint} reporting how the room's restream pushes are doing. */
  public record RestreamStatus(String endpoint, List<MediaNode.PushState> pushes) implements Command {}

  /** A node with viewers of the room (re)subscribing ({@code watching}) or leaving; replyTo may be null. */
  public record MediaWatch(ActorRef<MediaNode> router, String endpoint, boolean watching,
      ActorRef<RoomReply.ToMedia> replyTo)
      implements Command {}

  /** The media route: origin, subscribed nodes, active camera. */
  public record GetMediaRoute(ActorRef<RoomReply.ToMedia> replyTo) implements Command {}

  /** Likes counted at an edge since its last flush. */
  public record EdgeLikes(long count) implements Command {}

  /** The room's assistant has a reply for {@code askers}' questions {@code questionSeqs}. */
  public record AssistantReply(String text, String intent, String productId, List<String> askers,
      List<Long> questionSeqs) implements Command {}

  /** The room's assistant hands a clear question it cannot answer from the facts to the host. */
  public record AssistantHandover(long seq, String name, String text, String intent, long atMillis)
      implements Command {}

  /** The room's assistant's figures since it started (for the host's view). */
  public record AssistantFigures(io.shardcast.room.assistant.AssistantLoad.Snapshot figures) implements Command {}

  private enum Flush implements Command { INSTANCE }

  /** Timer: while a sale has not opened (or a bag not been drawn), keep this room from passivating. */
  private enum KeepAwake implements Command { INSTANCE }

  /** Sent to itself through sharding: traffic, so the idle passivation leaves it be. */
  private enum StayAwake implements Command { INSTANCE }

  private enum TallyLikes implements Command { INSTANCE }

  /** Timer: while the show is on, whether its origin has been gone for the show-end grace. */
  private enum ShowCheck implements Command { INSTANCE }

  /** Timer: while the show is on, the room's own audience is written down (for its numbers). */
  private enum SampleAudience implements Command { INSTANCE }

  /** How often the room's own audience is written to the journal while the show is on. */
  public static final Duration AUDIENCE_SAMPLE = Duration.ofSeconds(15);

  private record OpenSale(String saleId) implements Command {}

  private record DrawBag(String bagId) implements Command {}

  private record EdgeGone(ActorRef<RoomEdge.Command> edge) implements Command {}

  // ---- state ----------------------------------------------------------------------------------

  /**
   * The room's state and the frames its last events rendered, both rebuilt from the events alone
   * (snapshots hold the room's state only; recovery replays the frames after it).
   */
  public record State(RoomState room, RecentFrames recent) {}

  // ---- the actor ------------------------------------------------------------------------------

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String roomId;
  private final RoomSettings settings;
  private final String node;
  private final GroupCommit groupCommit;
  private final EdgeSubscribers edges = new EdgeSubscribers();
  /** Viewer commands waiting for the next group commit. */
  private final List<Command> pending = new ArrayList<>();
  private boolean flushQueued;
  /** A third of the idle passivation timeout. */
  private final Duration keepAwakeEvery;
  private final RoomActivity activity;
  /** Recovery is over. */
  private boolean live;
  private long pendingLikes;
  /** Where the room's media comes from and goes (soft state, refreshed by the nodes). */
  private final MediaRoute media;
  /** The room's side of its assistant (nothing runs while the host has it off). */
  private final AssistantDesk assistant;
  /** When an origin last announced or refreshed itself (or the room recovered during a show). */
  private long originSeenMillis;
  /** How the origin last said the room's restream pushes are doing (not persisted: the origin reports every 2 s). */
  private final RestreamView restreams = new RestreamView();

  private LiveRoom(ActorContext<Command> ctx, TimerScheduler<Command> timers, String roomId, RoomSettings settings) {
    super(
        PersistenceId.of(TYPE_KEY.name(), roomId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.ctx = ctx;
    this.activity = RoomActivity.get(ctx.getSystem());
    activity.starting(roomId);
    this.timers = timers;
    this.roomId = roomId;
    this.settings = settings;
    this.assistant = new AssistantDesk(settings.assistantRewording(), settings.assistantEmbeddings());
    this.groupCommit = new GroupCommit(settings,
        new TokenBucket(settings.chatBroadcastRate(), Math.max(1, settings.chatBroadcastRate() / 2)));
    this.node = ctx.getSystem().address().hostPort();
    com.typesafe.config.Config config = ctx.getSystem().settings().config();
    Duration idle = config.hasPath(IDLE_TIMEOUT) ? config.getDuration(IDLE_TIMEOUT) : Duration.ofMinutes(2);
    this.keepAwakeEvery = Duration.ofMillis(Math.max(500, idle.toMillis() / 3));
    this.media = new MediaRoute(roomId, settings.mediaRouteExpiry().toMillis(), settings.mediaRouteSettle().toMillis(),
        System.currentTimeMillis());
  }

  @Override
  public State emptyState() {
    return new State(new RoomState(), new RecentFrames(settings.frameRingSize()));
  }

  @Override
  public java.util.Set<String> tagsFor(RoomEvent event) {
    return EventTags.of(roomId, event);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.room().copy();
      }

      @Override
      public State fromJournal(Object from) {
        return new State((RoomState) from, new RecentFrames(settings.frameRingSize()));
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> {
          SaleCalendar.get(ctx.getSystem()).remove(roomId);
          if (live) {
            activity.stopped(roomId, state.room().seq);
          }
        })
        .build();
  }

  @Override
  public EventHandler<State, RoomEvent> eventHandler() {
    return (state, event) -> {
      state.room().apply(event, settings.recentComments());
      Frame frame = FrameRenderer.render(event, media.mediaTimeAt(momentOf(event, System.currentTimeMillis())));
      if (frame != null) {
        state.recent().add(frame);
      }
      return state;
    };
  }

  @Override
  public CommandHandler<Command, RoomEvent, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CreateRoom.class, this::onCreate)
        .onCommand(Host.class, this::onHost)
        .onCommand(PlaceOrder.class, (s, c) -> enqueue(s, c, c.replyTo()))
        .onCommand(ClaimCoupon.class, (s, c) -> enqueue(s, c, c.replyTo()))
        .onCommand(PostComment.class, (s, c) -> enqueue(s, c, null))
        .onCommand(SendGift.class, (s, c) -> enqueue(s, c, null))
        .onCommand(PlatformEvents.class, this::onPlatformEvents)
        .onCommand(Flush.class, (s, c) -> onFlush(s))
        .onCommand(KeepAwake.class, (s, c) -> onKeepAwake(s))
        .onCommand(StayAwake.class, (s, c) -> Effect().none())
        .onCommand(GetSnapshot.class, this::onGetSnapshot)
        .onCommand(GetSoldOutHint.class, this::onGetSoldOutHint)
        .onCommand(GetOrders.class, this::onGetOrders)
        .onCommand(SubscribeEdge.class, this::onSubscribeEdge)
        .onCommand(GetFrames.class, this::onGetFrames)
        .onCommand(EdgeGone.class, (s, c) -> {
          edges.remove(c.edge());
          return Effect().none();
        })
        .onCommand(EdgeLikes.class, this::onEdgeLikes)
        .onCommand(MediaPublish.class, this::onMediaPublish)
        .onCommand(MediaOrigin.class, (s, c) -> {
          if (c.live()) {
            media.origin(c.router(), c.endpoint(), s.room().camera, System.currentTimeMillis());
            media.anchor(c.mediaTimestamp(), c.mediaAtMillis());
            restream(s.room());
            return originSeen(s.room());
          }
          media.originGone(c.endpoint());
          return Effect().none();
        })
        .onCommand(ShowCheck.class, (s, c) -> onShowCheck(s))
        .onCommand(AssistantReply.class, this::onAssistantReply)
        .onCommand(AssistantHandover.class, (s, c) -> {
          assistant.handedOver(c);
          return Effect().none();
        })
        .onCommand(AssistantFigures.class, (s, c) -> {
          assistant.figures(c.figures());
          return Effect().none();
        })
        .onCommand(SampleAudience.class, (s, c) -> s.room().onAir
            ? write(List.of(new AudienceSampled(0, edges.viewers(), edges.takeJoins(), System.currentTimeMillis())))
            : Effect().none())
        .onCommand(MediaWatch.class, this::onMediaWatch)
        .onCommand(GetDestinations.class, (s, c) -> Effect().reply(c.replyTo(),
            s.room().created ? destinations(s.room(), false) : notFound()))
        .onCommand(RestreamStatus.class, (s, c) -> {
          restreams.report(c.endpoint(), c.pushes(), System.currentTimeMillis());
          return Effect().none();
        })
        .onCommand(GetMediaRoute.class, (s, c) -> Effect().reply(c.replyTo(),
            s.room().created ? media.describe(s.room().camera, System.currentTimeMillis()) : notFound()))
        .onCommand(TallyLikes.class, this::onTallyLikes)
        .onCommand(OpenSale.class, this::onOpenSale)
        .onCommand(DrawBag.class, this::onDrawBag)
        .build();
  }

  private void onRecovered(State recovered) {
    RoomState state = recovered.room();
    live = true;
    edges.publishedUpTo(state.seq);
    activity.recovered(roomId, state.seq);
    SaleCalendar.get(ctx.getSystem()).update(roomId, state);
    long now = System.currentTimeMillis();
    for (RoomState.FlashSale sale : state.sales.values()) {
      if (!sale.openPublished) {
        scheduleOpen(sale.saleId, sale.revealAtMillis, now);
      }
    }
    for (RoomState.LuckyBag bag : state.bags.values()) {
      if (bag.drawnWinners == null) {
        scheduleDraw(bag.bagId, bag.endsAtMillis, now);
      }
    }
    if (state.onAir) {
      originSeenMillis = now; // a live origin refreshes within 2 s; the grace runs from here
      watchShow();
    }
    assistant.follow(ctx, state);
  }

  // ---- the assistant --------------------------------------------------------------------------

  private Effect<RoomEvent, State> onAssistantReply(State s, AssistantReply c) {
    RoomState state = s.room();
    if ("suggest".equals(state.assistantMode)) {
      assistant.suggest(c);
      return Effect().none();
    }
    if (!"on".equals(state.assistantMode)) {
      return Effect().none();
    }
    return write(List.of(new AssistantAnswered(state.seq + 1, c.text(), c.intent(), c.productId(), c.askers(),
        c.questionSeqs(), false, System.currentTimeMillis())));
  }

  // ---- creation and host operations -----------------------------------------------------------

  private Effect<RoomEvent, State> onCreate(State s, CreateRoom c) {
    RoomState state = s.room();
    if (state.created) {
      if (state.hostTokenHash.equals(c.hostTokenHash())) {
        return Effect().reply(c.replyTo(), new RoomReply.Created(roomId, -1, false));
      }
      return Effect().reply(c.replyTo(), new Rejected(Reason.ROOM_EXISTS, "room " + roomId + " already exists"));
    }
    if (c.title() == null || c.title().isBlank() || c.title().length() > 200) {
      return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_TITLE, "title must be 1..200 characters"));
    }
    return Effect()
        .persist(new RoomCreated(0, c.title(), c.hostTokenHash(), System.currentTimeMillis()))
        .thenReply(c.replyTo(), after -> new RoomReply.Created(roomId, after.room().seq, true));
  }

  private Effect<RoomEvent, State> onHost(State s, Host c) {
    RoomState state = s.room();
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    if (!HostToken.matches(c.hostToken(), state.hostTokenHash)) {
      return Effect().reply(c.replyTo(), forbidden());
    }
    if (c.op() instanceof HostOp.ListDestinations) {
      return Effect().reply(c.replyTo(), destinations(state, false));
    }
    if (c.op() instanceof HostOp.ReadAssistant) {
      return Effect().reply(c.replyTo(), new RoomReply.AssistantView(assistant.view(state.assistantMode)));
    }
    if (c.op() instanceof HostOp.TryAssistant t) {
      if (t.text() == null || t.text().isBlank() || t.text().length() > 500) {
        return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_REQUEST, "text must be 1..500 characters"));
      }
      if (!List.of("rules", "retrieval", "embeddings", "room").contains(t.use())) {
        return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_REQUEST,
            "use must be rules, retrieval, embeddings or room"));
      }
      if (t.use().equals("embeddings") && assistant.embedder() == null) {
        return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_REQUEST,
            "embeddings are off on this node (shardcast.room.assistant.embeddings)"));
      }
      long now = System.currentTimeMillis();
      io.shardcast.room.assistant.Answer tried;
      try {
        io.shardcast.room.assistant.CatalogView view = io.shardcast.room.assistant.CatalogView.of(state, now);
        tried = io.shardcast.room.assistant.Answerer.answer(t.text(), view, switch (t.use()) {
          case "rules" -> null;
          case "retrieval" -> io.shardcast.room.assistant.FaqIndex.of(view);
          default -> io.shardcast.room.assistant.FaqIndex.of(view, assistant.embedder());
        });
      } catch (RuntimeException e) { // no comment may take the room down
        ctx.getLog().warn("room {}: the assistant failed on a tried question: {}", roomId, e.toString());
        return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_REQUEST, "the assistant could not read that"));
      }
      return Effect().reply(c.replyTo(), new RoomReply.AssistantView(AssistantView.tried(tried)));
    }
    if (c.op() instanceof HostOp.ApproveSuggestion a) {
      RoomReply.Suggestion chosen = assistant.take(a.suggestionId());
      if (chosen == null) {
        return Effect().reply(c.replyTo(), new Rejected(Reason.UNKNOWN_SUGGESTION, "no suggestion " + a.suggestionId()
            + " waiting"));
      }
      AssistantAnswered answered = new AssistantAnswered(state.seq + 1, chosen.text(), chosen.intent(),
          chosen.productId(), chosen.askers(), chosen.questionSeqs(), true, System.currentTimeMillis());
      return write(List.of(answered)).thenReply(c.replyTo(), after -> new RoomReply.HostDone(roomId, answered.seq()));
    }
    if (c.op() instanceof HostOp.Verify) {
      return Effect().reply(c.replyTo(), new RoomReply.HostDone(roomId, state.seq));
    }
    HostOps.Decision decision = HostOps.decide(state, c.op(), System.currentTimeMillis());
    if (decision.rejected() != null) {
      return Effect().reply(c.replyTo(), decision.rejected());
    }
    RoomEvent event = decision.event();
    if (event instanceof DestinationAdded || event instanceof DestinationRemoved) {
      return write(List.of(event))
          .thenRun(after -> restream(after.room()))
          .thenReply(c.replyTo(), after -> destinations(after.room(), event instanceof DestinationAdded));
    }
    return write(List.of(event))
        .thenRun(after -> afterHostEvent(after.room(), event))
        .thenReply(c.replyTo(), after -> new RoomReply.HostDone(roomId, event.seq()));
  }

  // ---- platform chats -------------------------------------------------------------------------

  private Effect<RoomEvent, State> onPlatformEvents(State s, PlatformEvents c) {
    RoomState state = s.room();
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    RoomState.Destination d = state.destinations.get(c.destinationId());
    if (d == null) {
      return Effect().reply(c.replyTo(), new Rejected(Reason.UNKNOWN_DESTINATION,
          "no destination " + c.destinationId() + " in room " + roomId));
    }
    if (!PlatformSignature.verify(d.chatSecret(), roomId, d.destinationId(), c.timestampSeconds(), c.body(),
        c.signature())) {
      ctx.getLog().info("room {}: platform events for destination {} refused: bad signature", roomId,
          d.destinationId());
      return Effect().reply(c.replyTo(), new Rejected(Reason.BAD_SIGNATURE,
          "the signature does not match destination " + d.destinationId() + "'s chat secret"));
    }
    if (c.events().stream().allMatch(e -> state.seenPlatformEvent(d.destinationId(), e.eventId()))) {
      ctx.getLog().info("room {}: platform events for destination {} refused: all {} already taken (a replay)",
          roomId, d.destinationId(), c.events().size());
      return Effect().reply(c.replyTo(), new Rejected(Reason.REPLAYED,
          "every event in this request is already in the room: a replay"));
    }
    return enqueue(s, c, c.replyTo());
  }

  /** Sends a reply the journal now has to each of its platforms' relays. */
  private void sendReply(RoomState state, HostReplied reply) {
    RoomState.RecentComment answered = reply.inReplyToSeq() == 0 ? null : state.recentComments.stream()
        .filter(c -> c.seq() == reply.inReplyToSeq()).findFirst().orElse(null);
    for (String destinationId : reply.destinationIds()) {
      RoomState.Destination d = state.destinations.get(destinationId);
      if (d == null || d.replyUrl() == null) {
        continue;
      }
      ReplyCourier.get(ctx.getSystem()).send(new ReplyCourier.Delivery(roomId, d.destinationId(), d.replyUrl(),
          d.chatSecret(), ReplyBody.of(roomId, d, reply, answered),
          roomId + ":" + reply.seq() + ":" + d.destinationId()));
    }
  }

  /** Tells the origin (if any) where the room is restreamed. */
  private void restream(RoomState state) {
    media.restream(List.copyOf(state.destinations.values()));
  }

  private RoomReply.Destinations destinations(RoomState state, boolean created) {
    return new RoomReply.Destinations(restreams.render(roomId, state, media.originEndpoint(),
        System.currentTimeMillis()), created);
  }

  private Effect<RoomEvent, State> onMediaPublish(State s, MediaPublish c) {
    RoomState state = s.room();
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    if (!HostToken.matches(c.hostToken(), state.hostTokenHash)) {
      return Effect().reply(c.replyTo(), forbidden());
    }
    long now = System.currentTimeMillis();
    media.origin(c.router(), c.endpoint(), state.camera, now);
    restream(state);
    if (!state.onAir && state.created) {
      originSeenMillis = now;
      return write(List.of(new ShowStarted(0, now))).thenRun(after -> watchShow())
          .thenReply(c.replyTo(), after -> media.describe(after.room().camera, System.currentTimeMillis()));
    }
    originSeenMillis = now;
    return Effect().reply(c.replyTo(), media.describe(state.camera, now));
  }

  // ---- the show: on air from its first origin until none for the show-end grace ----------------

  /** An origin announced or refreshed itself: the show is on (started now if it was not). */
  private Effect<RoomEvent, State> originSeen(RoomState state) {
    long now = System.currentTimeMillis();
    originSeenMillis = now;
    if (state.onAir || !state.created) {
      return Effect().none();
    }
    return write(List.of(new ShowStarted(0, now))).thenRun(after -> watchShow());
  }

  private void watchShow() {
    if (!timers.isTimerActive("show-check")) {
      timers.startTimerWithFixedDelay("show-check", ShowCheck.INSTANCE, Duration.ofSeconds(5));
    }
    if (!timers.isTimerActive("audience")) {
      timers.startTimerWithFixedDelay("audience", SampleAudience.INSTANCE, AUDIENCE_SAMPLE);
    }
    stayAwake();
  }

  private Effect<RoomEvent, State> onShowCheck(State s) {
    long now = System.currentTimeMillis();
    if (!s.room().onAir) {
      timers.cancel("show-check");
      timers.cancel("audience");
      return Effect().none();
    }
    if (now - originSeenMillis < settings.showEndGrace().toMillis()) {
      return Effect().none();
    }
    timers.cancel("show-check");
    timers.cancel("audience");
    ctx.getLog().info("room {}: the show ended (no origin since {} ms ago)", roomId, now - originSeenMillis);
    return write(List.of(new ShowEnded(0, now, originSeenMillis)));
  }

  private Effect<RoomEvent, State> onMediaWatch(State s, MediaWatch c) {
    RoomState state = s.room();
    if (!state.created) {
      return c.replyTo() == null ? Effect().none() : Effect().reply(c.replyTo(), notFound());
    }
    if (!c.watching()) {
      media.unwatch(c.endpoint());
      return Effect().none();
    }
    RoomReply.Route route = media.watch(c.router(), c.endpoint(), state.camera, System.currentTimeMillis());
    return c.replyTo() == null ? Effect().none() : Effect().reply(c.replyTo(), route);
  }

  private void afterHostEvent(RoomState state, RoomEvent event) {
    long now = System.currentTimeMillis();
    if (event instanceof AssistantModeSet) {
      assistant.follow(ctx, state);
    }
    if (event instanceof HostReplied e) {
      sendReply(state, e);
    }
    if (event instanceof CameraSwitched e) {
      media.cameraSwitched(e.camera());
    }
    if (event instanceof FlashSaleAnnounced e) {
      scheduleOpen(e.saleId(), e.revealAtMillis(), now);
    } else if (event instanceof LuckyBagStarted e) {
      scheduleDraw(e.bagId(), e.endsAtMillis(), now);
    }
  }

  private void scheduleOpen(String saleId, long revealAtMillis, long now) {
    long delay = Math.max(0, revealAtMillis - settings.saleOpenLead().toMillis() - now);
    timers.startSingleTimer("open-" + saleId, new OpenSale(saleId), Duration.ofMillis(delay));
    stayAwake();
  }

  private void scheduleDraw(String bagId, long endsAtMillis, long now) {
    long delay = Math.max(0, endsAtMillis + settings.luckyBagGrace().toMillis() - now);
    timers.startSingleTimer("draw-" + bagId, new DrawBag(bagId), Duration.ofMillis(delay));
    stayAwake();
  }

  /**
   * A room with a sale to open or a bag to draw must not passivate before then: its timers would go
   * with it (the opening persisted late, when someone next touches the room) and so would its entry
   * in the node's sale calendar, which the autoscaler scales ahead of. Nor may a room whose show is on
   * (its end would go unrecorded). Idle passivation counts only
   * messages delivered through sharding, so the room sends itself one while it has work pending.
   */
  private void stayAwake() {
    if (!timers.isTimerActive(KEEP_AWAKE)) {
      timers.startTimerWithFixedDelay(KEEP_AWAKE, KeepAwake.INSTANCE, keepAwakeEvery);
    }
  }

  private Effect<RoomEvent, State> onKeepAwake(State s) {
    RoomState state = s.room();
    boolean pending = state.sales.values().stream().anyMatch(sale -> !sale.openPublished)
        || state.bags.values().stream().anyMatch(bag -> bag.drawnWinners == null) || state.onAir;
    if (pending) {
      ClusterSharding.get(ctx.getSystem()).entityRefFor(TYPE_KEY, roomId).tell(StayAwake.INSTANCE);
    } else {
      timers.cancel(KEEP_AWAKE);
    }
    return Effect().none();
  }

  private Effect<RoomEvent, State> onOpenSale(State s, OpenSale c) {
    RoomState.FlashSale sale = s.room().sales.get(c.saleId());
    if (sale == null || sale.openPublished) {
      return Effect().none();
    }
    return write(List.of(new FlashSaleOpened(s.room().seq + 1, sale.saleId, sale.revealAtMillis)));
  }

  private Effect<RoomEvent, State> onDrawBag(State s, DrawBag c) {
    RoomState.LuckyBag bag = s.room().bags.get(c.bagId());
    if (bag == null || bag.drawnWinners != null) {
      return Effect().none();
    }
    LuckyDraw.Outcome outcome = LuckyDraw.draw(bag.bagId, bag.entrants, bag.winners);
    ctx.getLog().info("room {} lucky bag {} drawn among {} entrants: {}", roomId, bag.bagId, bag.entrants.size(),
        outcome.winners());
    return write(List.of(new LuckyBagDrawn(s.room().seq + 1, bag.bagId, bag.entrants.size(), outcome.seedHex(),
        outcome.winners())));
  }

  // ---- viewer commands: group commit ----------------------------------------------------------

  private Effect<RoomEvent, State> enqueue(State s, Command c, ActorRef<? super Rejected> replyTo) {
    if (!s.room().created) {
      if (replyTo != null) {
        replyTo.tell(notFound());
      }
      return Effect().none();
    }
    pending.add(c);
    if (!flushQueued) {
      flushQueued = true;
      ctx.getSelf().tell(Flush.INSTANCE);
    }
    return Effect().none();
  }

  private Effect<RoomEvent, State> onFlush(State s) {
    flushQueued = false;
    if (pending.isEmpty()) {
      return Effect().none();
    }
    GroupCommit.Outcome outcome = groupCommit.decide(s.room(), pending, System.currentTimeMillis(), System.nanoTime());
    pending.clear();
    if (outcome.events().isEmpty()) {
      outcome.answers().forEach(GroupCommit.Answer::send);
      return Effect().none();
    }
    // Answered only once the whole batch is in the journal.
    return write(outcome.events()).thenRun(after -> {
      outcome.answers().forEach(GroupCommit.Answer::send);
      for (RoomEvent e : outcome.events()) {
        if (e instanceof PlatformLiked l) {
          addLikes(l.count()); // the room's likes are every platform's
        }
      }
    });
  }

  // ---- likes ----------------------------------------------------------------------------------

  private Effect<RoomEvent, State> onEdgeLikes(State s, EdgeLikes c) {
    if (s.room().created && c.count() > 0) {
      addLikes(c.count());
    }
    return Effect().none();
  }

  private void addLikes(long count) {
    pendingLikes += count;
    if (!timers.isTimerActive("likes")) {
      timers.startSingleTimer("likes", TallyLikes.INSTANCE, settings.likesTallyInterval());
    }
  }

  private Effect<RoomEvent, State> onTallyLikes(State s, TallyLikes c) {
    if (pendingLikes == 0) {
      return Effect().none();
    }
    long delta = pendingLikes;
    pendingLikes = 0;
    return write(List.of(new LikesTallied(s.room().seq + 1, delta, s.room().likes + delta)));
  }

  // ---- reads and edges ------------------------------------------------------------------------

  private Effect<RoomEvent, State> onGetSoldOutHint(State s, GetSoldOutHint c) {
    // Persisted state only: commands wait while a write is in flight.
    RoomState.FlashSale sale = s.room().sales.get(c.saleId());
    if (sale == null || sale.remaining() > 0) {
      return Effect().reply(c.replyTo(), SoldOutHint.notSoldOut(c.saleId()));
    }
    return Effect().reply(c.replyTo(), new SoldOutHint(sale.saleId, true, sale.perUserLimit,
        Map.copyOf(sale.orders), Map.copyOf(sale.boughtByUser)));
  }

  private Effect<RoomEvent, State> onGetSnapshot(State s, GetSnapshot c) {
    if (!s.room().created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    return Effect().reply(c.replyTo(), new RoomReply.Snapshot(s.room().seq, snapshotJson(s.room())));
  }

  /** The viewer protocol's snapshot frame: the room as a joining viewer first sees it. */
  private String snapshotJson(RoomState state) {
    return FrameRenderer.snapshot(roomId, state, node, System.currentTimeMillis())
        .put("viewers", edges.viewers())
        .put("edges", edges.size())
        .toString();
  }

  private Effect<RoomEvent, State> onGetOrders(State s, GetOrders c) {
    if (!s.room().created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    RoomState.FlashSale sale = s.room().sales.get(c.saleId());
    if (sale == null) {
      return Effect().reply(c.replyTo(), new Rejected(Reason.UNKNOWN_SALE, "no flash sale " + c.saleId()));
    }
    if (c.reader() == OrdersReader.HOST && !HostToken.matches(c.credential(), s.room().hostTokenHash)) {
      return Effect().reply(c.replyTo(), forbidden());
    }
    String only = c.reader() == OrdersReader.BUYER ? c.credential() : null;
    List<RoomReply.SoldOrder> orders = new ArrayList<>(only == null ? sale.orders.size() : 1);
    for (OrderConfirmed o : sale.orders.values()) {
      if (only == null || only.equals(o.userId())) {
        orders.add(new RoomReply.SoldOrder(o.orderId(), o.userId(), o.quantity(), o.atMillis()));
      }
    }
    return Effect().reply(c.replyTo(),
        new RoomReply.SaleOrders(roomId, sale.saleId, sale.quantity, sale.sold, sale.remaining(), orders));
  }

  private Effect<RoomEvent, State> onSubscribeEdge(State s, SubscribeEdge c) {
    RoomState state = s.room();
    if (!state.created) {
      return Effect().none();
    }
    if (edges.subscribe(c.edge(), c.viewers(), c.joins())) {
      ctx.watchWith(c.edge(), new EdgeGone(c.edge()));
    }
    EdgeSubscribers.catchUp(c.edge(), c.afterSeq(), state.seq, s.recent(), seq -> snapshotJson(state));
    return Effect().none();
  }

  private Effect<RoomEvent, State> onGetFrames(State s, GetFrames c) {
    boolean complete = s.recent().holdsAllAfter(c.afterSeq(), s.room().seq);
    c.replyTo().tell(new RoomEdge.History(c.afterSeq(), s.recent().after(c.afterSeq()), complete));
    return Effect().none();
  }

  // ---- writing --------------------------------------------------------------------------------

  /**
   * Persists {@code events}; once the journal has them, their frames go to the edges and the node's
   * sale calendar is updated if a sale was announced or sold out.
   */
  private EffectBuilder<RoomEvent, State> write(List<RoomEvent> events) {
    if (activity.enabled()) {
      for (RoomEvent e : events) {
        Frame f = FrameRenderer.render(e);
        if (f != null) {
          // Before the journal confirms the write (a write may yet fail): an attempt.
          activity.attempted(roomId, f.seq, !f.priority);
        }
      }
    }
    return Effect().persist(events).thenRun(after -> {
      if (changesCalendar(after.room(), events)) {
        SaleCalendar.get(ctx.getSystem()).update(roomId, after.room());
      }
      publish(after);
      cue(after, events);
      assistant.hears(after.room(), events);
    });
  }

  /**
   * The instant an event stands for, on the cluster's clock: a sale's opening is its reveal (written
   * a little before); everything else happens when it is written.
   */
  private static long momentOf(RoomEvent event, long now) {
    return event instanceof FlashSaleOpened e ? e.revealAtMillis() : now;
  }

  /**
   * Commerce moments go into the stream too: the origin puts them on the first frame it ingests at
   * their instant, so a page shows the product, the announcement or the open sale with the frame
   * the host said it on.
   */
  private void cue(State s, List<RoomEvent> events) {
    long now = System.currentTimeMillis();
    for (RoomEvent e : events) {
      if (e instanceof ProductPinned || e instanceof FlashSaleOpened || e instanceof FlashSaleAnnounced
          || e instanceof HostAnnounced || e instanceof CouponIssued || e instanceof LuckyBagStarted) {
        Frame f = s.recent().get(e.seq());
        if (f != null) {
          media.cue(new MediaNode.Cue(roomId, momentOf(e, now), e.seq(), FrameRenderer.typeOf(e), f.json), now);
        }
      }
    }
  }

  /** The calendar changes when a sale is announced or sells out, not with every order. */
  private static boolean changesCalendar(RoomState state, List<RoomEvent> events) {
    for (RoomEvent e : events) {
      if (e instanceof FlashSaleAnnounced
          || (e instanceof OrderConfirmed o && state.sales.get(o.saleId()).remaining() <= 0)) {
        return true;
      }
    }
    return false;
  }

  /** Sends what the last write rendered to every edge: once per node, whatever its viewers. */
  private void publish(State s) {
    List<Frame> frames = edges.publish(s.room().seq, s.recent());
    if (activity.enabled()) {
      for (Frame f : frames) {
        activity.persisted(roomId, f.seq, !f.priority); // the journal has confirmed these
      }
    }
  }

  // ---- answers --------------------------------------------------------------------------------

  private Rejected notFound() {
    return new Rejected(Reason.ROOM_NOT_FOUND, "no room " + roomId);
  }

  private Rejected forbidden() {
    return new Rejected(Reason.FORBIDDEN, "wrong host token for room " + roomId);
  }
}
