package io.shardcast.room.commerce;

import io.shardcast.room.reply.OrderResult;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.reply.RoomReply.OrderAnswer;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.state.CborSerializable;
import io.shardcast.room.state.RoomEvent.OrderConfirmed;
import java.util.Map;

/**
 * What a gateway needs to answer orders for a sold-out flash sale by itself, exactly as the room
 * would: the sale's confirmed orders (a repeated {@code orderId} gets its confirmation back) and
 * units bought per user (for {@code LIMIT_REACHED}). A sale with no stock left never gets stock
 * back, so the hint stays true for good; most of a sale race's orders arrive after this point.
 *
 * @param soldOut false when the sale is unknown or still has stock (the maps are then empty)
 */
public record SoldOutHint(
    String saleId,
    boolean soldOut,
    int perUserLimit,
    Map<String, OrderConfirmed> orders,
    Map<String, Integer> boughtByUser) implements CborSerializable {

  public static SoldOutHint notSoldOut(String saleId) {
    return new SoldOutHint(saleId, false, 0, Map.of(), Map.of());
  }

  /** The room's answer to this order, in the room's order of checks (see {@code LiveRoom}). */
  public RoomReply.ToOrder answer(String orderId, String userId, int quantity, int maxOrderQuantity) {
    OrderConfirmed earlier = orders.get(orderId);
    if (earlier != null) {
      return order(earlier.orderId(), earlier.userId(), earlier.quantity(), OrderResult.CONFIRMED);
    }
    if (quantity < 1 || quantity > maxOrderQuantity) {
      return new Rejected(Reason.BAD_QUANTITY, "quantity must be 1.." + maxOrderQuantity);
    }
    if (boughtByUser.getOrDefault(userId, 0) + quantity > perUserLimit) {
      return order(orderId, userId, quantity, OrderResult.LIMIT_REACHED);
    }
    return order(orderId, userId, quantity, OrderResult.SOLD_OUT);
  }

  private OrderAnswer order(String orderId, String userId, int quantity, OrderResult result) {
    return new OrderAnswer(orderId, saleId, userId, quantity, result, 0);
  }
}
