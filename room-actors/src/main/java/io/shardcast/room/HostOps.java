package io.shardcast.room;

import io.shardcast.media.restream.RtmpUrl;
import io.shardcast.room.reply.RoomReply.Reason;
import io.shardcast.room.reply.RoomReply.Rejected;
import io.shardcast.room.state.HostOp;
import io.shardcast.room.state.HostOp.*;
import io.shardcast.room.state.ProductFacts;
import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import io.shardcast.room.state.RoomState;

/**
 * Checks a host's operation against the room's state (the host token is checked before): the event
 * it makes, or why it is refused. Pure: the room persists what this decides.
 */
final class HostOps {

  /** Exactly one of {@code event} and {@code rejected} is set. */
  record Decision(RoomEvent event, Rejected rejected) {
    static Decision accept(RoomEvent event) {
      return new Decision(event, null);
    }

    static Decision reject(Reason reason, String message) {
      return new Decision(null, new Rejected(reason, message));
    }

    static Decision bad(String message) {
      return reject(Reason.BAD_REQUEST, message);
    }
  }

  /** The longest mute a host may give at once: a week. */
  static final long MAX_MUTE_MILLIS = 7L * 24 * 3600 * 1000;

  private HostOps() {}

  /** The decision for {@code op} on {@code state}, the event to be numbered {@code state.seq + 1}. */
  static Decision decide(RoomState state, HostOp op, long nowMillis) {
    long seq = state.seq + 1;
    if (op instanceof AddProduct p) {
      if (!Ids.valid(p.productId()) || blankOrLong(p.name(), 200) || p.priceCents() < 0 || p.stock() < 0) {
        return Decision.bad("productId, name (<= 200 chars), priceCents >= 0 and stock >= 0 are required");
      }
      String wrong = FactsCheck.problem(p.facts());
      if (wrong != null) {
        return Decision.bad(wrong);
      }
      return Decision.accept(new ProductAdded(seq, p.productId(), p.name(), p.priceCents(), p.stock(),
          p.facts() == null ? ProductFacts.NONE : p.facts()));
    } else if (op instanceof PinProduct p) {
      if (!state.products.containsKey(p.productId())) {
        return Decision.reject(Reason.UNKNOWN_PRODUCT, "no product " + p.productId());
      }
      return Decision.accept(new ProductPinned(seq, p.productId()));
    } else if (op instanceof IssueCoupon p) {
      if (!Ids.valid(p.couponId()) || p.count() <= 0 || p.discountCents() < 0) {
        return Decision.bad("couponId, count > 0 and discountCents >= 0 are required");
      }
      if (state.coupons.containsKey(p.couponId())) {
        return Decision.reject(Reason.COUPON_EXISTS, "coupon " + p.couponId() + " exists");
      }
      return Decision.accept(new CouponIssued(seq, p.couponId(), p.productId(), p.discountCents(), p.count()));
    } else if (op instanceof StartLuckyBag p) {
      if (!Ids.valid(p.bagId()) || blankOrLong(p.keyword(), 32) || p.winners() <= 0 || p.winners() > 1000
          || p.durationMillis() < 1000 || p.durationMillis() > 3_600_000 || blankOrLong(p.prize(), 200)) {
        return Decision.bad(
            "bagId, keyword (<= 32 chars), prize, winners 1..1000 and durationMs 1000..3600000 are required");
      }
      if (state.bags.containsKey(p.bagId())) {
        return Decision.reject(Reason.BAG_EXISTS, "lucky bag " + p.bagId() + " exists");
      }
      return Decision.accept(new LuckyBagStarted(seq, p.bagId(), p.keyword(), nowMillis + p.durationMillis(),
          p.winners(), p.prize()));
    } else if (op instanceof AnnounceFlashSale p) {
      RoomState.Product product = state.products.get(p.productId());
      if (!Ids.valid(p.saleId()) || p.quantity() <= 0 || p.perUserLimit() <= 0 || p.revealAtMillis() <= 0) {
        return Decision.bad("saleId, productId, quantity > 0, perUserLimit > 0 and revealAt are required");
      }
      if (product == null) {
        return Decision.reject(Reason.UNKNOWN_PRODUCT, "no product " + p.productId());
      }
      if (state.sales.containsKey(p.saleId())) {
        return Decision.reject(Reason.SALE_EXISTS, "flash sale " + p.saleId() + " exists");
      }
      return Decision.accept(new FlashSaleAnnounced(seq, p.saleId(), p.productId(), p.quantity(), p.perUserLimit(),
          product.priceCents, p.revealAtMillis()));
    } else if (op instanceof Announce p) {
      if (blankOrLong(p.text(), 500)) {
        return Decision.bad("text must be 1..500 characters");
      }
      return Decision.accept(new HostAnnounced(seq, p.text()));
    } else if (op instanceof SwitchCamera p) {
      if (!Ids.valid(p.camera())) {
        return Decision.bad("camera must be 1..64 of [A-Za-z0-9_-]");
      }
      return Decision.accept(new CameraSwitched(seq, p.camera()));
    } else if (op instanceof AddCohost p) {
      if (!Ids.valid(p.userId())) {
        return Decision.bad("userId must be 1..64 of [A-Za-z0-9_-]");
      }
      return Decision.accept(new CohostAdded(seq, p.userId()));
    } else if (op instanceof RemoveComment p) {
      if (p.commentSeq() <= 0 || p.commentSeq() > state.seq) {
        return Decision.bad("seq must be a comment's seq in this room (1.." + state.seq + ")");
      }
      return Decision.accept(new CommentRemoved(seq, p.commentSeq()));
    } else if (op instanceof MuteUser p) {
      if (blankOrLong(p.userId(), 128) || p.durationMillis() < 0 || p.durationMillis() > MAX_MUTE_MILLIS) {
        return Decision.bad("userId (1..128 chars) and durationMs 0.." + MAX_MUTE_MILLIS + " (0 lifts a mute) are required");
      }
      return Decision.accept(new UserMuted(seq, p.userId(), p.durationMillis() == 0 ? 0 : nowMillis + p.durationMillis()));
    } else if (op instanceof AddDestination p) {
      return addDestination(state, p);
    } else if (op instanceof RemoveDestination p) {
      if (!state.destinations.containsKey(p.destinationId())) {
        return Decision.reject(Reason.UNKNOWN_DESTINATION, "no destination " + p.destinationId());
      }
      return Decision.accept(new DestinationRemoved(0, p.destinationId()));
    } else if (op instanceof SetAssistantMode p) {
      if (!"off".equals(p.mode()) && !"on".equals(p.mode()) && !"suggest".equals(p.mode())) {
        return Decision.bad("mode is off, on or suggest");
      }
      return Decision.accept(new AssistantModeSet(0, p.mode()));
    } else if (op instanceof SetPolicies p) {
      String wrong = FactsCheck.problem(p.policies());
      return wrong != null ? Decision.bad(wrong) : Decision.accept(new PoliciesSet(0, p.policies()));
    } else if (op instanceof Reply p) {
      return reply(state, p, seq, nowMillis);
    }
    return Decision.bad("unknown host operation");
  }

  /** A room restreams to at most this many platforms at once (each push is a copy of the stream). */
  static final int MAX_DESTINATIONS = 8;

  private static Decision addDestination(RoomState state, AddDestination p) {
    if (!Ids.valid(p.platform()) || (p.layer() != null && !Ids.valid(p.layer()))
        || (p.destinationId() != null && !Ids.valid(p.destinationId()))) {
      return Decision.bad("platform (and destinationId, layer when given) must be 1..64 of [A-Za-z0-9_-]");
    }
    if (!validSecret(p.chatSecret())) {
      return Decision.bad("chatSecret must be 16..256 printable ASCII characters (leave it out to get one made)");
    }
    if (p.replyUrl() != null && !validReplyUrl(p.replyUrl())) {
      return Decision.bad("replyUrl must be an http:// or https:// URL with a host (at most 2048 characters)");
    }
    try {
      RtmpUrl.parse(p.url(), p.streamKey());
    } catch (IllegalArgumentException e) {
      return Decision.bad(e.getMessage());
    }
    if (state.destinations.size() >= MAX_DESTINATIONS) {
      return Decision.reject(Reason.TOO_MANY_DESTINATIONS, "a room restreams to at most " + MAX_DESTINATIONS
          + " destinations; remove one first");
    }
    String id = p.destinationId();
    if (id != null && state.destinations.containsKey(id)) {
      return Decision.reject(Reason.DESTINATION_EXISTS, "destination " + id + " exists");
    }
    if (id == null) {
      id = p.platform();
      for (int n = 2; state.destinations.containsKey(id); n++) {
        id = p.platform() + "-" + n;
      }
    }
    return Decision.accept(new DestinationAdded(0, id, p.platform(), p.url().trim(), p.streamKey(), p.layer(),
        p.chatSecret(), p.replyUrl()));
  }

  /** A chat secret is 16..256 printable ASCII characters (the gateway makes one when the host gives none). */
  private static boolean validSecret(String secret) {
    return secret != null && secret.length() >= 16 && secret.length() <= 256
        && secret.chars().allMatch(c -> c > 32 && c < 127);
  }

  /** A reply URL is an absolute http or https URL with a host, at most 2048 characters. */
  static boolean validReplyUrl(String url) {
    if (url == null || url.length() > 2048) {
      return false;
    }
    try {
      java.net.URI uri = new java.net.URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static Decision reply(RoomState state, Reply p, long seq, long nowMillis) {
    if (blankOrLong(p.text(), 500)) {
      return Decision.bad("text must be 1..500 characters");
    }
    java.util.List<String> to = new java.util.ArrayList<>();
    if (p.destinationId() != null) {
      RoomState.Destination d = state.destinations.get(p.destinationId());
      if (d == null) {
        return Decision.reject(Reason.UNKNOWN_DESTINATION, "no destination " + p.destinationId());
      }
      if (d.replyUrl() == null) {
        return Decision.bad("destination " + p.destinationId() + " has no replyUrl: add it again with one");
      }
      to.add(d.destinationId());
    }
    if (p.inReplyToSeq() != 0) {
      RoomState.RecentComment answered = state.recentComments.stream()
          .filter(c -> c.seq() == p.inReplyToSeq()).findFirst().orElse(null);
      if (answered == null) {
        return Decision.bad("inReplyTo must be the seq of a comment in the recent chat");
      }
      if (p.destinationId() == null && answered.destinationId() != null) {
        RoomState.Destination d = state.destinations.get(answered.destinationId());
        if (d != null && d.replyUrl() != null) {
          to.add(d.destinationId());
        }
      }
    } else if (p.destinationId() == null) {
      state.destinations.values().stream().filter(d -> d.replyUrl() != null)
          .forEach(d -> to.add(d.destinationId()));
    }
    return Decision.accept(new HostReplied(seq, p.text(), p.inReplyToSeq(), java.util.List.copyOf(to), nowMillis));
  }

  private static boolean blankOrLong(String s, int max) {
    return s == null || s.isBlank() || s.length() > max;
  }
}
