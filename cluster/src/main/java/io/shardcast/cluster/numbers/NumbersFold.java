package io.shardcast.cluster.numbers;

import io.shardcast.room.state.RoomEvent;
import io.shardcast.room.state.RoomEvent.*;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Folds a room's journaled events into its numbers per platform and minute, per product, its
 * buyers and its sales: what one batch of events adds, to be written in one transaction with the
 * stream's offset ({@link NumbersStore}). The room's own page counts as the platform
 * {@value #ROOM}. Pure apart from what it remembers between batches: each sale's product and price
 * (read back from the store when it was announced in an earlier run), the platforms' likes not yet in
 * a room tally, and when each platform last reported its audience.
 */
final class NumbersFold {

  /** The platform name of the room's own page (its own viewers, comments and orders). */
  static final String ROOM = "room";
  /** A platform audience report counts for the time since the previous one, at most this long. */
  static final long MAX_REPORT_GAP_MILLIS = 60_000;
  /** The time a first platform audience report counts for. */
  static final long FIRST_REPORT_MILLIS = 15_000;

  record Key(String roomId, String platform, long minute) {}

  /** What a batch adds to one platform-minute ({@code viewersPeak} is a maximum, the rest sums). */
  static final class Counts {
    long viewersPeak;
    long viewerSeconds;
    long joins;
    long comments;
    long likes;
    long gifts;
    long claims;
    long orders;
    long units;
    long revenueCents;
  }

  record ProductKey(String roomId, String platform, String productId) {}

  static final class ProductCounts {
    long orders;
    long units;
    long revenueCents;
  }

  record Buyer(String roomId, String platform, String userId) {}

  record Sale(String roomId, String saleId, String productId, long priceCents, long revealAtMillis) {}

  /** Finds a sale announced before this run (in the store), or null. */
  interface Sales {
    Sale find(String roomId, String saleId);
  }

  /** What a batch of events adds. */
  static final class Batch {
    final Map<Key, Counts> minutes = new LinkedHashMap<>();
    final Map<ProductKey, ProductCounts> products = new LinkedHashMap<>();
    final Set<Buyer> buyers = new LinkedHashSet<>();
    final Map<String, Sale> announced = new LinkedHashMap<>();
    /** Sales opened: room and sale id to the opening instant. */
    final Map<Sale, Long> opened = new LinkedHashMap<>();

    boolean isEmpty() {
      return minutes.isEmpty() && products.isEmpty() && buyers.isEmpty() && announced.isEmpty() && opened.isEmpty();
    }

    Counts at(String roomId, String platform, long atMillis) {
      return minutes.computeIfAbsent(new Key(roomId, platform, atMillis - Math.floorMod(atMillis, 60_000L)),
          k -> new Counts());
    }
  }

  private final Map<String, Sale> sales = new HashMap<>();
  private final Map<String, Long> pendingPlatformLikes = new HashMap<>();
  private final Map<String, Long> lastAudienceReport = new HashMap<>();

  /** Adds what {@code event} of room {@code roomId}, written at {@code atMillis}, counts for. */
  void add(Batch b, String roomId, long atMillis, RoomEvent event, Sales stored) {
    if (event instanceof AudienceSampled e) {
      Counts c = b.at(roomId, ROOM, atMillis);
      c.viewersPeak = Math.max(c.viewersPeak, e.viewers());
      c.viewerSeconds += e.viewers() * (io.shardcast.room.LiveRoom.AUDIENCE_SAMPLE.toMillis() / 1000);
      c.joins += e.joins();
    } else if (event instanceof PlatformAudience e) {
      Long last = lastAudienceReport.put(roomId + '\n' + e.destinationId(), e.atMillis());
      long gap = last == null ? FIRST_REPORT_MILLIS : Math.min(MAX_REPORT_GAP_MILLIS, Math.max(0, e.atMillis() - last));
      Counts c = b.at(roomId, e.platform(), atMillis);
      c.viewersPeak = Math.max(c.viewersPeak, e.viewers());
      c.viewerSeconds += e.viewers() * gap / 1000;
      c.joins += e.joins();
    } else if (event instanceof CommentPosted) {
      b.at(roomId, ROOM, atMillis).comments++;
    } else if (event instanceof PlatformCommentPosted e) {
      b.at(roomId, e.platform(), atMillis).comments++;
    } else if (event instanceof GiftSent e) {
      b.at(roomId, ROOM, atMillis).gifts += e.count();
    } else if (event instanceof PlatformGiftSent e) {
      b.at(roomId, e.platform(), atMillis).gifts += e.count();
    } else if (event instanceof PlatformLiked e) {
      b.at(roomId, e.platform(), atMillis).likes += e.count();
      pendingPlatformLikes.merge(roomId, e.count(), Long::sum);
    } else if (event instanceof LikesTallied e) {
      // The room's tally holds every platform's likes too: its own are what the platforms' are not.
      long platforms = pendingPlatformLikes.getOrDefault(roomId, 0L);
      long own = Math.max(0, e.delta() - platforms);
      pendingPlatformLikes.put(roomId, Math.max(0, platforms - e.delta()));
      if (own > 0) {
        b.at(roomId, ROOM, atMillis).likes += own;
      }
    } else if (event instanceof CouponClaimed) {
      b.at(roomId, ROOM, atMillis).claims++;
    } else if (event instanceof FlashSaleAnnounced e) {
      Sale sale = new Sale(roomId, e.saleId(), e.productId(), e.priceCents(), e.revealAtMillis());
      sales.put(roomId + '\n' + e.saleId(), sale);
      b.announced.put(roomId + '\n' + e.saleId(), sale);
    } else if (event instanceof FlashSaleOpened e) {
      Sale sale = sale(roomId, e.saleId(), stored);
      if (sale != null) {
        b.opened.put(sale, e.revealAtMillis());
      }
    } else if (event instanceof OrderConfirmed e) {
      Sale sale = sale(roomId, e.saleId(), stored);
      long price = sale == null ? 0 : sale.priceCents();
      order(b, roomId, ROOM, atMillis, e.userId(), sale == null ? "?" : sale.productId(), e.quantity(), price);
    } else if (event instanceof PlatformOrdered e) {
      order(b, roomId, e.platform(), atMillis, e.userId(), e.productId(), e.quantity(), Math.max(0, e.priceCents()));
    }
  }

  private static void order(Batch b, String roomId, String platform, long atMillis, String userId, String productId,
      int quantity, long priceCents) {
    Counts c = b.at(roomId, platform, atMillis);
    c.orders++;
    c.units += quantity;
    c.revenueCents += quantity * priceCents;
    ProductCounts p = b.products.computeIfAbsent(new ProductKey(roomId, platform, productId), k -> new ProductCounts());
    p.orders++;
    p.units += quantity;
    p.revenueCents += quantity * priceCents;
    b.buyers.add(new Buyer(roomId, platform, userId));
  }

  private Sale sale(String roomId, String saleId, Sales stored) {
    String key = roomId + '\n' + saleId;
    Sale sale = sales.get(key);
    if (sale == null) {
      sale = stored.find(roomId, saleId);
      if (sale != null) {
        if (sales.size() > 10_000) {
          sales.clear(); // a cache: the store has them all
        }
        sales.put(key, sale);
      }
    }
    return sale;
  }
}
