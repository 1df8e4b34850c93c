package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the room for its state (through a healthy gateway, which asks the room's entity) every
 * {@code periodMs}, and records each answer and how long it took: the availability checker's
 * evidence of when the room refused or stalled. Probes start on time whether or not the earlier
 * ones have been answered, as independent clients' requests would: a probe waiting out its
 * timeout on a request lost with a killed node does not hide that the room answers again.
 */
final class Prober implements Runnable {

  private final String roomId;
  private final History history;
  private final Gateways gateways;
  private final HttpClient http;
  private final Random random;
  private final long periodMs;
  /** A probe not answered in this long is a failure (the checker already counts one over 1 s as a stall). */
  private static final long TIMEOUT_MS = 2000;
  /** At most this many probes wait at once (the timeout over the period, with room to spare). */
  private static final int MAX_IN_FLIGHT = 50;

  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean stopped;
  private final Thread thread = new Thread(this, "chaos-prober");

  Prober(String roomId, History history, Gateways gateways, HttpClient http, Random random, long periodMs) {
    this.roomId = roomId;
    this.history = history;
    this.gateways = gateways;
    this.http = http;
    this.random = random;
    this.periodMs = periodMs;
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    stopped = true;
    thread.join(5000);
    long until = System.currentTimeMillis() + TIMEOUT_MS + 1000;
    while (inFlight.get() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
  }

  /** The node the room runs on, as its state says ({@code host:port} of the node's Artery address), or null. */
  String roomHost() {
    var gw = gateways.any(random);
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.http() + "/api/rooms/" + roomId))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        String node = History.JSON.readTree(r.body()).path("node").asText();
        return node.substring(node.indexOf('@') + 1);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    return null;
  }

  @Override
  public void run() {
    long next = System.currentTimeMillis();
    while (!stopped) {
      if (inFlight.get() < MAX_IN_FLIGHT) {
        probe();
      }
      next += periodMs;
      long sleep = next - System.currentTimeMillis();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      } else {
        next = System.currentTimeMillis();
      }
    }
  }

  /** One probe, answered on the HTTP client's threads; the next starts on time whatever this one does. */
  private void probe() {
    long start = System.currentTimeMillis();
    var gw = gateways.any(random);
    inFlight.incrementAndGet();
    http.sendAsync(HttpRequest.newBuilder(URI.create(gw.http() + "/api/rooms/" + roomId))
        .timeout(Duration.ofMillis(TIMEOUT_MS)).build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete((r, e) -> {
          inFlight.decrementAndGet();
          long ms = System.currentTimeMillis() - start;
          boolean ok = r != null && r.statusCode() == 200;
          var rec = History.record("op").put("op", "probe").put("phase", ok ? "ok" : "fail").put("start", start)
              .put("ms", ms).put("gateway", gw.address());
          if (!ok) {
            rec.put("why", r != null ? "HTTP " + r.statusCode() : rootCause(e).getClass().getSimpleName());
          }
          history.add(rec);
        });
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }
}
