package io.shardcast.cluster.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.reply.RoomReply.ClaimAnswer;
import io.shardcast.room.reply.RoomReply.Created;
import io.shardcast.room.reply.RoomReply.Destinations;
import io.shardcast.room.reply.RoomReply.HostDone;
import io.shardcast.room.reply.RoomReply.OrderAnswer;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.reply.RoomReply.Route;
import io.shardcast.room.reply.RoomReply.SaleOrders;
import io.shardcast.room.reply.RoomReply.Snapshot;
import io.shardcast.room.reply.RoomReply.SoldOrder;

/** A room's typed answers as HTTP: the status each one means and its JSON body (docs/api.md). */
public final class RoomAnswers {

  private RoomAnswers() {}

  public static JsonReply http(RoomReply reply) {
    if (reply instanceof Rejected r) {
      return JsonReply.error(status(r.reason()), r.reason().name(), r.message());
    } else if (reply instanceof Created c) {
      ObjectNode body = JsonReply.object().put("roomId", c.roomId());
      return c.isNew() ? JsonReply.created(body.put("seq", c.seq())) : JsonReply.ok(body);
    } else if (reply instanceof HostDone h) {
      return JsonReply.ok(JsonReply.object().put("roomId", h.roomId()).put("seq", h.seq()));
    } else if (reply instanceof OrderAnswer o) {
      return JsonReply.ok(order(o));
    } else if (reply instanceof ClaimAnswer c) {
      ObjectNode body = JsonReply.object().put("couponId", c.couponId()).put("userId", c.userId())
          .put("result", c.result().name());
      if (c.remaining() >= 0) {
        body.put("remaining", c.remaining());
      }
      return JsonReply.ok(body);
    } else if (reply instanceof RoomReply.PlatformAccepted p) {
      return JsonReply.ok(JsonReply.object().put("destinationId", p.destinationId())
          .put("accepted", p.accepted()).put("duplicates", p.duplicates()));
    } else if (reply instanceof RoomReply.AssistantView v) {
      return new JsonReply(200, v.json());
    } else if (reply instanceof Destinations d) {
      return new JsonReply(d.created() ? 201 : 200, d.json());
    } else if (reply instanceof Snapshot s) {
      return new JsonReply(200, s.json());
    } else if (reply instanceof SaleOrders s) {
      return JsonReply.ok(orders(s));
    } else if (reply instanceof Route r) {
      return JsonReply.ok(route(r));
    }
    throw new IllegalArgumentException("no HTTP form for " + reply.getClass().getName());
  }

  /** {@code {"orderId","saleId","userId","quantity","result","remaining"?}}. */
  public static ObjectNode order(OrderAnswer o) {
    ObjectNode body = JsonReply.object().put("orderId", o.orderId()).put("saleId", o.saleId())
        .put("userId", o.userId()).put("quantity", o.quantity()).put("result", o.result().name());
    if (o.remaining() >= 0) {
      body.put("remaining", o.remaining());
    }
    return body;
  }

  private static ObjectNode orders(SaleOrders s) {
    ObjectNode body = JsonReply.object().put("roomId", s.roomId()).put("saleId", s.saleId())
        .put("quantity", s.quantity()).put("sold", s.sold()).put("remaining", s.remaining());
    var list = body.putArray("orders");
    for (SoldOrder o : s.orders()) {
      list.addObject().put("orderId", o.orderId()).put("userId", o.userId()).put("quantity", o.quantity())
          .put("at", o.atMillis());
    }
    return body;
  }

  /** {@code {"live","camera","settling"?,"origin","subscribers":[...]}}. */
  private static ObjectNode route(Route r) {
    ObjectNode body = JsonReply.object().put("live", r.live()).put("camera", r.camera());
    if (r.settling()) {
      body.put("settling", true);
    }
    body.put("origin", r.origin());
    var subscribers = body.putArray("subscribers");
    r.subscribers().forEach(subscribers::add);
    return body;
  }

  /** Not found 404, already there 409, not allowed 403, malformed 400. */
  static int status(Reason reason) {
    return switch (reason) {
      case ROOM_NOT_FOUND, UNKNOWN_PRODUCT, UNKNOWN_COUPON, UNKNOWN_SALE, UNKNOWN_DESTINATION, UNKNOWN_SUGGESTION -> 404;
      case ROOM_EXISTS, COUPON_EXISTS, BAG_EXISTS, SALE_EXISTS, DESTINATION_EXISTS, TOO_MANY_DESTINATIONS,
          REPLAYED -> 409;
      case FORBIDDEN -> 403;
      case BAD_SIGNATURE -> 401;
      case BAD_REQUEST, BAD_TITLE, BAD_QUANTITY -> 400;
    };
  }
}
