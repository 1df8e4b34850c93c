package io.shardcast.room;

import io.shardcast.room.HostOp.*;
import io.shardcast.room.RoomEvent.*;
import io.shardcast.room.commerce.LuckyDraw;
import io.shardcast.room.commerce.OrderResult;
import io.shardcast.room.commerce.SaleCalendar;
import io.shardcast.room.trace.RoomActivity;
import io.shardcast.room.commerce.SoldOutHint;
import io.shardcast.room.media.MediaNode;
import io.shardcast.room.media.MediaRoute;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.FrameRenderer;
import io.shardcast.room.fanout.RoomEdge;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
public final class LiveRoom extends EventSourcedBehavior<LiveRoom.Command, RoomEvent, RoomState> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "LiveRoom");

  private static final String KEEP_AWAKE = "keep-awake";
  private static final String IDLE_TIMEOUT = "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout";

  /** Registers the room entity with Cluster Sharding on this node. */
  /**
   * Rooms and their edges run on their own small dispatcher, so a wave of viewer socket work on the
   * default dispatcher never queues a room's next write or an edge's next release behind it.
   */
  public static final String DISPATCHER = "shardcast.room.dispatcher";

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

  public record CreateRoom(String title, String hostTokenHash, ActorRef<Reply> replyTo) implements Command {}

  public record Host(String hostToken, HostOp op, ActorRef<Reply> replyTo) implements Command {}

  public record PlaceOrder(String orderId, String userId, String saleId, int quantity, ActorRef<Reply> replyTo)
      implements Command {}

  public record ClaimCoupon(String userId, String couponId, ActorRef<Reply> replyTo) implements Command {}

  public record PostComment(String userId, String text) implements Command {}

  public record SendGift(String userId, String gift, int count) implements Command {}

  public record GetSnapshot(ActorRef<Reply> replyTo) implements Command {}

  /** Asks for a sale's {@link SoldOutHint}, so a gateway can answer its later orders itself. */
  public record GetSoldOutHint(String saleId, ActorRef<SoldOutHint> replyTo) implements Command {}

  public record GetOrders(String saleId, ActorRef<Reply> replyTo) implements Command {}

  /** An edge (one per node with viewers) announcing itself; sent on start, every second, and on a gap. */
  public record SubscribeEdge(ActorRef<RoomEdge.Command> edge, long afterSeq, int viewers) implements Command {}

  /**
   * An edge asking for the frames after {@code afterSeq} it never had (a viewer resumes there from
   * before the edge's oldest frame): answered from the room's recent frames with {@link RoomEdge.History}.
   */
  public record GetFrames(long afterSeq, ActorRef<RoomEdge.Command> replyTo) implements Command {}

  /** A node starts ingesting the room's media: checked against the host token; the node becomes the origin. */
  public record MediaPublish(String hostToken, ActorRef<MediaNode> router, String endpoint, ActorRef<Reply> replyTo)
      implements Command {}

  /** The origin refreshing its place ({@code live}) or leaving it. */
  public record MediaOrigin(ActorRef<MediaNode> router, String endpoint, boolean live) implements Command {}

  /** A node with viewers of the room (re)subscribing ({@code watching}) or leaving; replyTo may be null. */
  public record MediaWatch(ActorRef<MediaNode> router, String endpoint, boolean watching, ActorRef<Reply> replyTo)
      implements Command {}

  /** The media route: origin, subscribed nodes, active camera. */
  public record GetMediaRoute(ActorRef<Reply> replyTo) implements Command {}

  /** Likes counted at an edge since its last flush. */
  public record EdgeLikes(long count) implements Command {}

  private enum Flush implements Command { INSTANCE }

  /** Timer: while a sale has not opened (or a bag not been drawn), keep this room from passivating. */
  private enum KeepAwake implements Command { INSTANCE }

  /** Sent to itself through sharding: traffic, so the idle passivation leaves it be. */
  private enum StayAwake implements Command { INSTANCE }

  private enum TallyLikes implements Command { INSTANCE }

  private record OpenSale(String saleId) implements Command {}

  private record DrawBag(String bagId) implements Command {}

  private record EdgeGone(ActorRef<RoomEdge.Command> edge) implements Command {}

  // ---- the actor ------------------------------------------------------------------------------

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String roomId;
  private final RoomSettings settings;
  private final String node;
  /** Recently persisted frames, for edges that missed some (rebuilt on recovery). */
  private final ArrayDeque<Frame> ring = new ArrayDeque<>();
  /** Frames rendered by the events of the write in flight, sent to edges once it is persisted. */
  private final List<Frame> outbox = new ArrayList<>();
  private final TokenBucket chatBroadcast;
  private final Map<ActorRef<RoomEdge.Command>, Integer> edges = new HashMap<>();
  /** Viewer commands waiting for the next group commit. */
  private final List<Command> pending = new ArrayList<>();
  private boolean flushQueued;
  /** A third of the idle passivation timeout. */
  private final Duration keepAwakeEvery;
  private final RoomActivity activity;
  /** Recovery is over: events the handler sees from now on are newly persisted ones. */
  private boolean live;
  /** A sale was announced or sold to since the calendar was last written. */
  private boolean calendarChanged;
  private long pendingLikes;
  /** Where the room's media comes from and goes (soft state, refreshed by the nodes). */
  private final MediaRoute media;

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
    this.chatBroadcast = new TokenBucket(settings.chatBroadcastRate(), Math.max(1, settings.chatBroadcastRate() / 2));
    this.node = ctx.getSystem().address().hostPort();
    com.typesafe.config.Config config = ctx.getSystem().settings().config();
    Duration idle = config.hasPath(IDLE_TIMEOUT) ? config.getDuration(IDLE_TIMEOUT) : Duration.ofMinutes(2);
    this.keepAwakeEvery = Duration.ofMillis(Math.max(500, idle.toMillis() / 3));
    this.media = new MediaRoute(roomId, settings.mediaRouteExpiry().toMillis(), settings.mediaRouteSettle().toMillis(),
        System.currentTimeMillis());
  }

  @Override
  public RoomState emptyState() {
    return new RoomState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<RoomState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(RoomState state) {
        return state.copy();
      }

      @Override
      public RoomState fromJournal(Object from) {
        return (RoomState) from;
      }
    };
  }

  @Override
  public SignalHandler<RoomState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> {
          SaleCalendar.get(ctx.getSystem()).remove(roomId);
          if (live) {
            activity.stopped(roomId, state.seq);
          }
        })
        .build();
  }

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return (state, event) -> {
      state.apply(event, settings.recentComments());
      // The calendar changes when a sale is announced or sells out, not with every order.
      if (event instanceof FlashSaleAnnounced
          || (event instanceof OrderConfirmed o && state.sales.get(o.saleId()).remaining() <= 0)) {
        calendarChanged = true;
      }
      Frame frame = FrameRenderer.render(event);
      if (live && frame != null) {
        // Applied now, before the journal confirms the write (a write may yet fail): an attempt.
        activity.attempted(roomId, frame.seq, !frame.priority);
      }
      if (frame != null) {
        ring.addLast(frame);
        if (ring.size() > settings.frameRingSize()) {
          ring.removeFirst();
        }
        outbox.add(frame);
      }
      return state;
    };
  }

  @Override
  public CommandHandler<Command, RoomEvent, RoomState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CreateRoom.class, this::onCreate)
        .onCommand(Host.class, this::onHost)
        .onCommand(PlaceOrder.class, (s, c) -> enqueue(s, c, c.replyTo()))
        .onCommand(ClaimCoupon.class, (s, c) -> enqueue(s, c, c.replyTo()))
        .onCommand(PostComment.class, (s, c) -> enqueue(s, c, null))
        .onCommand(SendGift.class, (s, c) -> enqueue(s, c, null))
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
            media.origin(c.router(), c.endpoint(), s.camera, System.currentTimeMillis());
          } else {
            media.originGone(c.endpoint());
          }
          return Effect().none();
        })
        .onCommand(MediaWatch.class, this::onMediaWatch)
        .onCommand(GetMediaRoute.class, (s, c) -> Effect().reply(c.replyTo(),
            s.created ? Reply.ok(media.describe(s.camera, System.currentTimeMillis())) : notFound()))
        .onCommand(TallyLikes.class, this::onTallyLikes)
        .onCommand(OpenSale.class, this::onOpenSale)
        .onCommand(DrawBag.class, this::onDrawBag)
        .build();
  }

  private void onRecovered(RoomState state) {
    live = true;
    activity.recovered(roomId, state.seq);
    outbox.clear();
    calendarChanged = false;
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
  }

  // ---- creation and host operations -----------------------------------------------------------

  private Effect<RoomEvent, RoomState> onCreate(RoomState state, CreateRoom c) {
    if (state.created) {
      if (state.hostTokenHash.equals(c.hostTokenHash())) {
        return Effect().reply(c.replyTo(), Reply.ok(Reply.object().put("roomId", roomId)));
      }
      return Effect().reply(c.replyTo(), Reply.error(409, "ROOM_EXISTS", "room " + roomId + " already exists"));
    }
    if (c.title() == null || c.title().isBlank() || c.title().length() > 200) {
      return Effect().reply(c.replyTo(), Reply.error(400, "BAD_TITLE", "title must be 1..200 characters"));
    }
    return Effect()
        .persist(new RoomCreated(0, c.title(), c.hostTokenHash(), System.currentTimeMillis()))
        .thenReply(c.replyTo(), s -> Reply.created(Reply.object().put("roomId", roomId).put("seq", s.seq)));
  }

  private Effect<RoomEvent, RoomState> onHost(RoomState state, Host c) {
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    if (!HostToken.matches(c.hostToken(), state.hostTokenHash)) {
      return Effect().reply(c.replyTo(), Reply.error(403, "FORBIDDEN", "wrong host token for room " + roomId));
    }
    long seq = state.seq + 1;
    HostOp op = c.op();
    RoomEvent event;
    if (op instanceof AddProduct p) {
      if (!validId(p.productId()) || blankOrLong(p.name(), 200) || p.priceCents() < 0 || p.stock() < 0) {
        return bad(c, "productId, name (<= 200 chars), priceCents >= 0 and stock >= 0 are required");
      }
      event = new ProductAdded(seq, p.productId(), p.name(), p.priceCents(), p.stock());
    } else if (op instanceof PinProduct p) {
      if (!state.products.containsKey(p.productId())) {
        return Effect().reply(c.replyTo(), Reply.error(404, "UNKNOWN_PRODUCT", "no product " + p.productId()));
      }
      event = new ProductPinned(seq, p.productId());
    } else if (op instanceof IssueCoupon p) {
      if (!validId(p.couponId()) || p.count() <= 0 || p.discountCents() < 0) {
        return bad(c, "couponId, count > 0 and discountCents >= 0 are required");
      }
      if (state.coupons.containsKey(p.couponId())) {
        return Effect().reply(c.replyTo(), Reply.error(409, "COUPON_EXISTS", "coupon " + p.couponId() + " exists"));
      }
      event = new CouponIssued(seq, p.couponId(), p.productId(), p.discountCents(), p.count());
    } else if (op instanceof StartLuckyBag p) {
      if (!validId(p.bagId()) || blankOrLong(p.keyword(), 32) || p.winners() <= 0 || p.winners() > 1000
          || p.durationMillis() < 1000 || p.durationMillis() > 3_600_000 || blankOrLong(p.prize(), 200)) {
        return bad(c, "bagId, keyword (<= 32 chars), prize, winners 1..1000 and durationMs 1000..3600000 are required");
      }
      if (state.bags.containsKey(p.bagId())) {
        return Effect().reply(c.replyTo(), Reply.error(409, "BAG_EXISTS", "lucky bag " + p.bagId() + " exists"));
      }
      event = new LuckyBagStarted(seq, p.bagId(), p.keyword(), System.currentTimeMillis() + p.durationMillis(),
          p.winners(), p.prize());
    } else if (op instanceof AnnounceFlashSale p) {
      RoomState.Product product = state.products.get(p.productId());
      if (!validId(p.saleId()) || p.quantity() <= 0 || p.perUserLimit() <= 0 || p.revealAtMillis() <= 0) {
        return bad(c, "saleId, productId, quantity > 0, perUserLimit > 0 and revealAt are required");
      }
      if (product == null) {
        return Effect().reply(c.replyTo(), Reply.error(404, "UNKNOWN_PRODUCT", "no product " + p.productId()));
      }
      if (state.sales.containsKey(p.saleId())) {
        return Effect().reply(c.replyTo(), Reply.error(409, "SALE_EXISTS", "flash sale " + p.saleId() + " exists"));
      }
      event = new FlashSaleAnnounced(seq, p.saleId(), p.productId(), p.quantity(), p.perUserLimit(),
          product.priceCents, p.revealAtMillis());
    } else if (op instanceof Announce p) {
      if (blankOrLong(p.text(), 500)) {
        return bad(c, "text must be 1..500 characters");
      }
      event = new HostAnnounced(seq, p.text());
    } else if (op instanceof SwitchCamera p) {
      if (!validId(p.camera())) {
        return bad(c, "camera must be 1..64 of [A-Za-z0-9_-]");
      }
      event = new CameraSwitched(seq, p.camera());
    } else if (op instanceof AddCohost p) {
      if (!validId(p.userId())) {
        return bad(c, "userId must be 1..64 of [A-Za-z0-9_-]");
      }
      event = new CohostAdded(seq, p.userId());
    } else {
      return bad(c, "unknown host operation");
    }
    return Effect()
        .persist(event)
        .thenRun(s -> afterHostEvent(event))
        .thenRun(this::publish)
        .thenReply(c.replyTo(), s -> Reply.ok(Reply.object().put("roomId", roomId).put("seq", event.seq())));
  }

  private Effect<RoomEvent, RoomState> onMediaPublish(RoomState state, MediaPublish c) {
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    if (!HostToken.matches(c.hostToken(), state.hostTokenHash)) {
      return Effect().reply(c.replyTo(), Reply.error(403, "FORBIDDEN", "wrong host token for room " + roomId));
    }
    long now = System.currentTimeMillis();
    media.origin(c.router(), c.endpoint(), state.camera, now);
    return Effect().reply(c.replyTo(), Reply.ok(media.describe(state.camera, now)));
  }

  private Effect<RoomEvent, RoomState> onMediaWatch(RoomState state, MediaWatch c) {
    if (!state.created) {
      return c.replyTo() == null ? Effect().none() : Effect().reply(c.replyTo(), notFound());
    }
    if (!c.watching()) {
      media.unwatch(c.endpoint());
      return Effect().none();
    }
    Reply reply = Reply.ok(media.watch(c.router(), c.endpoint(), state.camera, System.currentTimeMillis()));
    return c.replyTo() == null ? Effect().none() : Effect().reply(c.replyTo(), reply);
  }

  private void afterHostEvent(RoomEvent event) {
    long now = System.currentTimeMillis();
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
   * in the node's sale calendar, which the autoscaler scales ahead of. Idle passivation counts only
   * messages delivered through sharding, so the room sends itself one while it has work pending.
   */
  private void stayAwake() {
    if (!timers.isTimerActive(KEEP_AWAKE)) {
      timers.startTimerWithFixedDelay(KEEP_AWAKE, KeepAwake.INSTANCE, keepAwakeEvery);
    }
  }

  private Effect<RoomEvent, RoomState> onKeepAwake(RoomState state) {
    boolean pending = state.sales.values().stream().anyMatch(sale -> !sale.openPublished)
        || state.bags.values().stream().anyMatch(bag -> bag.drawnWinners == null);
    if (pending) {
      ClusterSharding.get(ctx.getSystem()).entityRefFor(TYPE_KEY, roomId).tell(StayAwake.INSTANCE);
    } else {
      timers.cancel(KEEP_AWAKE);
    }
    return Effect().none();
  }

  private Effect<RoomEvent, RoomState> onOpenSale(RoomState state, OpenSale c) {
    RoomState.FlashSale sale = state.sales.get(c.saleId());
    if (sale == null || sale.openPublished) {
      return Effect().none();
    }
    return Effect().persist(new FlashSaleOpened(state.seq + 1, sale.saleId, sale.revealAtMillis)).thenRun(this::publish);
  }

  private Effect<RoomEvent, RoomState> onDrawBag(RoomState state, DrawBag c) {
    RoomState.LuckyBag bag = state.bags.get(c.bagId());
    if (bag == null || bag.drawnWinners != null) {
      return Effect().none();
    }
    LuckyDraw.Outcome outcome = LuckyDraw.draw(bag.bagId, bag.entrants, bag.winners);
    ctx.getLog().info("room {} lucky bag {} drawn among {} entrants: {}", roomId, bag.bagId, bag.entrants.size(),
        outcome.winners());
    return Effect()
        .persist(new LuckyBagDrawn(state.seq + 1, bag.bagId, bag.entrants.size(), outcome.seedHex(), outcome.winners()))
        .thenRun(this::publish);
  }

  // ---- viewer commands: group commit ----------------------------------------------------------

  private Effect<RoomEvent, RoomState> enqueue(RoomState state, Command c, ActorRef<Reply> replyTo) {
    if (!state.created) {
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

  /** A decision made for one queued command, answered once its batch is persisted. */
  private record Answer(ActorRef<Reply> replyTo, Reply reply) {}

  /** What the batch being decided has already taken, on top of the persisted state. */
  private static final class Batch {
    final Map<String, Integer> soldBySale = new HashMap<>();
    final Map<String, Integer> boughtByUser = new HashMap<>();
    final Map<String, OrderConfirmed> orders = new HashMap<>();
    final LinkedHashMap<String, List<String>> buyersBySale = new LinkedHashMap<>();
    final Set<String> claims = new HashSet<>();
    final Map<String, Integer> claimedByCoupon = new HashMap<>();
  }

  private Effect<RoomEvent, RoomState> onFlush(RoomState state) {
    flushQueued = false;
    if (pending.isEmpty()) {
      return Effect().none();
    }
    long now = System.currentTimeMillis();
    long seq = state.seq;
    List<RoomEvent> events = new ArrayList<>(pending.size() + 2);
    List<Answer> answers = new ArrayList<>(pending.size());
    Batch batch = new Batch();
    for (Command c : pending) {
      if (c instanceof PlaceOrder o) {
        answers.add(new Answer(o.replyTo(), decideOrder(state, batch, o, now, events)));
      } else if (c instanceof ClaimCoupon cc) {
        int before = events.size();
        answers.add(new Answer(cc.replyTo(), decideClaim(state, batch, cc, seq + 1, events)));
        if (events.size() > before) {
          seq++;
        }
      } else if (c instanceof PostComment pc) {
        String text = pc.text().length() > settings.maxCommentChars()
            ? pc.text().substring(0, settings.maxCommentChars()) : pc.text();
        // Over the broadcast rate, a comment is kept (it may win a lucky bag) but not shown to all.
        boolean shown = chatBroadcast.tryTake(System.nanoTime());
        events.add(new CommentPosted(shown ? ++seq : 0, pc.userId(), text, now));
      } else if (c instanceof SendGift g) {
        events.add(new GiftSent(++seq, g.userId(), g.gift(), g.count()));
      }
    }
    pending.clear();
    for (Map.Entry<String, List<String>> e : batch.buyersBySale.entrySet()) {
      RoomState.FlashSale sale = state.sales.get(e.getKey());
      List<String> buyers = e.getValue();
      int soldNow = batch.soldBySale.getOrDefault(e.getKey(), 0);
      List<String> recent = List.copyOf(buyers.subList(Math.max(0, buyers.size() - 3), buyers.size()));
      events.add(new SaleProgress(++seq, sale.saleId, sale.remaining() - soldNow, soldNow, recent));
    }
    if (events.isEmpty()) {
      answers.forEach(a -> a.replyTo().tell(a.reply()));
      return Effect().none();
    }
    return Effect()
        .persist(events)
        .thenRun(s -> {
          answers.forEach(a -> a.replyTo().tell(a.reply()));
          publish(s);
        });
  }

  private Reply decideOrder(RoomState state, Batch batch, PlaceOrder o, long now, List<RoomEvent> events) {
    RoomState.FlashSale sale = state.sales.get(o.saleId());
    if (sale == null) {
      return orderReply(o, OrderResult.UNKNOWN_SALE, -1);
    }
    OrderConfirmed earlier = sale.orders.get(o.orderId());
    if (earlier == null) {
      earlier = batch.orders.get(o.orderId());
    }
    int sold = sale.sold + batch.soldBySale.getOrDefault(sale.saleId, 0);
    if (earlier != null) {
      // Idempotent: the same orderId gets the original confirmation back.
      return Reply.order(earlier.orderId(), earlier.saleId(), earlier.userId(), earlier.quantity(),
          OrderResult.CONFIRMED, sale.quantity - sold);
    }
    if (o.quantity() < 1 || o.quantity() > settings.maxOrderQuantity()) {
      return Reply.error(400, "BAD_QUANTITY", "quantity must be 1.." + settings.maxOrderQuantity());
    }
    if (now < sale.revealAtMillis) {
      return orderReply(o, OrderResult.NOT_STARTED, sale.quantity - sold);
    }
    String userKey = sale.saleId + '\u0000' + o.userId();
    int bought = sale.boughtByUser.getOrDefault(o.userId(), 0) + batch.boughtByUser.getOrDefault(userKey, 0);
    if (bought + o.quantity() > sale.perUserLimit) {
      return orderReply(o, OrderResult.LIMIT_REACHED, sale.quantity - sold);
    }
    if (sold + o.quantity() > sale.quantity) {
      return orderReply(o, OrderResult.SOLD_OUT, sale.quantity - sold);
    }
    OrderConfirmed confirmed = new OrderConfirmed(0, sale.saleId, o.orderId(), o.userId(), o.quantity(), now);
    events.add(confirmed);
    batch.orders.put(o.orderId(), confirmed);
    batch.soldBySale.merge(sale.saleId, o.quantity(), Integer::sum);
    batch.boughtByUser.merge(userKey, o.quantity(), Integer::sum);
    batch.buyersBySale.computeIfAbsent(sale.saleId, k -> new ArrayList<>()).add(o.userId());
    return orderReply(o, OrderResult.CONFIRMED, sale.quantity - sold - o.quantity());
  }

  private static Reply orderReply(PlaceOrder o, OrderResult result, int remaining) {
    return Reply.order(o.orderId(), o.saleId(), o.userId(), o.quantity(), result, remaining);
  }

  private Reply decideClaim(RoomState state, Batch batch, ClaimCoupon c, long seq, List<RoomEvent> events) {
    RoomState.Coupon coupon = state.coupons.get(c.couponId());
    if (coupon == null) {
      return Reply.error(404, "UNKNOWN_COUPON", "no coupon " + c.couponId());
    }
    var body = Reply.object().put("couponId", c.couponId()).put("userId", c.userId());
    String key = c.couponId() + '\u0000' + c.userId();
    if (coupon.claimedBy.contains(c.userId()) || batch.claims.contains(key)) {
      return Reply.ok(body.put("result", "ALREADY_CLAIMED"));
    }
    int remaining = coupon.remaining() - batch.claimedByCoupon.getOrDefault(c.couponId(), 0);
    if (remaining <= 0) {
      return Reply.ok(body.put("result", "EXHAUSTED"));
    }
    batch.claims.add(key);
    batch.claimedByCoupon.merge(c.couponId(), 1, Integer::sum);
    events.add(new CouponClaimed(seq, c.couponId(), c.userId(), remaining - 1));
    return Reply.ok(body.put("result", "CLAIMED").put("remaining", remaining - 1));
  }

  // ---- likes ----------------------------------------------------------------------------------

  private Effect<RoomEvent, RoomState> onEdgeLikes(RoomState state, EdgeLikes c) {
    if (state.created && c.count() > 0) {
      pendingLikes += c.count();
      if (!timers.isTimerActive("likes")) {
        timers.startSingleTimer("likes", TallyLikes.INSTANCE, settings.likesTallyInterval());
      }
    }
    return Effect().none();
  }

  private Effect<RoomEvent, RoomState> onTallyLikes(RoomState state, TallyLikes c) {
    if (pendingLikes == 0) {
      return Effect().none();
    }
    long delta = pendingLikes;
    pendingLikes = 0;
    return Effect().persist(new LikesTallied(state.seq + 1, delta, state.likes + delta)).thenRun(this::publish);
  }

  // ---- reads and edges ------------------------------------------------------------------------

  private Effect<RoomEvent, RoomState> onGetSoldOutHint(RoomState state, GetSoldOutHint c) {
    // Persisted state only: commands wait while a write is in flight.
    RoomState.FlashSale sale = state.sales.get(c.saleId());
    if (sale == null || sale.remaining() > 0) {
      return Effect().reply(c.replyTo(), SoldOutHint.notSoldOut(c.saleId()));
    }
    return Effect().reply(c.replyTo(), new SoldOutHint(sale.saleId, true, sale.perUserLimit,
        Map.copyOf(sale.orders), Map.copyOf(sale.boughtByUser)));
  }

  private Effect<RoomEvent, RoomState> onGetSnapshot(RoomState state, GetSnapshot c) {
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    return Effect().reply(c.replyTo(), Reply.ok(snapshotJson(state)));
  }

  private com.fasterxml.jackson.databind.node.ObjectNode snapshotJson(RoomState state) {
    int viewers = 0;
    for (int v : edges.values()) {
      viewers += v;
    }
    return FrameRenderer.snapshot(roomId, state, node, System.currentTimeMillis())
        .put("viewers", viewers)
        .put("edges", edges.size());
  }

  private Effect<RoomEvent, RoomState> onGetOrders(RoomState state, GetOrders c) {
    if (!state.created) {
      return Effect().reply(c.replyTo(), notFound());
    }
    RoomState.FlashSale sale = state.sales.get(c.saleId());
    if (sale == null) {
      return Effect().reply(c.replyTo(), Reply.error(404, "UNKNOWN_SALE", "no flash sale " + c.saleId()));
    }
    var body = Reply.object().put("roomId", roomId).put("saleId", sale.saleId).put("quantity", sale.quantity)
        .put("sold", sale.sold).put("remaining", sale.remaining());
    var orders = body.putArray("orders");
    for (OrderConfirmed o : sale.orders.values()) {
      orders.addObject().put("orderId", o.orderId()).put("userId", o.userId()).put("quantity", o.quantity())
          .put("at", o.atMillis());
    }
    return Effect().reply(c.replyTo(), Reply.ok(body));
  }

  private Effect<RoomEvent, RoomState> onSubscribeEdge(RoomState state, SubscribeEdge c) {
    if (!state.created) {
      return Effect().none();
    }
    if (edges.put(c.edge(), c.viewers()) == null) {
      ctx.watchWith(c.edge(), new EdgeGone(c.edge()));
    }
    if (c.afterSeq() == state.seq) {
      return Effect().none();
    }
    Frame first = ring.peekFirst();
    if (c.afterSeq() >= 0 && c.afterSeq() < state.seq && first != null && first.seq <= c.afterSeq() + 1) {
      List<Frame> missed = new ArrayList<>();
      for (Frame f : ring) {
        if (f.seq > c.afterSeq()) {
          missed.add(f);
        }
      }
      c.edge().tell(new RoomEdge.Frames(missed));
    } else {
      String json = snapshotJson(state).toString();
      c.edge().tell(new RoomEdge.Reset(new Frame(state.seq, json, true, 0, true, 0)));
    }
    return Effect().none();
  }

  private Effect<RoomEvent, RoomState> onGetFrames(RoomState state, GetFrames c) {
    List<Frame> after = new ArrayList<>();
    for (Frame f : ring) {
      if (f.seq > c.afterSeq()) {
        after.add(f);
      }
    }
    Frame first = ring.peekFirst();
    boolean complete = c.afterSeq() >= 0 && c.afterSeq() <= state.seq
        && (c.afterSeq() == state.seq || (first != null && first.seq <= c.afterSeq() + 1));
    c.replyTo().tell(new RoomEdge.History(c.afterSeq(), after, complete));
    return Effect().none();
  }

  /** Sends what the last write rendered to every edge: once per node, whatever its viewers. */
  private void publish(RoomState state) {
    if (calendarChanged) {
      calendarChanged = false;
      SaleCalendar.get(ctx.getSystem()).update(roomId, state);
    }
    if (outbox.isEmpty()) {
      return;
    }
    if (activity.enabled()) {
      for (Frame f : outbox) {
        activity.persisted(roomId, f.seq, !f.priority); // the journal has confirmed these
      }
    }
    RoomEdge.Frames message = new RoomEdge.Frames(List.copyOf(outbox));
    outbox.clear();
    for (ActorRef<RoomEdge.Command> edge : edges.keySet()) {
      edge.tell(message);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Reply notFound() {
    return Reply.error(404, "ROOM_NOT_FOUND", "no room " + roomId);
  }

  private Effect<RoomEvent, RoomState> bad(Host c, String message) {
    return Effect().reply(c.replyTo(), Reply.error(400, "BAD_REQUEST", message));
  }

  /** Ids of rooms, users, products, sales, orders: 1..64 of [A-Za-z0-9_-]. */
  public static boolean validId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
          || ch == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean blankOrLong(String s, int max) {
    return s == null || s.isBlank() || s.length() > max;
  }
}
