package io.shardcast.cluster.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import java.util.List;

/**
 * A room's journaled event as the back office gets it: {@code {"id","type","roomId","at","data"}},
 * where {@code id} ({@code <roomId>:<journal sequence number>}) is also the delivery's idempotency
 * key. Events the back office has no use for render to null.
 */
public final class WebhookEvents {

  /** Every type a subscriber may ask for. */
  public static final List<String> TYPES = List.of("room.live", "room.ended", "sale.announced", "sale.opened",
      "sale.soldOut", "order.confirmed", "coupon.claimed", "luckyBag.drawn");

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookEvents() {}

  /** The webhook type of {@code event}, or null when it is not one. */
  public static String typeOf(RoomEvent event) {
    if (event instanceof ShowStarted) {
      return "room.live";
    } else if (event instanceof ShowEnded) {
      return "room.ended";
    } else if (event instanceof FlashSaleAnnounced) {
      return "sale.announced";
    } else if (event instanceof FlashSaleOpened) {
      return "sale.opened";
    } else if (event instanceof SaleProgress p && p.remaining() <= 0) {
      return "sale.soldOut";
    } else if (event instanceof OrderConfirmed) {
      return "order.confirmed";
    } else if (event instanceof CouponClaimed) {
      return "coupon.claimed";
    } else if (event instanceof LuckyBagDrawn) {
      return "luckyBag.drawn";
    }
    return null;
  }

  /** The delivery's body, or null when the event is not a webhook. */
  public static ObjectNode render(String roomId, long sequenceNr, long writtenAtMillis, RoomEvent event) {
    String type = typeOf(event);
    if (type == null) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode().put("id", roomId + ":" + sequenceNr).put("type", type)
        .put("roomId", roomId).put("at", writtenAtMillis);
    ObjectNode d = n.putObject("data");
    if (event instanceof ShowStarted e) {
      d.put("startedAt", e.atMillis());
    } else if (event instanceof ShowEnded e) {
      d.put("endedAt", e.atMillis()).put("lastMediaAt", e.lastMediaAtMillis());
    } else if (event instanceof FlashSaleAnnounced e) {
      d.put("saleId", e.saleId()).put("productId", e.productId()).put("quantity", e.quantity())
          .put("perUserLimit", e.perUserLimit()).put("priceCents", e.priceCents()).put("revealAt", e.revealAtMillis());
    } else if (event instanceof FlashSaleOpened e) {
      d.put("saleId", e.saleId()).put("revealAt", e.revealAtMillis());
    } else if (event instanceof SaleProgress e) {
      d.put("saleId", e.saleId());
    } else if (event instanceof OrderConfirmed e) {
      d.put("saleId", e.saleId()).put("orderId", e.orderId()).put("userId", e.userId()).put("quantity", e.quantity())
          .put("confirmedAt", e.atMillis());
    } else if (event instanceof CouponClaimed e) {
      d.put("couponId", e.couponId()).put("userId", e.userId()).put("remaining", e.remaining());
    } else if (event instanceof LuckyBagDrawn e) {
      d.put("bagId", e.bagId()).put("entrants", e.entrants()).put("seed", e.seedHex());
      ArrayNode w = d.putArray("winners");
      e.winners().forEach(w::add);
    }
    return n;
  }
}
