package io.shardcast.cluster.ops;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.AuditLog;
import io.shardcast.cluster.access.Identity;
import io.shardcast.cluster.access.Scope;
import io.shardcast.cluster.autoscale.Autoscaler;
import io.shardcast.cluster.autoscale.MoveAnswer;
import io.shardcast.cluster.autoscale.NodeOrderAnswer;
import io.shardcast.cluster.autoscale.ScaleAnswer;
import io.shardcast.cluster.autoscale.ScaleHold;
import io.shardcast.cluster.gateway.AccessRoutes;
import io.shardcast.cluster.gateway.GatewaySettings;
import io.shardcast.cluster.gateway.JsonReply;
import io.shardcast.cluster.gateway.NumbersRoutes;
import io.shardcast.cluster.gateway.RoomAnswers;
import io.shardcast.cluster.gateway.RoomReads;
import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.media.MediaInspector;
import io.shardcast.cluster.webhook.WebhookSettings;
import io.shardcast.cluster.webhook.WebhookStatus;
import io.shardcast.room.Ids;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.reply.RoomReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The ops API, {@code /api/ops/v1/...} (docs/api.md#ops-api): the cluster at a glance, its nodes,
 * rooms, sales and the autoscaler's decisions for {@code ops:read}; node orders for
 * {@code ops:write}, carried out by the autoscaler like its own. Every answer carries
 * {@code "apiVersion":"ops/v1"}; fields are only ever added within v1. The older
 * {@code /api/cluster}, {@code /api/autoscaler} and {@code /api/autoscaler/nodes/*} stay as they were.
 */
public final class OpsApi extends AllDirectives {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Rooms listed at most. */
  private static final int MAX_ROOMS = 100;
  /** Length of a scale hold when the body names none. */
  private static final long DEFAULT_HOLD_SECONDS = 3600;

  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final AccessRoutes guard;
  private final ActorRef<Autoscaler.Command> autoscaler;
  private final ClusterView cluster;
  private final RoomReads reads;
  private final int numberOfShards;
  private final MediaNodes media;

  private final WebhookSettings webhooks;
  private final NumbersRoutes numbers;
  private final ProjectionOffsets offsets;

  /** @param autoscaler the autoscaler singleton's proxy, or null when the autoscaler is off */
  public OpsApi(ActorSystem<?> system, GatewaySettings settings, Access access, ActorRef<Autoscaler.Command> autoscaler,
      int numberOfShards, WebhookSettings webhooks, ProjectionOffsets offsets, NumbersRoutes numbers) {
    this.numbers = numbers;
    this.webhooks = webhooks;
    this.offsets = offsets;
    this.system = system;
    this.settings = settings;
    this.guard = new AccessRoutes(access);
    this.autoscaler = autoscaler;
    this.cluster = new ClusterView(system);
    this.reads = new RoomReads(system, settings);
    this.numberOfShards = numberOfShards;
    this.media = new MediaNodes(system, settings.askTimeout());
  }

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path("cluster", () -> get(() -> read(who -> onSuccess(cluster.read(), seen ->
            guard.complete(JsonReply.ok(seen.json())))))),
        pathPrefix("autoscaler", () -> concat(
            pathEnd(() -> get(() -> read(who -> onSuccess(autoscalerJson(), a -> a.isMissingNode()
                ? autoscalerSilent() : guard.complete(new JsonReply(200, a.toString())))))),
            path(segment("nodes").slash(segment()), action -> post(() -> nodeOrderRoute(action))))),
        pathPrefix(segment("ops").slash("v1"), this::v1)));
  }

  private Route v1() {
    return concat(
        path("whoami", () -> get(() -> read(who -> guard.complete(JsonReply.ok(whoami(who)))))),
        path("webhooks", () -> get(() -> read(who -> onComplete(webhooks(), t -> guard.complete(t.isSuccess()
            ? JsonReply.ok(t.get()) : JsonReply.error(503, "DATABASE", "the delivery state is in the journal's "
                + "database, which did not answer: " + t.failed().get().getMessage())))))),
        path("status", () -> get(() -> read(who -> both((c, a) -> JsonReply.ok(
            OpsViews.status(c.json(), a, guard.access().viewerMode() == Access.ViewerMode.ANONYMOUS)))))),
        pathPrefix("nodes", () -> concat(
            pathEnd(() -> get(() -> read(who -> both((c, a) -> {
              ObjectNode out = OpsViews.envelope();
              out.set("nodes", OpsViews.nodes(c.json(), a));
              return JsonReply.ok(out);
            })))),
            path(segment(), action -> post(() -> nodeOrderRoute(action))))),
        path("scale", () -> concat(
            post(() -> guard.authorized(Scope.OPS_WRITE, "ops.scale", who -> withSizeLimit(settings.maxBodyBytes(),
                () -> entity(Unmarshaller.entityToString(), body -> scaleRoute(who, body))))),
            delete(() -> guard.authorized(Scope.OPS_WRITE, "ops.scale.release", who -> scale(who, 0, 0))))),
        path("autoscaler", () -> get(() -> read(who -> onSuccess(autoscalerJson(), a -> a.isMissingNode()
            ? autoscalerSilent() : guard.complete(JsonReply.ok(withVersion(a))))))),
        path(segment("autoscaler").slash("timeline"), () -> get(() -> read(who -> afterMillis(afterMillis ->
            onSuccess(autoscalerJson(), a -> a.isMissingNode() ? autoscalerSilent()
                : guard.complete(JsonReply.ok(OpsViews.timeline(a, afterMillis)))))))),
        path(segment("autoscaler").slash("history"), () -> get(() -> read(who -> afterMillis(afterMillis ->
            onSuccess(autoscalerHistory(afterMillis), h -> h.isMissingNode() ? autoscalerSilent()
                : guard.complete(JsonReply.ok(OpsViews.history(h)))))))),
        pathPrefix("rooms", () -> concat(
            pathEnd(() -> get(() -> read(who -> parameterOptional("sort", sort -> parameterOptional("limit",
                limit -> rooms(sort.orElse("viewers"), limit.orElse("20"))))))),
            pathPrefix(segment(), roomId -> room(roomId)))),
        path("sales", () -> get(() -> read(who -> onSuccess(autoscalerJson(), a -> a.isMissingNode()
            ? autoscalerSilent() : onSuccess(sales(a), out -> guard.complete(JsonReply.ok(out))))))));
  }

  /** {@code ops:read}, or the refusal. */
  private Route read(Function<Identity, Route> inner) {
    return guard.authorized(Scope.OPS_READ, null, inner);
  }

  /** The webhook deliveries, read from the journal's database (on the blocking dispatcher). */
  private java.util.concurrent.CompletionStage<ObjectNode> webhooks() {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return (ObjectNode) OpsViews.envelope().setAll(WebhookStatus.render(webhooks, offsets));
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
  }

  private static ObjectNode whoami(Identity who) {
    ObjectNode out = OpsViews.envelope().put("identity", who.name());
    ArrayNode scopes = out.putArray("scopes");
    for (Scope s : Scope.values()) {
      if (who.may(s)) {
        scopes.add(s.label());
      }
    }
    return out;
  }

  private static ObjectNode withVersion(JsonNode autoscaler) {
    ObjectNode out = OpsViews.envelope();
    out.setAll((ObjectNode) autoscaler);
    return out;
  }

  /** The cluster and the autoscaler, read together; the autoscaler missing when it does not answer. */
  private Route both(java.util.function.BiFunction<ClusterView.Seen, JsonNode, JsonReply> answer) {
    CompletionStage<ClusterView.Seen> c = cluster.read();
    CompletionStage<JsonNode> a = autoscalerJson();
    return onSuccess(c.thenCombine(a, answer), guard::complete);
  }

  /** {@code GET /api/autoscaler}'s JSON, or a missing node when the autoscaler is off or does not answer. */
  private CompletionStage<JsonNode> autoscalerJson() {
    return askAutoscaler(Autoscaler.GetState::new);
  }

  /** Asks the autoscaler for a JSON state; a missing node when it is off, silent, or its answer does not parse. */
  private CompletionStage<JsonNode> askAutoscaler(
      org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<Autoscaler.State>, Autoscaler.Command> ask) {
    if (autoscaler == null) {
      return CompletableFuture.completedFuture(MissingNode.getInstance());
    }
    return AskPattern.<Autoscaler.Command, Autoscaler.State>ask(autoscaler, ask, settings.askTimeout(),
        system.scheduler()).handle((s, failure) -> {
          if (s == null) {
            return MissingNode.getInstance();
          }
          try {
            return JSON.readTree(s.json());
          } catch (Exception e) {
            return MissingNode.getInstance();
          }
        });
  }

  /** {@code ?after=<epoch ms>} (0 when absent) for {@code inner}; 400 when it is not a number. */
  private Route afterMillis(java.util.function.LongFunction<Route> inner) {
    return parameterOptional("after", after -> {
      try {
        return inner.apply(after.map(Long::parseLong).orElse(0L));
      } catch (NumberFormatException e) {
        return guard.complete(JsonReply.error(400, "BAD_REQUEST", "after is epoch milliseconds"));
      }
    });
  }

  /** The autoscaler's load history after {@code afterMillis}, or a missing node when it is off or silent. */
  private CompletionStage<JsonNode> autoscalerHistory(long afterMillis) {
    return askAutoscaler(r -> new Autoscaler.GetHistory(afterMillis, r));
  }

  private Route autoscalerSilent() {
    return autoscaler == null
        ? guard.complete(JsonReply.error(404, "AUTOSCALER_OFF", "the autoscaler is disabled "
            + "(shardcast.autoscaler.enabled = off)"))
        : guard.complete(JsonReply.error(503, "TIMEOUT", "the autoscaler did not answer in time (it may be moving "
            + "to another node)"));
  }

  // ---- rooms ----------------------------------------------------------------------------------

  private Route rooms(String sort, String limitText) {
    if (!sort.equals("viewers") && !sort.equals("trend") && !sort.equals("events")) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "sort is viewers, trend or events"));
    }
    int limit;
    try {
      limit = Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_ROOMS) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "limit is 1.." + MAX_ROOMS));
    }
    int n = limit;
    return both((c, a) -> JsonReply.ok(OpsViews.rooms(a, c.nodeOfShard(), id -> LiveRoom.shardOf(id, numberOfShards),
        sort, n)));
  }

  /** {@code GET .../rooms/{id}}: the room's snapshot with its shard, its node and its media route. */
  private Route room(String roomId) {
    if (!Ids.valid(roomId)) {
      return guard.complete(JsonReply.error(400, "BAD_ROOM_ID", "room ids are 1..64 of [A-Za-z0-9_-]"));
    }
    return concat(
        pathEnd(() -> get(() -> read(who -> {
          CompletionStage<RoomReply.ToSnapshot> snapshot = reads.ask(roomId, LiveRoom.GetSnapshot::new);
          CompletionStage<RoomReply.ToMedia> route = reads.ask(roomId, LiveRoom.GetMediaRoute::new);
          CompletionStage<ClusterView.Seen> seen = cluster.read();
          return onComplete(snapshot.thenCombine(route, (s, r) -> new Object[] {s, r}).thenCombine(seen,
              (sr, c) -> roomView(roomId, (RoomReply) sr[0], (RoomReply) sr[1], c)), t -> guard.complete(
              t.isSuccess() ? t.get() : JsonReply.error(503, "TIMEOUT", "room " + roomId
                  + " did not answer in time; retry")));
        }))),
        path("orders", () -> get(() -> read(who -> parameterOptional("saleId", saleId -> saleId.isEmpty()
            ? guard.complete(JsonReply.error(400, "BAD_REQUEST", "saleId query parameter is required"))
            : onComplete(reads.<RoomReply.ToOrders>ask(roomId, r -> new LiveRoom.GetOrders(saleId.get(),
                LiveRoom.OrdersReader.OPERATOR, null, r)), t -> guard.complete(t.isSuccess()
                ? RoomAnswers.http(t.get()) : JsonReply.error(503, "TIMEOUT", "room " + roomId
                    + " did not answer in time; retry"))))))),
        path("numbers", () -> get(() -> read(who -> numbers.numbers(roomId)))),
        path("destinations", () -> get(() -> read(who -> onComplete(reads.<RoomReply.ToHost>ask(roomId,
            LiveRoom.GetDestinations::new), t -> guard.complete(t.isSuccess() ? RoomAnswers.http(t.get())
            : JsonReply.error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry")))))),
        path("move", () -> post(() -> guard.authorized(Scope.OPS_WRITE, "ops.room.move", who ->
            withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(),
                body -> move(who, roomId, body)))))),
        path("media", () -> get(() -> read(who -> onComplete(reads.<RoomReply.ToMedia>ask(roomId,
            LiveRoom.GetMediaRoute::new).thenCombine(media.inspect(roomId), (route, nodes) -> mediaView(route, nodes)),
            t -> guard.complete(t.isSuccess() ? t.get()
            : JsonReply.error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry")))))));
  }

  /** The room's media route, with what each node's media plane holds of it and the viewers per layer over all. */
  private static JsonReply mediaView(RoomReply route, List<MediaInspector.NodeMedia> nodes) {
    JsonReply r = RoomAnswers.http(route);
    if (!r.ok()) {
      return r;
    }
    ObjectNode out = OpsViews.envelope();
    try {
      out.setAll((ObjectNode) JSON.readTree(r.body()));
    } catch (Exception e) {
      return JsonReply.error(500, "INTERNAL", "the room's answer could not be read");
    }
    out.set("nodes", OpsViews.mediaNodes(nodes));
    out.set("layers", OpsViews.mediaLayers(nodes));
    return JsonReply.ok(out);
  }

  private JsonReply roomView(String roomId, RoomReply snapshot, RoomReply route, ClusterView.Seen seen) {
    JsonReply s = RoomAnswers.http(snapshot);
    if (!s.ok()) {
      return s;
    }
    ObjectNode out = OpsViews.envelope().put("roomId", roomId);
    String shard = LiveRoom.shardOf(roomId, numberOfShards);
    out.put("shard", shard).put("node", seen.nodeOfShard().getOrDefault(shard, ""));
    try {
      out.set("snapshot", JSON.readTree(s.body()));
      JsonReply r = RoomAnswers.http(route);
      if (r.ok()) {
        out.set("media", JSON.readTree(r.body()));
      }
    } catch (Exception e) {
      return JsonReply.error(500, "INTERNAL", "the room's answer could not be read");
    }
    return JsonReply.ok(out);
  }

  /** {@code POST .../rooms/{id}/move} with {@code {"node": "..."}}: carried out by the room allocation. */
  private Route move(Identity who, String roomId, String body) {
    JsonNode b = jsonObject(body);
    if (b == null) {
      return badJson();
    }
    JsonNode node = b.get("node");
    if (node == null || !node.isTextual() || node.asText().isBlank() || node.asText().length() > 200) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "node is required: a node address "
          + "(pekko://shardcast@host:port) or host:port"));
    }
    if (autoscaler == null) {
      return guard.complete(JsonReply.error(404, "AUTOSCALER_OFF", "the autoscaler is disabled "
          + "(shardcast.autoscaler.enabled = off), and with it the room allocation that moves rooms"));
    }
    CompletionStage<MoveAnswer> reply = AskPattern.ask(autoscaler,
        r -> new Autoscaler.MoveRoom(roomId, node.asText(), who.name(), r), settings.askTimeout(), system.scheduler());
    return guard.remote(ip -> onComplete(reply, t -> {
      JsonReply answer = t.isSuccess() ? moveAnswer(t.get())
          : JsonReply.error(503, "TIMEOUT", "the autoscaler did not answer in time (it may be moving to another node)");
      AuditLog.record(who.name(), "ops.room.move", roomId, node.asText(), answer.status(), answer.errorCode(), ip);
      return guard.complete(answer);
    }));
  }

  private static JsonReply moveAnswer(MoveAnswer answer) {
    if (answer instanceof MoveAnswer.Accepted a) {
      return JsonReply.accepted(OpsViews.envelope().put("roomId", a.roomId()).put("shard", a.shard())
          .put("node", a.node()).put("accepted", true));
    }
    MoveAnswer.Refused r = (MoveAnswer.Refused) answer;
    int status = r.reason() == MoveAnswer.Refusal.UNKNOWN_NODE ? 404 : 409;
    return JsonReply.error(status, r.reason().name(), r.message());
  }

  // ---- sales ----------------------------------------------------------------------------------

  /** The sale calendar, each sale with its quantity, what is sold and left, and its status, from its room. */
  private CompletionStage<ObjectNode> sales(JsonNode autoscaler) {
    Map<String, List<JsonNode>> byRoom = new HashMap<>();
    for (JsonNode s : autoscaler.path("sales")) {
      byRoom.computeIfAbsent(s.path("room").asText(), k -> new ArrayList<>()).add(s);
    }
    List<CompletableFuture<List<ObjectNode>>> rooms = new ArrayList<>();
    for (Map.Entry<String, List<JsonNode>> e : byRoom.entrySet()) {
      rooms.add(reads.<RoomReply.ToSnapshot>ask(e.getKey(), LiveRoom.GetSnapshot::new)
          .handle((reply, failure) -> salesOf(e.getKey(), e.getValue(), reply, System.currentTimeMillis()))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(rooms.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<ObjectNode> all = new ArrayList<>();
      rooms.forEach(f -> all.addAll(f.join()));
      all.sort(java.util.Comparator.comparingLong(n -> n.path("revealAt").asLong()));
      ObjectNode out = OpsViews.envelope();
      ArrayNode list = out.putArray("sales");
      all.forEach(list::add);
      return out;
    });
  }

  private static List<ObjectNode> salesOf(String roomId, List<JsonNode> calendar, RoomReply snapshot, long now) {
    Map<String, JsonNode> state = new HashMap<>();
    if (snapshot instanceof RoomReply.Snapshot s) {
      try {
        for (JsonNode f : JSON.readTree(s.json()).path("flashSales")) {
          state.put(f.path("saleId").asText(), f);
        }
      } catch (Exception e) {
        // listed without their state
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode c : calendar) {
      String sale = c.path("sale").asText();
      ObjectNode n = JSON.createObjectNode().put("room", roomId).put("sale", sale)
          .put("revealAt", c.path("revealAt").asLong()).put("closed", c.path("closed").asBoolean());
      JsonNode f = state.get(sale);
      if (f != null) {
        long quantity = f.path("quantity").asLong();
        long remaining = f.path("remaining").asLong();
        long sold = quantity - remaining;
        n.put("status", f.path("status").asText()).put("productId", f.path("productId").asText())
            .put("quantity", quantity).put("sold", sold).put("remaining", remaining);
        // Orders per second since it opened, while it is open: the sale-night number to watch.
        long openFor = now - c.path("revealAt").asLong();
        n.put("ordersPerSecond", f.path("status").asText().equals("OPEN") && openFor > 0
            ? Math.round(sold * 1000_000.0 / Math.max(1000, openFor)) / 1000.0 : 0);
      } else {
        n.put("status", "UNKNOWN");
      }
      out.add(n);
    }
    return out;
  }

  // ---- scale ----------------------------------------------------------------------------------

  /** {@code POST .../scale} with {@code {"active": N, "forSeconds": S}}: hold at least N active nodes for S seconds. */
  private Route scaleRoute(Identity who, String body) {
    JsonNode b = jsonObject(body);
    if (b == null) {
      return badJson();
    }
    JsonNode active = b.get("active");
    if (active == null || !active.canConvertToInt() || !active.isIntegralNumber() || active.asInt() < 1) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "active is required: the number of active "
          + "nodes to hold, at least 1 (DELETE .../scale releases a hold)"));
    }
    JsonNode seconds = b.get("forSeconds");
    if (seconds != null && (!seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.asLong() < 1)) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "forSeconds is a whole number of seconds, at least 1"));
    }
    long forSeconds = seconds == null ? DEFAULT_HOLD_SECONDS : seconds.asLong();
    return scale(who, active.asInt(), Math.min(forSeconds, Long.MAX_VALUE / 1000) * 1000);
  }

  private Route scale(Identity who, int active, long forMillis) {
    String action = active == 0 ? "ops.scale.release" : "ops.scale";
    if (autoscaler == null) {
      return guard.complete(JsonReply.error(404, "AUTOSCALER_OFF", "the autoscaler is disabled "
          + "(shardcast.autoscaler.enabled = off)"));
    }
    CompletionStage<ScaleAnswer> reply = AskPattern.ask(autoscaler,
        r -> new Autoscaler.Scale(active, forMillis, who.name(), r), settings.askTimeout().plusSeconds(3),
        system.scheduler());
    return guard.remote(ip -> onComplete(reply, t -> {
      JsonReply answer = t.isSuccess() ? scaleAnswer(t.get())
          : JsonReply.error(503, "TIMEOUT", "the autoscaler did not answer in time (it may be moving to another node)");
      AuditLog.record(who.name(), action, null, active == 0 ? "release" : String.valueOf(active), answer.status(),
          answer.errorCode(), ip);
      return guard.complete(answer);
    }));
  }

  private static JsonReply scaleAnswer(ScaleAnswer answer) {
    if (answer instanceof ScaleAnswer.Held h) {
      ObjectNode out = OpsViews.envelope();
      ScaleHold hold = h.hold();
      if (hold.active() == 0) {
        out.putNull("hold");
      } else {
        out.putObject("hold").put("active", hold.active()).put("until", hold.untilMillis()).put("by", hold.by())
            .put("setAt", hold.setAtMillis());
      }
      return JsonReply.accepted(out);
    }
    ScaleAnswer.Refused r = (ScaleAnswer.Refused) answer;
    int status = switch (r.reason()) {
      case OUT_OF_RANGE -> 400;
      case NOT_ACTING -> 409;
      case NOT_REPLICATED -> 503;
    };
    return JsonReply.error(status, r.reason().name(), r.message());
  }

  // ---- node orders ----------------------------------------------------------------------------

  /**
   * {@code POST .../nodes/{activate|drain|retire}} with {@code {"node": "<address or host:port>",
   * "then": "leave|standby"}}: an operator's order, carried out by the autoscaler like its own.
   */
  private Route nodeOrderRoute(String action) {
    return guard.authorized(Scope.OPS_WRITE, "ops.node." + action, who -> withSizeLimit(settings.maxBodyBytes(),
        () -> entity(Unmarshaller.entityToString(), body -> {
          JsonNode b = jsonObject(body);
          return b == null ? badJson() : nodeOrder(who, action, b);
        })));
  }

  /** The body as a JSON object, or null when it is not one. */
  private static JsonNode jsonObject(String body) {
    try {
      JsonNode b = JSON.readTree(body);
      return b != null && b.isObject() ? b : null;
    } catch (Exception e) {
      return null;
    }
  }

  private Route badJson() {
    return guard.complete(JsonReply.error(400, "BAD_JSON", "request body must be a JSON object"));
  }

  private Route nodeOrder(Identity who, String action, JsonNode b) {
    if (autoscaler == null) {
      return guard.complete(JsonReply.error(404, "AUTOSCALER_OFF", "the autoscaler is disabled "
          + "(shardcast.autoscaler.enabled = off)"));
    }
    if (!List.of("activate", "drain", "retire").contains(action)) {
      return guard.complete(JsonReply.error(404, "NOT_FOUND", "node orders are activate, drain and retire"));
    }
    JsonNode node = b.get("node");
    if (node == null || !node.isTextual() || node.asText().isBlank() || node.asText().length() > 200) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "node is required: a node address "
          + "(pekko://shardcast@host:port) or host:port"));
    }
    JsonNode then = b.get("then");
    String thenText = then == null ? "leave" : then.asText();
    if (!thenText.equals("leave") && !thenText.equals("standby")) {
      return guard.complete(JsonReply.error(400, "BAD_REQUEST", "then must be leave or standby"));
    }
    CompletionStage<NodeOrderAnswer> reply = AskPattern.ask(autoscaler,
        r -> new Autoscaler.NodeOrder(action, node.asText(), thenText.equals("standby"), r), settings.askTimeout(),
        system.scheduler());
    return guard.remote(ip -> onComplete(reply, t -> {
      JsonReply answer = t.isSuccess() ? nodeOrder(t.get())
          : JsonReply.error(503, "TIMEOUT", "the autoscaler did not answer in time (it may be moving to another node)");
      AuditLog.record(who.name(), "ops.node." + action, null, node.asText(), answer.status(),
          answer.errorCode(), ip);
      return guard.complete(answer);
    }));
  }

  /** Accepted 202; an unknown node or order 404; an order the node's role does not allow 409. */
  private static JsonReply nodeOrder(NodeOrderAnswer answer) {
    if (answer instanceof NodeOrderAnswer.Accepted a) {
      return JsonReply.accepted(OpsViews.envelope().put("node", a.node()).put("order", a.order())
          .put("accepted", true));
    }
    NodeOrderAnswer.Refused r = (NodeOrderAnswer.Refused) answer;
    int status = switch (r.reason()) {
      case UNKNOWN_NODE, NOT_FOUND -> 404;
      case NOT_STANDBY, NOT_ACTIVE, LAST_ACTIVE, UNDER_WAY -> 409;
    };
    return JsonReply.error(status, r.reason().name(), r.message());
  }
}
