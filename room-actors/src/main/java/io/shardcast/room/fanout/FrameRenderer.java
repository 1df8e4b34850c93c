package io.shardcast.room.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;

/** Renders room events and snapshots into the JSON frames of the viewer protocol (docs/protocol in the README). */
public final class FrameRenderer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FrameRenderer() {}

  /** The frame for a viewer-visible event, or null for events viewers do not see. */
  public static Frame render(RoomEvent event) {
    return render(event, -1);
  }

  /** The frame type of the commerce moments the room also marks in its stream. */
  public static String typeOf(RoomEvent event) {
    return event instanceof ProductPinned ? "pin"
        : event instanceof FlashSaleOpened ? "saleOpen"
        : event instanceof FlashSaleAnnounced ? "saleAnnounced"
        : event instanceof HostAnnounced ? "announcement"
        : event instanceof CouponIssued ? "coupon"
        : event instanceof LuckyBagStarted ? "luckyBag"
        : "event";
  }

  /**
   * The frame for a viewer-visible event, with {@code mediaTs}: where the host's stream stood at the
   * event's moment (ms on the room's media clock; left out when the room has no live media), so a
   * page shows the event with the frame it belongs to.
   */
  public static Frame render(RoomEvent event, long mediaTs) {
    if (event.seq() == 0) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode();
    boolean priority = true;
    long releaseAt = 0;
    if (event instanceof ProductAdded e) {
      n.put("type", "product").put("productId", e.productId()).put("name", e.name());
      n.put("priceCents", e.priceCents()).put("stock", e.stock());
      if (e.facts() != null) {
        facts(n, e.facts());
      }
    } else if (event instanceof ProductPinned e) {
      n.put("type", "pin").put("productId", e.productId());
    } else if (event instanceof CouponIssued e) {
      n.put("type", "coupon").put("couponId", e.couponId()).put("productId", e.productId());
      n.put("discountCents", e.discountCents()).put("count", e.count());
    } else if (event instanceof CouponClaimed e) {
      n.put("type", "couponClaimed").put("couponId", e.couponId()).put("userId", masked(e.userId()));
      n.put("remaining", e.remaining());
    } else if (event instanceof LuckyBagStarted e) {
      n.put("type", "luckyBag").put("bagId", e.bagId()).put("keyword", e.keyword());
      n.put("endsAt", e.endsAtMillis()).put("winners", e.winners()).put("prize", e.prize());
    } else if (event instanceof LuckyBagDrawn e) {
      n.put("type", "luckyBagDrawn").put("bagId", e.bagId()).put("entrants", e.entrants());
      n.put("seed", e.seedHex());
      ArrayNode w = n.putArray("winners");
      e.winners().forEach(w::add);
    } else if (event instanceof FlashSaleAnnounced e) {
      n.put("type", "saleAnnounced").put("saleId", e.saleId()).put("productId", e.productId());
      n.put("quantity", e.quantity()).put("perUserLimit", e.perUserLimit());
      n.put("priceCents", e.priceCents()).put("revealAt", e.revealAtMillis());
    } else if (event instanceof FlashSaleOpened e) {
      n.put("type", "saleOpen").put("saleId", e.saleId()).put("revealAt", e.revealAtMillis());
      releaseAt = e.revealAtMillis();
    } else if (event instanceof SaleProgress e) {
      n.put("type", "saleProgress").put("saleId", e.saleId()).put("remaining", e.remaining());
      n.put("sold", e.soldInBatch());
      ArrayNode w = n.putArray("justBought");
      e.recentBuyers().forEach(b -> w.add(masked(b)));
    } else if (event instanceof CommentPosted e) {
      n.put("type", "comment").put("userId", e.userId()).put("text", e.text()).put("at", e.atMillis());
      priority = false;
    } else if (event instanceof PlatformCommentPosted e) {
      n.put("type", "comment").put("userId", RoomState.platformUser(e.platform(), e.userId()))
          .put("name", e.userName()).put("platform", e.platform()).put("text", e.text()).put("at", e.atMillis());
      priority = false;
    } else if (event instanceof PlatformGiftSent e) {
      n.put("type", "gift").put("userId", RoomState.platformUser(e.platform(), e.userId())).put("name", e.userName())
          .put("platform", e.platform()).put("gift", e.gift()).put("count", e.count());
    } else if (event instanceof AssistantAnswered e) {
      n.put("type", "comment").put("userId", "assistant").put("assistant", true).put("text", e.text())
          .put("at", e.atMillis());
      ArrayNode to = n.putArray("mentions");
      e.askers().forEach(to::add);
      ArrayNode seqs = n.putArray("inReplyTo");
      e.questionSeqs().forEach(seqs::add);
      priority = false;
    } else if (event instanceof HostReplied e) {
      n.put("type", "comment").put("userId", "host").put("host", true).put("text", e.text()).put("at", e.atMillis());
      if (e.inReplyToSeq() > 0) {
        n.put("inReplyTo", e.inReplyToSeq());
      }
    } else if (event instanceof LikesTallied e) {
      n.put("type", "likes").put("delta", e.delta()).put("total", e.total());
      priority = false;
    } else if (event instanceof GiftSent e) {
      n.put("type", "gift").put("userId", e.userId()).put("gift", e.gift()).put("count", e.count());
    } else if (event instanceof HostAnnounced e) {
      n.put("type", "announcement").put("text", e.text());
    } else if (event instanceof CameraSwitched e) {
      n.put("type", "camera").put("camera", e.camera());
    } else if (event instanceof CohostAdded e) {
      n.put("type", "cohost").put("userId", e.userId());
    } else if (event instanceof CommentRemoved e) {
      n.put("type", "commentRemoved").put("commentSeq", e.commentSeq());
    } else if (event instanceof UserMuted e) {
      n.put("type", "muted").put("userId", e.userId()).put("until", e.untilMillis());
    } else {
      n.put("type", "event");
    }
    n.put("seq", event.seq());
    if (mediaTs >= 0) {
      n.put("mediaTs", mediaTs);
    }
    return new Frame(event.seq(), n.toString(), priority, releaseAt, false, System.currentTimeMillis());
  }

  /** The room as a viewer or the REST API sees it now. */
  public static ObjectNode snapshot(String roomId, RoomState s, String node, long nowMillis) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "snapshot").put("seq", s.seq).put("roomId", roomId).put("title", s.title);
    n.put("node", node).put("likes", s.likes).put("camera", s.camera);
    if (s.pinnedProductId != null) {
      n.put("pinnedProductId", s.pinnedProductId);
    }
    ArrayNode products = n.putArray("products");
    for (RoomState.Product p : s.products.values()) {
      facts(products.addObject().put("productId", p.productId).put("name", p.name)
          .put("priceCents", p.priceCents).put("stock", p.stock), p.facts);
    }
    if (s.policies.shipping() != null || s.policies.returns() != null || s.policies.delivery() != null) {
      ObjectNode policies = n.putObject("policies");
      putIfSet(policies, "shipping", s.policies.shipping());
      putIfSet(policies, "returns", s.policies.returns());
      putIfSet(policies, "delivery", s.policies.delivery());
    }
    ArrayNode coupons = n.putArray("coupons");
    for (RoomState.Coupon c : s.coupons.values()) {
      coupons.addObject().put("couponId", c.couponId).put("productId", c.productId)
          .put("discountCents", c.discountCents).put("count", c.count).put("remaining", c.remaining());
    }
    ArrayNode sales = n.putArray("flashSales");
    for (RoomState.FlashSale f : s.sales.values()) {
      String status = f.remaining() <= 0 ? "SOLD_OUT" : nowMillis >= f.revealAtMillis ? "OPEN" : "ANNOUNCED";
      sales.addObject().put("saleId", f.saleId).put("productId", f.productId)
          .put("quantity", f.quantity).put("remaining", f.remaining())
          .put("perUserLimit", f.perUserLimit).put("priceCents", f.priceCents)
          .put("revealAt", f.revealAtMillis).put("status", status);
    }
    ArrayNode bags = n.putArray("luckyBags");
    for (RoomState.LuckyBag b : s.bags.values()) {
      ObjectNode o = bags.addObject().put("bagId", b.bagId).put("keyword", b.keyword)
          .put("endsAt", b.endsAtMillis).put("winners", b.winners).put("prize", b.prize)
          .put("entrants", b.entrants.size());
      if (b.drawnWinners != null) {
        o.put("seed", b.seedHex);
        ArrayNode w = o.putArray("drawnWinners");
        b.drawnWinners.forEach(w::add);
      }
    }
    ArrayNode cohosts = n.putArray("cohosts");
    s.cohosts.forEach(cohosts::add);
    ArrayNode comments = n.putArray("recentComments");
    for (RoomState.RecentComment c : s.recentComments) {
      ObjectNode o = comments.addObject().put("seq", c.seq()).put("userId", c.userId()).put("text", c.text());
      if (c.platform() != null) {
        o.put("platform", c.platform()).put("name", c.userName()).put("destinationId", c.destinationId());
      }
      if (c.host()) {
        o.put("host", true);
      }
      if (c.assistant()) {
        o.put("assistant", true);
      }
    }
    ArrayNode muted = n.putArray("muted");
    s.mutedUntil.forEach((user, until) -> {
      if (until > nowMillis) {
        muted.addObject().put("userId", user).put("until", until);
      }
    });
    return n;
  }

  /** A product's public facts on its frame: its attributes and variants (its FAQ is the assistant's). */
  private static void facts(ObjectNode product, io.shardcast.room.state.ProductFacts facts) {
    if (!facts.attributes().isEmpty()) {
      ObjectNode a = product.putObject("attributes");
      new java.util.TreeMap<>(facts.attributes()).forEach(a::put);
    }
    if (!facts.variants().isEmpty()) {
      ArrayNode variants = product.putArray("variants");
      for (io.shardcast.room.state.ProductFacts.Variant v : facts.variants()) {
        ObjectNode o = variants.addObject().put("variantId", v.variantId());
        putIfSet(o, "size", v.size());
        putIfSet(o, "color", v.color());
        o.put("stock", v.stock());
      }
    }
  }

  private static void putIfSet(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  /**
   * A user id as other viewers see it in buying notices ("someone just bought", a coupon claimed):
   * enough to recognise oneself, not to learn who bought what ({@code buyer-17} is {@code bu***7}).
   */
  static String masked(String userId) {
    if (userId.length() < 5) {
      return userId.charAt(0) + "***";
    }
    return userId.substring(0, 2) + "***" + userId.charAt(userId.length() - 1);
  }
}
