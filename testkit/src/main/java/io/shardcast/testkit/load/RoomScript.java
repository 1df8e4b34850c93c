package io.shardcast.testkit.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/** The host's and the buyers' side of a live room, driven over the REST API. */
public final class RoomScript {

  private final RestClient rest = new RestClient();
  private volatile String baseUrl;
  private String roomId;
  private String hostToken;

  public RoomScript(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Talks to another gateway from now on (the first one left the cluster). */
  public void useGateway(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public String roomId() {
    return roomId;
  }

  public String hostToken() {
    return hostToken;
  }

  public RestClient rest() {
    return rest;
  }

  /** A new, empty JSON object to fill and send. */
  public static ObjectNode body() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Creates a room. A cluster that has just started may take longer than the ask timeout to start
   * its first room (the first shard allocation and journal write on a busy machine): a 503
   * {@code TIMEOUT} is retried, as the API asks of its clients, up to five times.
   */
  public RoomScript create(String title) throws IOException, InterruptedException {
    RestClient.Response r = null;
    for (int attempt = 1; attempt <= 5; attempt++) {
      r = rest.post(baseUrl + "/api/rooms", null, JsonNodeFactory.instance.objectNode().put("title", title));
      if (r.status() != 503 || !"TIMEOUT".equals(r.body().path("code").asText())) {
        break;
      }
    }
    require(r, 201, "create room");
    roomId = r.body().get("roomId").asText();
    hostToken = r.body().get("hostToken").asText();
    return this;
  }

  /** A host operation ({@code products}, {@code flash-sales}, ...) with its body; 200 is required. */
  public JsonNode host(String op, ObjectNode body) throws IOException, InterruptedException {
    RestClient.Response r = rest.post(baseUrl + "/api/rooms/" + roomId + "/" + op, hostToken, body);
    require(r, 200, op);
    return r.body();
  }

  /**
   * Where a new viewer of this room should connect, as {@code GET /api/rooms/{id}/join} names it: the
   * node's viewer base, {@code ws://host:port}.
   */
  public String joinBase() {
    try {
      RestClient.Response r = rest.get(baseUrl + "/api/rooms/" + roomId + "/join");
      require(r, 200, "join");
      String ws = r.body().path("ws").asText();
      return ws.substring(0, ws.indexOf("/ws/rooms/"));
    } catch (IOException e) {
      throw new IllegalStateException("join placement failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted asking /join", e);
    }
  }

  public JsonNode snapshot() throws IOException, InterruptedException {
    RestClient.Response r = rest.get(baseUrl + "/api/rooms/" + roomId);
    require(r, 200, "snapshot");
    return r.body();
  }

  /** Every buyer's confirmed orders of a sale, read with the room's host token. */
  public JsonNode confirmedOrders(String saleId) throws IOException, InterruptedException {
    RestClient.Response r = rest.get(baseUrl + "/api/rooms/" + roomId + "/orders?saleId=" + saleId, hostToken);
    require(r, 200, "orders");
    return r.body();
  }

  /**
   * Results of a buying race: counts by result, transport failures, each order's ack time, and
   * when (ms after the start) the last confirmation came back: how long the stock lasted.
   */
  public record Race(Map<String, Long> results, long failures, long[] ackMillis, long lastConfirmedMillis,
      String firstFailure) {}

  /**
   * Sends {@code orders} orders from {@code users} distinct buyers, spread over the given gateways,
   * at most {@code concurrency} in flight. Order ids are unique per order.
   */
  public Race buy(List<String> gateways, String saleId, int orders, int users, int concurrency, String prefix)
      throws InterruptedException {
    Map<String, Long> results = new ConcurrentHashMap<>();
    AtomicLong failures = new AtomicLong();
    long[] ack = new long[orders];
    Semaphore inFlight = new Semaphore(concurrency);
    long raceStart = System.nanoTime();
    AtomicLong lastConfirmed = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
    CompletableFuture<?>[] all = new CompletableFuture<?>[orders];
    for (int i = 0; i < orders; i++) {
      inFlight.acquire();
      int n = i;
      String gw = gateways.get(i % gateways.size());
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("orderId", prefix + "-" + i)
          .put("userId", "buyer-" + (i % users)).put("saleId", saleId).put("quantity", 1);
      long start = System.nanoTime();
      all[i] = rest.postAsync(gw + "/api/rooms/" + roomId + "/orders", body).whenComplete((r, t) -> {
        inFlight.release();
        ack[n] = (System.nanoTime() - start) / 1_000_000;
        if (t != null || r.status() != 200) {
          failures.incrementAndGet();
          firstFailure.compareAndSet(null, gw + ": " + (t != null ? t.toString() : "HTTP " + r.status() + " " + r.body()));
        } else {
          String result = r.body().path("result").asText("?");
          results.merge(result, 1L, Long::sum);
          if (result.equals("CONFIRMED")) {
            lastConfirmed.accumulateAndGet((System.nanoTime() - raceStart) / 1_000_000, Math::max);
          }
        }
      });
    }
    CompletableFuture.allOf(all).exceptionally(t -> null).join();
    return new Race(results, failures.get(), ack, lastConfirmed.get(), firstFailure.get());
  }

  private static void require(RestClient.Response r, int status, String what) {
    if (r.status() != status) {
      throw new IllegalStateException(what + " failed: HTTP " + r.status() + " " + r.body());
    }
  }
}
