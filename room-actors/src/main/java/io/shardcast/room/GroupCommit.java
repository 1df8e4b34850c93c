package io.shardcast.room;

import io.shardcast.room.LiveRoom.ClaimCoupon;
import io.shardcast.room.LiveRoom.Command;
import io.shardcast.room.LiveRoom.PlaceOrder;
import io.shardcast.room.LiveRoom.PlatformEvents;
import io.shardcast.room.LiveRoom.PostComment;
import io.shardcast.room.LiveRoom.SendGift;
import io.shardcast.room.platform.PlatformEvent;
import io.shardcast.room.reply.OrderResult;
import io.shardcast.room.reply.RoomReply.ClaimAnswer;
import io.shardcast.room.reply.RoomReply.ClaimResult;
import io.shardcast.room.reply.RoomReply.OrderAnswer;
import io.shardcast.room.reply.RoomReply.PlatformAccepted;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.reply.RoomReply.ToClaim;
import io.shardcast.room.reply.RoomReply.ToOrder;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Decides a batch of viewer commands (orders, coupon claims, comments, gifts) that arrived while
 * the room's previous write was in flight: the events to persist together, and each command's
 * answer, to be sent once they are persisted. Pure apart from the chat broadcast budget it draws
 * from; the commands are decided in arrival order, each seeing what the earlier ones took.
 */
final class GroupCommit {

  /** An answer decided for one command, sent once its batch is persisted. */
  record Answer<R>(ActorRef<R> replyTo, R reply) {
    void send() {
      replyTo.tell(reply);
    }
  }

  /** The events to persist (possibly none) and the answers to send after. */
  record Outcome(List<RoomEvent> events, List<Answer<?>> answers) {}

  private final RoomSettings settings;
  private final TokenBucket chatBroadcast;

  GroupCommit(RoomSettings settings, TokenBucket chatBroadcast) {
    this.settings = settings;
    this.chatBroadcast = chatBroadcast;
  }

  /** What the batch has already taken, on top of the persisted state. */
  private static final class Taken {
    final Map<String, Integer> soldBySale = new HashMap<>();
    final Map<String, Integer> boughtByUser = new HashMap<>();
    final Map<String, OrderConfirmed> orders = new HashMap<>();
    final LinkedHashMap<String, List<String>> buyersBySale = new LinkedHashMap<>();
    final Set<String> claims = new HashSet<>();
    final Map<String, Integer> claimedByCoupon = new HashMap<>();
    final Set<String> platformEvents = new HashSet<>();
  }

  Outcome decide(RoomState state, List<Command> pending, long nowMillis, long nowNanos) {
    long seq = state.seq;
    List<RoomEvent> events = new ArrayList<>(pending.size() + 2);
    List<Answer<?>> answers = new ArrayList<>(pending.size());
    Taken taken = new Taken();
    for (Command c : pending) {
      if (c instanceof PlaceOrder o) {
        answers.add(new Answer<>(o.replyTo(), order(state, taken, o, nowMillis, events)));
      } else if (c instanceof ClaimCoupon cc) {
        int before = events.size();
        answers.add(new Answer<>(cc.replyTo(), claim(state, taken, cc, seq + 1, events)));
        if (events.size() > before) {
          seq++;
        }
      } else if (c instanceof PostComment pc) {
        if (state.muted(pc.userId(), nowMillis)) {
          continue; // the host muted this user: the comment reaches nobody, and enters no lucky bag
        }
        String text = pc.text().length() > settings.maxCommentChars()
            ? pc.text().substring(0, settings.maxCommentChars()) : pc.text();
        // Over the broadcast rate, a comment is kept (it may win a lucky bag) but not shown to all.
        boolean shown = chatBroadcast.tryTake(nowNanos);
        events.add(new CommentPosted(shown ? ++seq : 0, pc.userId(), text, nowMillis));
      } else if (c instanceof SendGift g) {
        events.add(new GiftSent(++seq, g.userId(), g.gift(), g.count()));
      } else if (c instanceof PlatformEvents pe) {
        seq = platform(state, taken, pe, seq, nowMillis, nowNanos, events, answers);
      }
    }
    for (Map.Entry<String, List<String>> e : taken.buyersBySale.entrySet()) {
      RoomState.FlashSale sale = state.sales.get(e.getKey());
      List<String> buyers = e.getValue();
      int soldNow = taken.soldBySale.getOrDefault(e.getKey(), 0);
      List<String> recent = List.copyOf(buyers.subList(Math.max(0, buyers.size() - 3), buyers.size()));
      events.add(new SaleProgress(++seq, sale.saleId, sale.remaining() - soldNow, soldNow, recent));
    }
    return new Outcome(events, answers);
  }

  /**
   * A platform's events, each taken once (by destination and event id): comments as local ones are
   * (muted users dropped, long texts cut, the broadcast budget shared), gifts shown, likes tallied.
   * Platform comments enter no lucky bag: the draw is among the room's own verified viewers.
   * Returns the last seq given.
   */
  private long platform(RoomState state, Taken taken, PlatformEvents pe, long seq, long nowMillis, long nowNanos,
      List<RoomEvent> events, List<Answer<?>> answers) {
    RoomState.Destination d = state.destinations.get(pe.destinationId());
    if (d == null) { // removed while the events waited for this batch
      answers.add(new Answer<>(pe.replyTo(), new Rejected(Reason.UNKNOWN_DESTINATION,
          "no destination " + pe.destinationId())));
      return seq;
    }
    int accepted = 0;
    int duplicates = 0;
    for (PlatformEvent e : pe.events()) {
      if (state.seenPlatformEvent(d.destinationId(), e.eventId())
          || !taken.platformEvents.add(d.destinationId() + '\n' + e.eventId())) {
        duplicates++;
        continue;
      }
      accepted++;
      if (e instanceof PlatformEvent.Comment pc) {
        if (state.muted(RoomState.platformUser(d.platform(), pc.userId()), nowMillis)) {
          continue;
        }
        String text = pc.text().length() > settings.maxCommentChars()
            ? pc.text().substring(0, settings.maxCommentChars()) : pc.text();
        boolean shown = chatBroadcast.tryTake(nowNanos);
        events.add(new PlatformCommentPosted(shown ? ++seq : 0, d.destinationId(), d.platform(), e.eventId(),
            pc.userId(), pc.userName(), text, nowMillis));
      } else if (e instanceof PlatformEvent.Gift g) {
        events.add(new PlatformGiftSent(++seq, d.destinationId(), d.platform(), e.eventId(), g.userId(),
            g.userName(), g.gift(), g.count(), nowMillis));
      } else if (e instanceof PlatformEvent.Like l) {
        events.add(new PlatformLiked(0, d.destinationId(), d.platform(), e.eventId(), l.count(), nowMillis));
      } else if (e instanceof PlatformEvent.Viewers v) {
        events.add(new PlatformAudience(0, d.destinationId(), d.platform(), e.eventId(), v.viewers(), v.joins(),
            nowMillis));
      } else if (e instanceof PlatformEvent.Order o) {
        events.add(new PlatformOrdered(0, d.destinationId(), d.platform(), e.eventId(), o.userId(), o.productId(),
            o.quantity(), o.priceCents(), nowMillis));
      }
    }
    answers.add(new Answer<>(pe.replyTo(), new PlatformAccepted(d.destinationId(), accepted, duplicates)));
    return seq;
  }

  private ToOrder order(RoomState state, Taken taken, PlaceOrder o, long now, List<RoomEvent> events) {
    RoomState.FlashSale sale = state.sales.get(o.saleId());
    if (sale == null) {
      return answer(o, OrderResult.UNKNOWN_SALE, -1);
    }
    OrderConfirmed earlier = sale.orders.get(o.orderId());
    if (earlier == null) {
      earlier = taken.orders.get(o.orderId());
    }
    int sold = sale.sold + taken.soldBySale.getOrDefault(sale.saleId, 0);
    if (earlier != null) {
      // Idempotent: the same orderId gets the original confirmation back.
      return new OrderAnswer(earlier.orderId(), earlier.saleId(), earlier.userId(), earlier.quantity(),
          OrderResult.CONFIRMED, sale.quantity - sold);
    }
    if (o.quantity() < 1 || o.quantity() > settings.maxOrderQuantity()) {
      return new Rejected(Reason.BAD_QUANTITY, "quantity must be 1.." + settings.maxOrderQuantity());
    }
    if (now < sale.revealAtMillis) {
      return answer(o, OrderResult.NOT_STARTED, sale.quantity - sold);
    }
    String userKey = sale.saleId + '\u0000' + o.userId();
    int bought = sale.boughtByUser.getOrDefault(o.userId(), 0) + taken.boughtByUser.getOrDefault(userKey, 0);
    if (bought + o.quantity() > sale.perUserLimit) {
      return answer(o, OrderResult.LIMIT_REACHED, sale.quantity - sold);
    }
    if (sold + o.quantity() > sale.quantity) {
      return answer(o, OrderResult.SOLD_OUT, sale.quantity - sold);
    }
    OrderConfirmed confirmed = new OrderConfirmed(0, sale.saleId, o.orderId(), o.userId(), o.quantity(), now);
    events.add(confirmed);
    taken.orders.put(o.orderId(), confirmed);
    taken.soldBySale.merge(sale.saleId, o.quantity(), Integer::sum);
    taken.boughtByUser.merge(userKey, o.quantity(), Integer::sum);
    taken.buyersBySale.computeIfAbsent(sale.saleId, k -> new ArrayList<>()).add(o.userId());
    return answer(o, OrderResult.CONFIRMED, sale.quantity - sold - o.quantity());
  }

  private static OrderAnswer answer(PlaceOrder o, OrderResult result, int remaining) {
    return new OrderAnswer(o.orderId(), o.saleId(), o.userId(), o.quantity(), result, remaining);
  }

  private static ToClaim claim(RoomState state, Taken taken, ClaimCoupon c, long seq, List<RoomEvent> events) {
    RoomState.Coupon coupon = state.coupons.get(c.couponId());
    if (coupon == null) {
      return new Rejected(Reason.UNKNOWN_COUPON, "no coupon " + c.couponId());
    }
    String key = c.couponId() + '\u0000' + c.userId();
    if (coupon.claimedBy.contains(c.userId()) || taken.claims.contains(key)) {
      return new ClaimAnswer(c.couponId(), c.userId(), ClaimResult.ALREADY_CLAIMED, -1);
    }
    int remaining = coupon.remaining() - taken.claimedByCoupon.getOrDefault(c.couponId(), 0);
    if (remaining <= 0) {
      return new ClaimAnswer(c.couponId(), c.userId(), ClaimResult.EXHAUSTED, -1);
    }
    taken.claims.add(key);
    taken.claimedByCoupon.merge(c.couponId(), 1, Integer::sum);
    events.add(new CouponClaimed(seq, c.couponId(), c.userId(), remaining - 1));
    return new ClaimAnswer(c.couponId(), c.userId(), ClaimResult.CLAIMED, remaining - 1);
  }
}
