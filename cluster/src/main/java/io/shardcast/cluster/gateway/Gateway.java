package io.shardcast.cluster.gateway;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.AuditLog;
import io.shardcast.cluster.access.Identity;
import io.shardcast.cluster.access.PlayAccess;
import io.shardcast.cluster.access.Scope;
import io.shardcast.cluster.access.Verdict;
import io.shardcast.cluster.autoscale.Autoscaler;
import io.shardcast.cluster.autoscale.JoinDesk;
import io.shardcast.cluster.autoscale.NodeOrderAnswer;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.room.HostToken;
import io.shardcast.room.Ids;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.platform.PlatformSignature;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.state.HostOp;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's REST gateway (Pekko HTTP): rooms, host operations, orders, join placement and
 * {@code /metrics}; the ops API ({@code io.shardcast.cluster.ops}) is served alongside. Viewer
 * WebSockets (and buyers' orders) are served by the viewer listener. Every error is a status with a JSON body
 * {@code {"type":"error","code":...,"message":...}}.
 */
public final class Gateway extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final org.apache.pekko.http.javadsl.model.ContentType.NonBinary PROMETHEUS =
      (org.apache.pekko.http.javadsl.model.ContentType.NonBinary)
          ContentTypes.parse("text/plain; version=0.0.4; charset=UTF-8");

  private final ActorSystem<?> system;
  private final WebPages pages = new WebPages();
  private final ClusterSharding sharding;
  private final GatewaySettings settings;
  private final NodeMetrics metrics;
  private final OrderDesk orders;
  private final Access access;
  private final AccessRoutes guard;
  private final PlayAccess play;
  private final MetricsAccess metricsAccess;
  private final JoinDesk joins;
  private final RoomReads reads;
  private final PlatformChatRoutes platformChat;
  private final NumbersRoutes numbers;
  private volatile int viewerPort;
  private volatile int rtmpPort;
  private volatile int mediaHttpPort;

  /**
   * @param joins join placement, or null when the autoscaler is off
   */
  public Gateway(ActorSystem<?> system, GatewaySettings settings, NodeMetrics metrics, OrderDesk orders,
      Access access, PlayAccess play, JoinDesk joins, NumbersRoutes numbers) {
    this.numbers = numbers;
    this.orders = orders;
    this.play = play;
    this.access = access;
    this.guard = new AccessRoutes(access);
    this.metricsAccess = MetricsAccess.from(system.settings().config());
    this.joins = joins;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.metrics = metrics;
    this.reads = new RoomReads(system, settings);
    this.platformChat = new PlatformChatRoutes(sharding, settings);
  }

  /** Thrown by body parsing; becomes a 400 with its code. */
  static final class BadInput extends RuntimeException {
    final int status;
    final String code;

    BadInput(String code, String message) {
      this(400, code, message);
    }

    BadInput(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /**
   * The gateway's routes, with {@code more} (the ops API) tried first, all inside the same
   * JSON error handling.
   */
  public Route routes(Route... more) {
    Route own = concat(
        path("metrics", () -> get(this::metricsRoute)),
        pathPrefix(segment("api").slash("rooms"), () -> concat(
            pathEnd(() -> post(() -> roomCreator(() -> extractHost(host -> jsonBody(b -> createRoom(b, host)))))),
            pathPrefix(segment(), roomId -> roomRoutes(roomId)))),
        pathPrefix(segment("ws").slash("rooms").slash(segment()), roomId -> viewerSocketElsewhere(roomId)),
        path(segment("live").slash(segment()), file -> get(() -> file.endsWith(".flv") ? mediaElsewhere(file)
            : pages.viewerPage(file))),
        path("host", () -> get(pages::hostConsole)),
        path("ops", () -> get(pages::opsDashboard)),
        path(segment("host").slash(segment()), roomId -> get(() -> pages.hostConsole(roomId))),
        path(segment("assets").slash(segment()), name -> get(() -> pages.asset(name))));
    Route all = more.length == 0 ? own : concat(concat(more[0], java.util.Arrays.copyOfRange(more, 1, more.length)),
        own);
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> all));
  }

  // ---- rooms ----------------------------------------------------------------------------------

  private Route roomRoutes(String roomId) {
    if (!Ids.valid(roomId)) {
      return error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]");
    }
    return concat(
        pathEnd(() -> get(() -> read(roomId, LiveRoom.GetSnapshot::new))),
        path("join", () -> get(() -> join(roomId))),
        path("publish", () -> get(() -> publishSettings(roomId))),
        path("stats", () -> get(() -> roomStats(roomId))),
        pathPrefix("orders", () -> concat(
            pathEnd(() -> concat(
                post(() -> guard.withBearer(token -> jsonBody(b -> placeOrder(roomId, b, token.orElse(null))))),
                get(() -> saleOrders(roomId)))),
            path("mine", () -> get(() -> myOrders(roomId))))),
        path(segment("coupons").slash(segment()).slash("claim"), couponId -> post(() -> guard.withBearer(
            token -> jsonBody(b -> onSuccess(orders.claim(roomId, couponId, b, token.orElse(null)), this::complete))))),
        path("products", () -> hostOp(roomId, "products", b -> new HostOp.AddProduct(
            id(b, "productId"), text(b, "name"), longField(b, "priceCents", 0), intField(b, "stock", 0),
            ProductBody.facts(b)))),
        path("policies", () -> put(() -> hostOpWith(roomId, "policies", inner -> jsonBody(b -> inner.apply(
            new HostOp.SetPolicies(ProductBody.policies(b))))))),
        path("pin", () -> hostOp(roomId, "pin", b -> new HostOp.PinProduct(id(b, "productId")))),
        path("coupons", () -> hostOp(roomId, "coupons", b -> new HostOp.IssueCoupon(id(b, "couponId"),
            optionalText(b, "productId"), longField(b, "discountCents", 0), intField(b, "count", 1)))),
        path("lucky-bags", () -> hostOp(roomId, "lucky-bags", b -> new HostOp.StartLuckyBag(id(b, "bagId"), text(b, "keyword"),
            longField(b, "durationMs", 60_000), intField(b, "winners", 1), text(b, "prize")))),
        path("flash-sales", () -> hostOp(roomId, "flash-sales", b -> {
          long revealAt = b.has("revealInMs")
              ? System.currentTimeMillis() + longField(b, "revealInMs", 0)
              : longField(b, "revealAt", -1);
          return new HostOp.AnnounceFlashSale(id(b, "saleId"), id(b, "productId"), intField(b, "quantity", -1),
              intField(b, "perUserLimit", 1), revealAt);
        })),
        pathPrefix("destinations", () -> concat(
            pathEnd(() -> concat(
                hostOp(roomId, "destinations.add", b -> new HostOp.AddDestination(optionalText(b, "destinationId"),
                    text(b, "platform"), text(b, "url"), text(b, "streamKey"), optionalText(b, "layer"),
                    b.has("chatSecret") ? text(b, "chatSecret") : PlatformSignature.newSecret(),
                    optionalText(b, "replyUrl"))),
                get(() -> hostOpWithoutBody(roomId, "destinations.list", HostOp.ListDestinations::new)))),
            path(segment(), id -> delete(() -> hostOpWithoutBody(roomId, "destinations.remove",
                () -> new HostOp.RemoveDestination(id)))))),
        path("platform-events", () -> platformChat.events(roomId)),
        path("numbers", () -> get(() -> roomNumbers(roomId))),
        path("assistant", () -> concat(
            put(() -> hostOpWith(roomId, "assistant.mode", inner -> jsonBody(b -> inner.apply(
                new HostOp.SetAssistantMode(text(b, "mode")))))),
            get(() -> hostOpWithoutBody(roomId, "assistant.read", HostOp.ReadAssistant::new)))),
        path(segment("assistant").slash("try"), () -> hostOp(roomId, "assistant.try",
            b -> new HostOp.TryAssistant(text(b, "text"), java.util.Objects.requireNonNullElse(optionalText(b, "use"),
                "room")))),
        path(segment("assistant").slash("suggestions").slash(segment()), id -> post(() -> hostOpWithoutBody(roomId,
            "assistant.approve", () -> new HostOp.ApproveSuggestion(commentSeq(id))))),
        path("replies", () -> hostOp(roomId, "replies", b -> new HostOp.Reply(text(b, "text"),
            b.hasNonNull("destinationId") ? id(b, "destinationId") : null, longField(b, "inReplyTo", 0)))),
        path("announcements", () -> hostOp(roomId, "announcements", b -> new HostOp.Announce(text(b, "text")))),
        path("media", () -> get(() -> guard.authorized(Scope.OPS_READ, null, who -> read(roomId, LiveRoom.GetMediaRoute::new)))),
        path("camera", () -> hostOp(roomId, "camera", b -> new HostOp.SwitchCamera(id(b, "camera")))),
        path("cohosts", () -> hostOp(roomId, "cohosts", b -> new HostOp.AddCohost(id(b, "userId")))),
        path(segment("comments").slash(segment()), seq -> delete(() -> hostOpWithoutBody(roomId, "comments.remove",
            () -> new HostOp.RemoveComment(commentSeq(seq))))),
        path("mutes", () -> hostOp(roomId, "mutes", b -> new HostOp.MuteUser(text(b, "userId"),
            longField(b, "durationMs", DEFAULT_MUTE_MILLIS)))),
        path(segment("mutes").slash(segment()), userId -> delete(() -> hostOpWithoutBody(roomId, "mutes.lift",
            () -> new HostOp.MuteUser(userId, 0)))));
  }

  /** A mute without a duration lasts ten minutes, the usual "cool down" of live-commerce rooms. */
  private static final long DEFAULT_MUTE_MILLIS = 10 * 60_000;

  private static long commentSeq(String seq) {
    try {
      return Long.parseLong(seq);
    } catch (NumberFormatException e) {
      return -1; // refused by the room as a bad request, with the valid range
    }
  }

  /**
   * {@code GET /api/rooms/{id}/stats}: the room's viewers over all nodes, from the join table this
   * gateway already holds (no ask per request); null when the room is not among the busiest the
   * autoscaler counts, or the autoscaler is off.
   */
  private Route roomStats(String roomId) {
    ObjectNode out = JSON.createObjectNode().put("roomId", roomId);
    java.util.Optional<Integer> viewers = joins == null ? java.util.Optional.empty() : joins.viewersOf(roomId);
    if (viewers.isPresent()) {
      out.put("viewers", viewers.get());
    } else {
      out.putNull("viewers");
    }
    return complete(JsonReply.ok(out));
  }

  /**
   * {@code GET /api/rooms/{id}/publish}: where and how a host publishes from OBS or ffmpeg, through
   * this node (any node takes a room's publish). Public: the secret half, the stream key's host
   * token, is the host's own and never stored here in the clear.
   */
  private Route publishSettings(String roomId) {
    if (rtmpPort == 0) {
      return error(404, "NO_MEDIA", "this node serves no media (shardcast.media.enabled = off)");
    }
    return extractHost(host -> {
      ObjectNode out = JSON.createObjectNode();
      out.put("server", "rtmp://" + host + ":" + rtmpPort + "/live")
          .put("streamKey", roomId + "?token=<hostToken>")
          // WHIP (a browser, or OBS 30+): POST an SDP offer with 'Authorization: Bearer <hostToken>'.
          .put("whip", "http://" + host + ":" + mediaHttpPort + "/whip/" + roomId);
      // What keeps latency low and every player happy: H.264 without B-frames, a keyframe every
      // second or two (players start and switch layers at keyframes), AAC audio.
      out.putObject("encoder").put("video", "H.264 (x264 or hardware), profile main or high, no B-frames")
          .put("keyframeIntervalSeconds", 1).put("rateControl", "CBR").put("bitrateKbps", 2500)
          .put("resolution", "1280x720 (720x1280 for a phone held upright)").put("fps", 30)
          .put("x264Preset", "veryfast").put("x264Tune", "zerolatency")
          .put("audio", "AAC-LC, 48 kHz, 128 kb/s");
      return complete(JsonReply.ok(out));
    });
  }

  private Route createRoom(JsonNode body, String host) {
    String title = text(body, "title");
    String roomId = body.has("roomId") ? id(body, "roomId") : newRoomId();
    String token = HostToken.generate();
    String hash = HostToken.hash(token);
    CompletionStage<RoomReply.ToCreate> reply = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
        .ask(r -> new LiveRoom.CreateRoom(title, hash, r), settings.askTimeout());
    return onComplete(reply, t -> {
      if (t.isFailure()) {
        return timeout(roomId);
      }
      if (!(t.get() instanceof RoomReply.Created created) || !created.isNew()) {
        // Refused, or a room of that id with this (fresh, so another) token: only ever with a chosen roomId.
        return complete(RoomAnswers.http(t.get()));
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("roomId", roomId).put("hostToken", token).put("title", title);
      out.put("rest", "/api/rooms/" + roomId).put("ws", viewerUrl(host, roomId) + "?user=<userId>");
      if (mediaHttpPort != 0) {
        out.put("rtmp", "rtmp://" + host + ":" + rtmpPort + "/live/" + roomId + "?token=" + token);
        String signed = play.query(roomId, System.currentTimeMillis());
        out.put("flv", "http://" + host + ":" + mediaHttpPort + "/live/" + roomId + ".flv"
            + (signed.isEmpty() ? "" : "?" + signed));
      }
      return complete(JsonReply.created(out));
    });
  }

  private static String newRoomId() {
    String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    StringBuilder b = new StringBuilder("r-");
    for (int i = 0; i < 10; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private Route placeOrder(String roomId, JsonNode b, String token) {
    return onSuccess(orders.place(roomId, b, token), this::complete);
  }

  /**
   * {@code GET .../orders?saleId=}: every buyer's orders, for the room's host (its host token) or an
   * operator with {@code ops:read}; anyone else is refused (viewers read {@code orders/mine}).
   */
  private Route saleOrders(String roomId) {
    return parameterOptional("saleId", saleId -> guard.withBearer(token -> {
      if (saleId.isEmpty()) {
        return error(400, "BAD_REQUEST", "saleId query parameter is required");
      }
      if (token.isEmpty()) {
        return error(401, "TOKEN_MISSING", "a sale's orders are for its host ('Authorization: Bearer <hostToken>') "
            + "or an operator; a buyer reads its own at /api/rooms/" + roomId + "/orders/mine?saleId=");
      }
      if (access.operator(token.get(), Scope.OPS_READ) instanceof Verdict.Accepted) {
        return this.<RoomReply.ToOrders>read(roomId, r -> new LiveRoom.GetOrders(saleId.get(), LiveRoom.OrdersReader.OPERATOR, null, r));
      }
      return this.<RoomReply.ToOrders>read(roomId, r -> new LiveRoom.GetOrders(saleId.get(), LiveRoom.OrdersReader.HOST, token.get(), r));
    }));
  }

  /** {@code GET .../orders/mine?saleId=}: the verified buyer's own orders (anonymous viewers: {@code ?userId=}). */
  private Route myOrders(String roomId) {
    return parameterOptional("saleId", saleId -> parameterOptional("userId", named -> guard.withBearer(token -> {
      if (saleId.isEmpty()) {
        return error(400, "BAD_REQUEST", "saleId query parameter is required");
      }
      if (named.isPresent() && !Ids.valid(named.get())) {
        return error(400, "BAD_USER", "userId must be 1..64 of [A-Za-z0-9_-]");
      }
      Verdict who = access.viewer(token.orElse(null), named.orElse(null));
      if (who instanceof Verdict.Refused r) {
        return error(r.refusal().status(), r.refusal().code(), r.refusal().message());
      }
      String userId = Access.userIdOf(((Verdict.Accepted) who).identity());
      return this.<RoomReply.ToOrders>read(roomId, r -> new LiveRoom.GetOrders(saleId.get(), LiveRoom.OrdersReader.BUYER, userId, r));
    })));
  }

  /**
   * {@code GET .../numbers}: the room's numbers per platform, for its host (the room checks the
   * token) or an operator with {@code ops:read}.
   */
  private Route roomNumbers(String roomId) {
    return guard.withBearer(token -> {
      if (token.isEmpty()) {
        return error(401, "UNAUTHORIZED", "a room's numbers are for its host ('Authorization: Bearer <hostToken>') "
            + "or an operator");
      }
      if (access.operator(token.get(), Scope.OPS_READ) instanceof Verdict.Accepted) {
        return numbers.numbers(roomId);
      }
      CompletionStage<RoomReply.ToHost> reply = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
          .ask(r -> new LiveRoom.Host(token.get(), new HostOp.Verify(), r), settings.askTimeout());
      return onComplete(reply, t -> t.isFailure() ? timeout(roomId)
          : t.get() instanceof RoomReply.HostDone ? numbers.numbers(roomId) : complete(RoomAnswers.http(t.get())));
    });
  }

  /** A host operation ({@code what}: its path), answered by the room (which checks the host token) and audited. */
  private Route hostOp(String roomId, String what, Function<JsonNode, HostOp> parse) {
    return post(() -> hostOpWith(roomId, what, inner -> jsonBody(b -> inner.apply(parse.apply(b)))));
  }

  /** A host operation named by its path alone ({@code DELETE .../comments/{seq}}): no body. */
  private Route hostOpWithoutBody(String roomId, String what, java.util.function.Supplier<HostOp> op) {
    return hostOpWith(roomId, what, inner -> inner.apply(op.get()));
  }

  /** Checks the bearer, asks the room to carry out the operation {@code withOp} supplies, answers and audits. */
  private Route hostOpWith(String roomId, String what, Function<Function<HostOp, Route>, Route> withOp) {
    String action = "host." + what;
    return guard.remote(ip -> guard.withBearer(token -> {
      if (token.isEmpty()) {
        AuditLog.record("unverified", action, roomId, null, 401, "UNAUTHORIZED", ip);
        return error(401, "UNAUTHORIZED", "host operations need 'Authorization: Bearer <hostToken>'");
      }
      return withOp.apply(op -> {
        CompletionStage<RoomReply.ToHost> reply = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
            .ask(r -> new LiveRoom.Host(token.get(), op, r), settings.askTimeout());
        return onComplete(reply, t -> {
          JsonReply answer = t.isSuccess() ? RoomAnswers.http(t.get())
              : JsonReply.error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry");
          if (op instanceof HostOp.AddDestination add && answer.status() == 201) {
            answer = withChatSecret(answer, add); // shown this once, to the host who added it
          }
          boolean host = t.isSuccess() && !(t.get() instanceof RoomReply.Rejected rj
              && rj.reason() == RoomReply.Reason.FORBIDDEN);
          AuditLog.record(host ? "host:" + roomId : "unverified", action, roomId, null, answer.status(),
              answer.errorCode(), ip);
          return complete(answer);
        });
      });
    }));
  }

  private static JsonReply withChatSecret(JsonReply answer, HostOp.AddDestination add) {
    try {
      ObjectNode body = (ObjectNode) JSON.readTree(answer.body());
      body.putObject("created").put("destinationId", add.destinationId() != null ? add.destinationId()
          : lastDestinationId(body)).put("chatSecret", add.chatSecret());
      return new JsonReply(answer.status(), body.toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the room's answer is JSON", e);
    }
  }

  /** The destination just added: the room lists destinations in the order they were added. */
  private static String lastDestinationId(ObjectNode body) {
    JsonNode list = body.path("destinations");
    return list.isEmpty() ? null : list.get(list.size() - 1).path("destinationId").asText();
  }

  /**
   * Room creation: open with anonymous viewers (development); with platform viewer tokens, for
   * operators with {@code ops:write} (the platform's back office creates its sellers' rooms).
   */
  private Route roomCreator(Supplier<Route> inner) {
    if (access.viewerMode() == Access.ViewerMode.ANONYMOUS) {
      return inner.get();
    }
    return guard.authorized(Scope.OPS_WRITE, "ops.room.create", who -> inner.get());
  }

  /** {@code /metrics} as {@code shardcast.access.metrics} says: open, for the metrics scope, or on its own port. */
  private Route metricsRoute() {
    return switch (metricsAccess.mode()) {
      case OPEN -> metricsPage();
      case TOKEN -> guard.authorized(Scope.METRICS, null, who -> metricsPage());
      case INTERNAL -> error(404, "METRICS_ELSEWHERE", "metrics are served on the internal port "
          + metricsAccess.port() + " (shardcast.access.metrics)");
    };
  }

  /** The internal metrics port's routes ({@code shardcast.access.metrics.mode = internal}). */
  public Route metricsRoutes() {
    return handleRejections(rejections(), () -> path("metrics", () -> get(this::metricsPage)));
  }

  private Route metricsPage() {
    return complete(HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS, metrics.scrape())));
  }

  private <R extends RoomReply> Route ask(String roomId, Function<ActorRef<R>, LiveRoom.Command> command) {
    CompletionStage<R> reply = sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId).ask(command::apply,
        settings.askTimeout());
    return onComplete(reply, t -> t.isSuccess() ? complete(RoomAnswers.http(t.get())) : timeout(roomId));
  }

  /** A read of the room, re-sent until answered ({@link RoomReads}). */
  private <R extends RoomReply> Route read(String roomId, Function<ActorRef<R>, LiveRoom.Command> command) {
    return onComplete(reads.ask(roomId, command),
        t -> t.isSuccess() ? complete(RoomAnswers.http(t.get())) : timeout(roomId));
  }

  private Route timeout(String roomId) {
    return error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry");
  }

  /** Which node a viewer of the room should connect to (and send its orders to). */
  private Route join(String roomId) {
    if (joins == null) {
      return error(404, "AUTOSCALER_OFF", "join placement needs the autoscaler (shardcast.autoscaler.enabled = on)");
    }
    return onComplete(joins.choose(), t -> {
      if (t.isFailure() || t.get().isEmpty()) {
        return error(503, "NO_CAPACITY", "no serving node has reported yet; retry in a second");
      }
      Autoscaler.Candidate c = t.get().get();
      ObjectNode out = JSON.createObjectNode();
      out.put("node", c.nodeId())
          .put("ws", c.viewerBase().replaceFirst("^http", "ws") + "/ws/rooms/" + roomId
              + (access.viewerMode() == Access.ViewerMode.ANONYMOUS ? "?user=<userId>" : "?token=<viewer token>"))
          .put("orders", c.viewerBase() + "/api/rooms/" + roomId + "/orders");
      String playQuery = play.signed() ? play.query(roomId, System.currentTimeMillis()) : null;
      if (playQuery != null) {
        // Appended to any of the room's media URLs (HTTP-FLV, WebSocket-FLV, RTMP play) on any node.
        out.put("play", playQuery);
      }
      if (!c.mediaBase().isEmpty()) {
        // The same node's players: WebRTC (WHEP) and WebSocket-FLV for browsers, HTTP-FLV for the rest.
        String q = playQuery == null ? "" : "?" + playQuery;
        out.put("flv", c.mediaBase() + "/live/" + roomId + ".flv" + q)
            .put("wsFlv", c.mediaBase().replaceFirst("^http", "ws") + "/ws/live/" + roomId + q)
            .put("whep", c.mediaBase() + "/whep/" + roomId + q);
      }
      return complete(JsonReply.ok(out));
    });
  }

  // ---- viewers --------------------------------------------------------------------------------

  /** Set once the media listeners are bound: RTMP and HTTP-FLV/WebSocket-FLV. */
  public void mediaPorts(int rtmp, int http) {
    this.rtmpPort = rtmp;
    this.mediaHttpPort = http;
  }

  /** HTTP-FLV lives on the media port; a player that came here is redirected there (307). */
  private Route mediaElsewhere(String file) {
    if (mediaHttpPort == 0) {
      return error(404, "NO_MEDIA", "this node serves no media (shardcast.media.enabled = off)");
    }
    return extractHost(host -> extractUri(uri -> redirect(org.apache.pekko.http.javadsl.model.Uri.create(
        "http://" + host + ":" + mediaHttpPort + "/live/" + file + uri.rawQueryString().map(q -> "?" + q).orElse("")),
        org.apache.pekko.http.javadsl.model.StatusCodes.TEMPORARY_REDIRECT)));
  }

  /** Set once the viewer listener is bound: where {@code /ws/rooms/{id}} is served. */
  public void viewerPort(int port) {
    this.viewerPort = port;
  }

  private String viewerUrl(String host, String roomId) {
    return "ws://" + host + ":" + viewerPort + "/ws/rooms/" + roomId;
  }

  /** Viewer sockets have their own port ({@code ViewerServer}); a client that came here is told where. */
  private Route viewerSocketElsewhere(String roomId) {
    return extractHost(host -> error(404, "VIEWER_PORT",
        "viewer WebSockets are served on port " + viewerPort + ": " + viewerUrl(host, roomId) + "?user=<userId>"));
  }

  // ---- JSON bodies and errors -----------------------------------------------------------------

  private Route jsonBody(Function<JsonNode, Route> handler) {
    return withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), body -> {
      JsonNode node;
      try {
        node = JSON.readTree(body);
      } catch (Exception e) {
        return error(400, "BAD_JSON", "request body is not valid JSON");
      }
      if (node == null || !node.isObject()) {
        return error(400, "BAD_JSON", "request body must be a JSON object");
      }
      try {
        return handler.apply(node);
      } catch (BadInput e) {
        return error(e.status, e.code, e.getMessage());
      }
    }));
  }

  static String id(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || !v.isTextual() || !Ids.valid(v.asText())) {
      throw new BadInput("BAD_REQUEST", "'" + field + "' is required: 1..64 of [A-Za-z0-9_-]");
    }
    return v.asText();
  }

  static String text(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new BadInput("BAD_REQUEST", "'" + field + "' is required: a non-empty string");
    }
    return v.asText();
  }

  static String optionalText(JsonNode b, String field) {
    JsonNode v = b.get(field);
    return v == null || v.isNull() ? null : text(b, field);
  }

  static long longField(JsonNode b, String field, long dflt) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      if (dflt < 0) {
        throw new BadInput("BAD_REQUEST", "'" + field + "' is required: an integer");
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new BadInput("BAD_REQUEST", "'" + field + "' must be an integer");
    }
    return v.asLong();
  }

  static int intField(JsonNode b, String field, int dflt) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      if (dflt < 0) {
        throw new BadInput("BAD_REQUEST", "'" + field + "' is required: an integer");
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new BadInput("BAD_REQUEST", "'" + field + "' must be an integer");
    }
    return v.asInt();
  }

  private Route complete(JsonReply reply) {
    return complete(HttpResponse.create().withStatus(reply.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body())));
  }

  private Route error(int status, String code, String message) {
    return complete(JsonReply.error(status, code, message));
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(BadInput.class, e -> completeStatic(JsonReply.error(e.status, e.code, e.getMessage())))
        .matchAny(e -> {
          log.error("gateway error", e);
          return completeStatic(JsonReply.error(500, "INTERNAL", "internal error; it was logged"));
        })
        .build();
  }

  private static Route completeStatic(JsonReply reply) {
    return new AllDirectives() {}.complete(HttpResponse.create().withStatus(reply.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body())));
  }

  /** Pekko's rejections (404, 405, 413, not a WebSocket...) with JSON bodies. */
  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
        return response;
      }
      String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
          ? strict.getData().utf8String() : response.status().reason();
      String code = "HTTP_" + response.status().intValue();
      return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
          JsonReply.error(response.status().intValue(), code, text).body()));
    });
  }
}
