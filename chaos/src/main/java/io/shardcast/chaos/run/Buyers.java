package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.history.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Buyers racing for the current flash sale, one order in flight each, as real shop clients: an
 * order id of their own that they repeat after a timeout, a lost connection or a 5xx (the order
 * may or may not have been taken: the outcome is unknown), and a new id once they have an
 * answer. Every attempt goes to the history: invoke, then ok (with the result), fail (a definite
 * refusal, 4xx) or info (outcome unknown).
 */
final class Buyers {

  /** Attempts of one order id before the buyer gives up (its outcome stays unknown). */
  static final int MAX_ATTEMPTS = 6;

  private final int count;
  private final String roomId;
  private final History history;
  private final Gateways gateways;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Random random;
  private final Supplier<String> currentSale;
  private final long pauseMs;
  private volatile boolean stopped;
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

  Buyers(int count, String roomId, History history, Gateways gateways, HttpClient http, ScheduledExecutorService timer,
      Random random, Supplier<String> currentSale, long pauseMs) {
    this.count = count;
    this.roomId = roomId;
    this.history = history;
    this.gateways = gateways;
    this.http = http;
    this.timer = timer;
    this.random = random;
    this.currentSale = currentSale;
    this.pauseMs = pauseMs;
  }

  void start() {
    for (int b = 0; b < count; b++) {
      int buyer = b;
      timer.schedule(() -> next(buyer, 0, null, null, 0), random(pauseMs), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops placing new orders; orders whose outcome is unknown are still retried until answered or given up. */
  void stop() {
    stopped = true;
  }

  /** Buyers with an order still in flight or waiting for a retry. */
  int busy() {
    return inFlight.get();
  }

  private long random(long bound) {
    synchronized (random) {
      return random.nextLong(bound) + 1;
    }
  }

  /**
   * Places order {@code n} of buyer {@code buyer}: a new one when {@code orderId} is null, else
   * attempt {@code attempt} of the given one.
   */
  private void next(int buyer, int n, String orderId, String saleId, int attempt) {
    if (orderId == null) {
      String sale = currentSale.get();
      if (stopped || sale == null) {
        if (!stopped) {
          timer.schedule(() -> next(buyer, n, null, null, 0), pauseMs, TimeUnit.MILLISECONDS);
        }
        return;
      }
      orderId = "b" + buyer + "-" + n;
      saleId = sale;
      attempt = 1;
      inFlight.incrementAndGet();
    }
    String id = orderId;
    String sale = saleId;
    int tries = attempt;
    String user = "buyer-" + buyer;
    var gw = gateways.any(random);
    String body = History.JSON.createObjectNode().put("orderId", id).put("userId", user).put("saleId", sale)
        .put("quantity", 1).toString();
    long start = System.currentTimeMillis();
    history.add(History.record("op").put("op", "order").put("phase", "invoke").put("orderId", id)
        .put("userId", user).put("saleId", sale).put("attempt", tries).put("gateway", gw.address()));
    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.http() + "/api/rooms/" + roomId + "/orders"))
        .timeout(Duration.ofSeconds(3)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
      long ms = System.currentTimeMillis() - start;
      var rec = History.record("op").put("op", "order").put("orderId", id).put("userId", user).put("saleId", sale)
          .put("attempt", tries).put("ms", ms).put("gateway", gw.address());
      boolean answered;
      if (t == null && r.statusCode() == 200) {
        rec.put("phase", "ok").put("result", field(r.body(), "result"));
        answered = true;
      } else if (t == null && r.statusCode() >= 400 && r.statusCode() < 500) {
        rec.put("phase", "fail").put("status", r.statusCode()).put("code", field(r.body(), "code"));
        answered = true;
      } else {
        rec.put("phase", "info").put("why", t != null ? t.getClass().getSimpleName() + ": " + t.getMessage()
            : "HTTP " + r.statusCode() + " " + field(r.body(), "code"));
        answered = false;
      }
      history.add(rec);
      if (answered || tries >= MAX_ATTEMPTS) {
        inFlight.decrementAndGet();
        timer.schedule(() -> next(buyer, n + 1, null, null, 0), pauseMs, TimeUnit.MILLISECONDS);
      } else {
        timer.schedule(() -> next(buyer, n, id, sale, tries + 1), 200L * tries, TimeUnit.MILLISECONDS);
      }
    });
  }

  private static String field(String body, String name) {
    try {
      JsonNode n = History.JSON.readTree(body);
      return n.path(name).asText("");
    } catch (Exception e) {
      return "";
    }
  }
}
