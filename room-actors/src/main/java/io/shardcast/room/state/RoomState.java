package io.shardcast.room.state;

import io.shardcast.room.state.RoomEvent.*;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The state of one room, rebuilt from its events. Mutable and owned by the room actor alone; the
 * journal's snapshots get a deep copy ({@link #copy()}) taken on the actor's thread.
 */
public final class RoomState implements CborSerializable {

  public boolean created;
  public String title = "";
  public String hostTokenHash = "";
  /** Last sequence number given to a viewer-visible event. */
  public long seq;
  public LinkedHashMap<String, Product> products = new LinkedHashMap<>();
  public String pinnedProductId;
  public LinkedHashMap<String, Coupon> coupons = new LinkedHashMap<>();
  public LinkedHashMap<String, LuckyBag> bags = new LinkedHashMap<>();
  public LinkedHashMap<String, FlashSale> sales = new LinkedHashMap<>();
  public long likes;
  public String camera = "main";
  /** The room's assistant: {@code off} (the default), {@code on} or {@code suggest}. */
  public String assistantMode = "off";
  /** The shop's policies as the host wrote them. */
  public Policies policies = Policies.NONE;
  /** Between a {@link ShowStarted} and its {@link ShowEnded}. */
  public boolean onAir;
  public ArrayList<String> cohosts = new ArrayList<>();
  public ArrayDeque<RecentComment> recentComments = new ArrayDeque<>();
  /** Users the host muted, with when the mute ends (epoch ms). */
  public LinkedHashMap<String, Long> mutedUntil = new LinkedHashMap<>();
  /** Where the room is restreamed, by destination id. */
  public LinkedHashMap<String, Destination> destinations = new LinkedHashMap<>();

  /**
   * Platform events already taken in ({@code destinationId + '\n' + eventId}, with when), for
   * {@link #PLATFORM_EVENT_MEMORY_MILLIS}: a relay's retry or a replayed request adds nothing.
   */
  public LinkedHashMap<String, Long> platformEvents = new LinkedHashMap<>();

  /**
   * How long a platform event's id is remembered: longer than a signed request is accepted (5
   * minutes either side of its timestamp), so a replay within its window is always recognised.
   */
  public static final long PLATFORM_EVENT_MEMORY_MILLIS = 11 * 60_000;
  /** At most this many ids are remembered (about 150 platform events a second over the memory). */
  public static final int PLATFORM_EVENT_MEMORY = 100_000;

  /**
   * A platform the room is restreamed to; its stream key and chat secret are secrets the room never
   * shows. {@code chatSecret} null: the platform's chat is not relayed; {@code replyUrl} null: the
   * host's replies are not sent to it.
   */
  public record Destination(String destinationId, String platform, String url, String streamKey, String layer,
      String chatSecret, String replyUrl) {}

  /**
   * A comment shown in the chat, as a joining viewer and the host console see it: a viewer's
   * ({@code platform} null), a platform's (with its user's name, the destination and the relay's event
   * id), or the host's reply ({@code host}).
   */
  public record RecentComment(long seq, String userId, String userName, String platform, String destinationId,
      String eventId, String text, boolean host, boolean assistant) {
    public RecentComment(long seq, String userId, String userName, String platform, String destinationId,
        String eventId, String text, boolean host) {
      this(seq, userId, userName, platform, destinationId, eventId, text, host, false);
    }
  }

  /** Whether the platform event is already in the room. */
  public boolean seenPlatformEvent(String destinationId, String eventId) {
    return platformEvents.containsKey(destinationId + '\n' + eventId);
  }

  /** A platform user's id in the room (for mutes): {@code platform:userId}. */
  public static String platformUser(String platform, String userId) {
    return platform + ':' + userId;
  }

  /** A product on sale in the room. */
  public static final class Product {
    public String productId;
    public String name;
    public long priceCents;
    public int stock;
    /** Its attributes, variants and FAQ (none for a product put without). */
    public ProductFacts facts = ProductFacts.NONE;
  }

  /** A coupon: a limited count, one claim per user. */
  public static final class Coupon {
    public String couponId;
    public String productId;
    public long discountCents;
    public int count;
    public LinkedHashSet<String> claimedBy = new LinkedHashSet<>();

    public int remaining() {
      return count - claimedBy.size();
    }
  }

  /** A lucky-bag draw among users who commented the keyword before {@code endsAtMillis}. */
  public static final class LuckyBag {
    public String bagId;
    public String keyword;
    public long endsAtMillis;
    public int winners;
    public String prize;
    public LinkedHashSet<String> entrants = new LinkedHashSet<>();
    public List<String> drawnWinners;
    public String seedHex;
  }

  /** A flash sale and the orders it confirmed. */
  public static final class FlashSale {
    public String saleId;
    public String productId;
    public int quantity;
    public int perUserLimit;
    public long priceCents;
    public long revealAtMillis;
    public boolean openPublished;
    public int sold;
    public LinkedHashMap<String, OrderConfirmed> orders = new LinkedHashMap<>();
    public HashMap<String, Integer> boughtByUser = new HashMap<>();

    public int remaining() {
      return quantity - sold;
    }
  }

  private void recent(RecentComment c, int limit) {
    recentComments.addLast(c);
    while (recentComments.size() > limit) {
      recentComments.removeFirst();
    }
  }

  /** Remembers a platform event's id, forgetting those older than the memory (by the events' own times). */
  private void rememberPlatformEvent(String destinationId, String eventId, long atMillis) {
    platformEvents.put(destinationId + '\n' + eventId, atMillis);
    var oldest = platformEvents.entrySet().iterator();
    while (oldest.hasNext()) {
      var e = oldest.next();
      if (platformEvents.size() <= PLATFORM_EVENT_MEMORY && e.getValue() >= atMillis - PLATFORM_EVENT_MEMORY_MILLIS) {
        break;
      }
      oldest.remove();
    }
  }

  /** Applies one journaled event. Pure state change: no I/O, no time, no randomness. */
  public void apply(RoomEvent event, int recentCommentLimit) {
    if (event.seq() > seq) {
      seq = event.seq();
    }
    if (event instanceof RoomCreated e) {
      created = true;
      title = e.title();
      hostTokenHash = e.hostTokenHash();
    } else if (event instanceof ProductAdded e) {
      Product p = products.computeIfAbsent(e.productId(), k -> new Product());
      p.productId = e.productId();
      p.name = e.name();
      p.priceCents = e.priceCents();
      p.stock = e.stock();
      p.facts = e.facts() == null ? ProductFacts.NONE : e.facts();
    } else if (event instanceof AssistantModeSet e) {
      assistantMode = e.mode();
    } else if (event instanceof AssistantAnswered e) {
      recent(new RecentComment(e.seq(), "assistant", null, null, null, null, e.text(), false, true), recentCommentLimit);
    } else if (event instanceof PoliciesSet e) {
      policies = e.policies() == null ? Policies.NONE : e.policies();
    } else if (event instanceof ProductPinned e) {
      pinnedProductId = e.productId();
    } else if (event instanceof CouponIssued e) {
      Coupon c = new Coupon();
      c.couponId = e.couponId();
      c.productId = e.productId();
      c.discountCents = e.discountCents();
      c.count = e.count();
      coupons.put(e.couponId(), c);
    } else if (event instanceof CouponClaimed e) {
      coupons.get(e.couponId()).claimedBy.add(e.userId());
    } else if (event instanceof LuckyBagStarted e) {
      LuckyBag b = new LuckyBag();
      b.bagId = e.bagId();
      b.keyword = e.keyword();
      b.endsAtMillis = e.endsAtMillis();
      b.winners = e.winners();
      b.prize = e.prize();
      bags.put(e.bagId(), b);
    } else if (event instanceof LuckyBagDrawn e) {
      LuckyBag b = bags.get(e.bagId());
      b.drawnWinners = List.copyOf(e.winners());
      b.seedHex = e.seedHex();
    } else if (event instanceof FlashSaleAnnounced e) {
      FlashSale s = new FlashSale();
      s.saleId = e.saleId();
      s.productId = e.productId();
      s.quantity = e.quantity();
      s.perUserLimit = e.perUserLimit();
      s.priceCents = e.priceCents();
      s.revealAtMillis = e.revealAtMillis();
      sales.put(e.saleId(), s);
    } else if (event instanceof FlashSaleOpened e) {
      sales.get(e.saleId()).openPublished = true;
    } else if (event instanceof OrderConfirmed e) {
      FlashSale s = sales.get(e.saleId());
      s.orders.put(e.orderId(), e);
      s.sold += e.quantity();
      s.boughtByUser.merge(e.userId(), e.quantity(), Integer::sum);
    } else if (event instanceof CommentPosted e) {
      if (e.seq() > 0) { // comments over the broadcast rate (seq 0) were never shown
        recent(new RecentComment(e.seq(), e.userId(), null, null, null, null, e.text(), false), recentCommentLimit);
      }
      for (LuckyBag b : bags.values()) {
        if (b.drawnWinners == null && e.atMillis() <= b.endsAtMillis && e.text().contains(b.keyword)) {
          b.entrants.add(e.userId());
        }
      }
    } else if (event instanceof LikesTallied e) {
      likes = e.total();
    } else if (event instanceof CameraSwitched e) {
      camera = e.camera();
    } else if (event instanceof CommentRemoved e) {
      recentComments.removeIf(c -> c.seq() == e.commentSeq());
    } else if (event instanceof UserMuted e) {
      if (e.untilMillis() > 0) {
        mutedUntil.put(e.userId(), e.untilMillis());
      } else {
        mutedUntil.remove(e.userId());
      }
    } else if (event instanceof PlatformCommentPosted e) {
      rememberPlatformEvent(e.destinationId(), e.eventId(), e.atMillis());
      if (e.seq() > 0) {
        recent(new RecentComment(e.seq(), platformUser(e.platform(), e.userId()), e.userName(), e.platform(),
            e.destinationId(), e.eventId(),
            e.text(), false), recentCommentLimit);
      }
    } else if (event instanceof PlatformGiftSent e) {
      rememberPlatformEvent(e.destinationId(), e.eventId(), e.atMillis());
    } else if (event instanceof PlatformLiked e) {
      rememberPlatformEvent(e.destinationId(), e.eventId(), e.atMillis());
    } else if (event instanceof PlatformAudience e) {
      rememberPlatformEvent(e.destinationId(), e.eventId(), e.atMillis());
    } else if (event instanceof PlatformOrdered e) {
      rememberPlatformEvent(e.destinationId(), e.eventId(), e.atMillis());
    } else if (event instanceof ShowStarted) {
      onAir = true;
    } else if (event instanceof ShowEnded) {
      onAir = false;
    } else if (event instanceof HostReplied e) {
      recent(new RecentComment(e.seq(), "host", null, null, null, null, e.text(), true), recentCommentLimit);
    } else if (event instanceof DestinationAdded e) {
      destinations.put(e.destinationId(), new Destination(e.destinationId(), e.platform(), e.url(), e.streamKey(),
          e.layer(), e.chatSecret(), e.replyUrl()));
    } else if (event instanceof DestinationRemoved e) {
      destinations.remove(e.destinationId());
    } else if (event instanceof CohostAdded e) {
      if (!cohosts.contains(e.userId())) {
        cohosts.add(e.userId());
      }
    }
  }

  /** Whether {@code userId}'s comments are held back at {@code nowMillis}. */
  public boolean muted(String userId, long nowMillis) {
    Long until = mutedUntil.get(userId);
    return until != null && until > nowMillis;
  }

  /** A deep copy, safe to hand to the snapshot store while this state keeps changing. */
  public RoomState copy() {
    RoomState c = new RoomState();
    c.created = created;
    c.title = title;
    c.hostTokenHash = hostTokenHash;
    c.seq = seq;
    products.forEach((k, p) -> {
      Product q = new Product();
      q.productId = p.productId;
      q.name = p.name;
      q.priceCents = p.priceCents;
      q.stock = p.stock;
      q.facts = p.facts;
      c.products.put(k, q);
    });
    c.pinnedProductId = pinnedProductId;
    coupons.forEach((k, p) -> {
      Coupon q = new Coupon();
      q.couponId = p.couponId;
      q.productId = p.productId;
      q.discountCents = p.discountCents;
      q.count = p.count;
      q.claimedBy = new LinkedHashSet<>(p.claimedBy);
      c.coupons.put(k, q);
    });
    bags.forEach((k, b) -> {
      LuckyBag q = new LuckyBag();
      q.bagId = b.bagId;
      q.keyword = b.keyword;
      q.endsAtMillis = b.endsAtMillis;
      q.winners = b.winners;
      q.prize = b.prize;
      q.entrants = new LinkedHashSet<>(b.entrants);
      q.drawnWinners = b.drawnWinners;
      q.seedHex = b.seedHex;
      c.bags.put(k, q);
    });
    sales.forEach((k, s) -> {
      FlashSale q = new FlashSale();
      q.saleId = s.saleId;
      q.productId = s.productId;
      q.quantity = s.quantity;
      q.perUserLimit = s.perUserLimit;
      q.priceCents = s.priceCents;
      q.revealAtMillis = s.revealAtMillis;
      q.openPublished = s.openPublished;
      q.sold = s.sold;
      q.orders = new LinkedHashMap<>(s.orders);
      q.boughtByUser = new HashMap<>(s.boughtByUser);
      c.sales.put(k, q);
    });
    c.likes = likes;
    c.camera = camera;
    c.policies = policies;
    c.assistantMode = assistantMode;
    c.onAir = onAir;
    c.cohosts = new ArrayList<>(cohosts);
    c.recentComments = new ArrayDeque<>(recentComments);
    c.mutedUntil = new LinkedHashMap<>(mutedUntil);
    c.destinations = new LinkedHashMap<>(destinations);
    c.platformEvents = new LinkedHashMap<>(platformEvents);
    return c;
  }
}
