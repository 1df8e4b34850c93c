package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's flash sales during a run: one every {@link #EVERY_S} seconds, each announced with
 * retries; every sale that may exist goes to the history, and after the run its confirmed orders
 * are read, so the order checker judges each one.
 */
final class FlashSales {

  static final int EVERY_S = 12;
  static final int QUANTITY = 30;
  static final int LIMIT = 3;
  private static final String PRODUCT_ID = "p1";
  /** A sale opens this long after its announcement. */
  private static final long REVEAL_IN_MS = 1500;
  /** A fault meant for an open sale acts this long after an announcement: the sale has just opened. */
  private static final long OPEN_SALE_AT_MS = 2500;
  private static final int ANNOUNCE_ATTEMPTS = 3;
  /** How long the final orders of one sale are asked for before the sale is left out. */
  private static final long FINALS_TIMEOUT_MS = 60_000;
  private static final long FINALS_RETRY_MS = 500;

  private final HostClient host;
  private final History history;
  private final List<String> announced = new ArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();
  private volatile String current;
  private volatile long scheduleStartedAt;
  private ScheduledFuture<?> schedule;

  FlashSales(HostClient host, History history) {
    this.host = host;
    this.history = history;
  }

  /** Stocks the product every sale sells, plenty of it: a sale's own quantity is the limit that matters. */
  void stockProduct() throws Exception {
    host.addProduct(PRODUCT_ID, "Chaos bag", 9900, 1_000_000);
  }

  /** Announces a sale now and every {@link #EVERY_S} seconds on {@code timer}. */
  synchronized void start(ScheduledExecutorService timer) {
    scheduleStartedAt = System.currentTimeMillis();
    schedule = timer.scheduleAtFixedRate(this::announce, 0, EVERY_S, TimeUnit.SECONDS);
  }

  /** Announces no more sales; those announced stay, and buyers keep racing for the last. */
  synchronized void stop() {
    if (schedule != null) {
      schedule.cancel(false);
    }
  }

  /** The latest sale surely announced, or null before the first: what buyers race for. */
  String current() {
    return current;
  }

  /** Waits until a sale has just opened. */
  void awaitOpen() throws InterruptedException {
    long sinceAnnounce = (System.currentTimeMillis() - scheduleStartedAt) % (EVERY_S * 1000L);
    long wait = OPEN_SALE_AT_MS - sinceAnnounce;
    if (wait < 0) {
      wait += EVERY_S * 1000L;
    }
    Thread.sleep(wait);
  }

  private void announce() {
    String saleId = "s" + counter.incrementAndGet();
    long revealAt = System.currentTimeMillis() + REVEAL_IN_MS;
    boolean sure = false;
    boolean maybe = false;
    for (int attempt = 0; attempt < ANNOUNCE_ATTEMPTS && !sure; attempt++) {
      try {
        host.announceSale(saleId, PRODUCT_ID, QUANTITY, LIMIT, REVEAL_IN_MS);
        sure = true;
      } catch (UnexpectedStatus e) {
        // A retry of an announcement that did land is refused as a duplicate: it is there.
        sure = maybe && e.status == 409;
        if (!sure) {
          history.add(History.record("op").put("op", "host").put("phase", "fail").put("what", "announce " + saleId)
              .put("why", e.getMessage()));
          break;
        }
      } catch (Exception e) {
        maybe = true; // timed out or cut: it may or may not have landed
        history.add(History.record("op").put("op", "host").put("phase", "info").put("what", "announce " + saleId)
            .put("why", e.toString()));
      }
    }
    if (sure || maybe) {
      // A sale that may exist is judged too: its final list is read like any other.
      synchronized (announced) {
        announced.add(saleId);
      }
      history.add(History.record("sale").put("saleId", saleId).put("stock", QUANTITY).put("limit", LIMIT)
          .put("revealAt", revealAt).put("certain", sure));
    }
    if (sure) {
      current = saleId;
    }
  }

  /** Reads each announced sale's confirmed orders into the history (a sale never heard of has none). */
  void recordFinalOrders() throws InterruptedException {
    List<String> all;
    synchronized (announced) {
      all = new ArrayList<>(announced);
    }
    for (String saleId : all) {
      JsonNode orders = null;
      long until = System.currentTimeMillis() + FINALS_TIMEOUT_MS;
      while (orders == null && System.currentTimeMillis() < until) {
        try {
          RestClient.Response r = host.orders(saleId);
          if (r.status() == 200) {
            orders = r.body().path("orders");
          } else if (r.status() == 404 && r.body().path("code").asText().equals("UNKNOWN_SALE")) {
            orders = History.JSON.createArrayNode(); // an announcement that never landed: no orders
          }
        } catch (IOException e) {
          // try again
        }
        if (orders == null) {
          Thread.sleep(FINALS_RETRY_MS);
        }
      }
      if (orders != null) {
        var rec = History.record("final").put("saleId", saleId);
        rec.set("orders", orders);
        history.add(rec);
      }
    }
  }
}
