package io.shardcast.chaos.run;

import io.shardcast.chaos.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;

/**
 * Asks the room for its state (through a healthy gateway, which asks the room's entity) every
 * {@code periodMs}, one request at a time, and records each answer and how long it took: the
 * availability checker's evidence of when the room refused or stalled.
 */
final class Prober implements Runnable {

  private final String roomId;
  private final History history;
  private final Targets targets;
  private final HttpClient http;
  private final Random random;
  private final long periodMs;
  private volatile boolean stopped;
  private final Thread thread = new Thread(this, "chaos-prober");

  Prober(String roomId, History history, Targets targets, HttpClient http, Random random, long periodMs) {
    this.roomId = roomId;
    this.history = history;
    this.targets = targets;
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
  }

  /** The node the room runs on, as its state says ({@code host:port} of the node's Artery address), or null. */
  String roomHost() {
    var gw = targets.any(random);
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
    while (!stopped) {
      long start = System.currentTimeMillis();
      var gw = targets.any(random);
      String phase;
      String why = null;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.http() + "/api/rooms/" + roomId))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        phase = r.statusCode() == 200 ? "ok" : "fail";
        if (r.statusCode() != 200) {
          why = "HTTP " + r.statusCode();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        phase = "fail";
        why = e.getClass().getSimpleName();
      }
      long ms = System.currentTimeMillis() - start;
      var rec = History.record("op").put("op", "probe").put("phase", phase).put("start", start).put("ms", ms)
          .put("gateway", gw.address());
      if (why != null) {
        rec.put("why", why);
      }
      history.add(rec);
      long sleep = periodMs - ms;
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
