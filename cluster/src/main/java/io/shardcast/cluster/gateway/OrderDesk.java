package io.shardcast.cluster.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.Verdict;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.RoomSettings;
import io.shardcast.room.commerce.SoldOutHint;
import io.shardcast.room.reply.OrderResult;
import io.shardcast.room.reply.RoomReply;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Takes buyers' orders and coupon claims for both of the node's listeners (the REST gateway and the
 * viewer listener): binds each to the verified buyer ({@link Access}; a body naming another user is
 * refused before anything reaches the room), keeps each buyer to its budget, validates, answers a
 * sold-out sale's orders from its hint, asks the room for the rest, and counts every answer. Every
 * outcome is a {@link JsonReply}, errors included.
 */
public final class OrderDesk {

  /** Sold-out sales remembered per node; the oldest is forgotten beyond this. */
  private static final int MAX_SOLD_OUT_HINTS = 256;

  private final ClusterSharding sharding;
  private final GatewaySettings settings;
  private final RoomSettings roomSettings;
  private final NodeMetrics metrics;
  private final Access access;
  /** Sold-out sales by room and sale id: their orders are answered here (see {@link SoldOutHint}). */
  private final Map<String, SoldOutHint> soldOut = new ConcurrentHashMap<>();
  private final Set<String> fetchingHints = ConcurrentHashMap.newKeySet();

  public OrderDesk(ActorSystem<?> system, GatewaySettings settings, RoomSettings roomSettings, NodeMetrics metrics,
      Access access) {
    this.access = access;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.roomSettings = roomSettings;
    this.metrics = metrics;
  }

  /**
   * Places the order in {@code body} (a JSON object) for the buyer {@code bearer} names (anonymous
   * viewers: the body's {@code userId}); a malformed one is answered 400 at once.
   */
  public CompletionStage<JsonReply> place(String roomId, JsonNode body, String bearer) {
    String orderId;
    String userId;
    String saleId;
    int quantity;
    try {
      userId = buyer(body, bearer);
      orderId = Gateway.id(body, "orderId");
      saleId = Gateway.id(body, "saleId");
      quantity = Gateway.intField(body, "quantity", 1);
      if (quantity < 1) {
        throw new Gateway.BadInput("BAD_QUANTITY", "quantity must be a positive integer");
      }
    } catch (Gateway.BadInput e) {
      return CompletableFuture.completedFuture(JsonReply.error(e.status, e.code, e.getMessage()));
    }
    String saleKey = roomId + '\u0000' + saleId;
    SoldOutHint hint = soldOut.get(saleKey);
    if (hint != null) {
      // Sold out for good: answer as the room would, without the round trip (most of a race).
      RoomReply.ToOrder r = hint.answer(orderId, userId, quantity, roomSettings.maxOrderQuantity());
      count(r);
      metrics.orderAnsweredFromHint();
      return CompletableFuture.completedFuture(RoomAnswers.http(r));
    }
    return sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
        .<RoomReply.ToOrder>ask(r -> new LiveRoom.PlaceOrder(orderId, userId, saleId, quantity, r),
            settings.askTimeout())
        .handle((r, failure) -> {
          if (failure != null) {
            return JsonReply.error(503, "TIMEOUT",
                "order " + orderId + " outcome unknown; retry with the same orderId");
          }
          if (count(r) == OrderResult.SOLD_OUT) {
            fetchSoldOutHint(roomId, saleId, saleKey);
          }
          return RoomAnswers.http(r);
        });
  }

  /** Claims coupon {@code couponId} for the buyer {@code bearer} names (anonymous: the body's {@code userId}). */
  public CompletionStage<JsonReply> claim(String roomId, String couponId, JsonNode body, String bearer) {
    String userId;
    try {
      userId = buyer(body, bearer);
    } catch (Gateway.BadInput e) {
      return CompletableFuture.completedFuture(JsonReply.error(e.status, e.code, e.getMessage()));
    }
    return sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
        .<RoomReply.ToClaim>ask(r -> new LiveRoom.ClaimCoupon(userId, couponId, r), settings.askTimeout())
        .handle((r, failure) -> failure != null
            ? JsonReply.error(503, "TIMEOUT", "room " + roomId + " did not answer in time; retry")
            : RoomAnswers.http(r));
  }

  /**
   * The verified buyer of a request, within its budget; else the refusal as a {@link Gateway.BadInput}
   * with its status (401/403 credentials, 429 over budget, 400 a malformed {@code userId}).
   */
  private String buyer(JsonNode body, String bearer) {
    String claimed = body.hasNonNull("userId") ? Gateway.id(body, "userId") : null;
    Verdict v = access.viewer(bearer, claimed);
    if (v instanceof Verdict.Refused r) {
      throw new Gateway.BadInput(r.refusal().status(), r.refusal().code(), r.refusal().message());
    }
    String userId = Access.userIdOf(((Verdict.Accepted) v).identity());
    if (!access.mayBuy(userId, System.nanoTime())) {
      metrics.buyerRateLimited();
      throw new Gateway.BadInput(429, "RATE_LIMITED", "too many orders or claims from " + userId + "; slow down");
    }
    return userId;
  }

  /** Fetches a sale's sold-out hint once per node (a few hundred of them are kept). */
  private void fetchSoldOutHint(String roomId, String saleId, String saleKey) {
    if (soldOut.containsKey(saleKey) || !fetchingHints.add(saleKey)) {
      return;
    }
    sharding.entityRefFor(LiveRoom.TYPE_KEY, roomId)
        .<SoldOutHint>ask(r -> new LiveRoom.GetSoldOutHint(saleId, r), settings.askTimeout())
        .whenComplete((h, err) -> {
          if (h != null && h.soldOut()) {
            if (soldOut.size() >= MAX_SOLD_OUT_HINTS) {
              soldOut.keySet().stream().findAny().ifPresent(soldOut::remove);
            }
            soldOut.put(saleKey, h);
          }
          fetchingHints.remove(saleKey);
        });
  }

  /** Counts an order's answer in the metrics; returns its result, or null for a refusal. */
  private OrderResult count(RoomReply.ToOrder r) {
    if (r instanceof RoomReply.OrderAnswer answer) {
      metrics.orderAnswered(answer.result());
      return answer.result();
    }
    return null;
  }
}
