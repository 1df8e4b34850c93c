package io.shardcast.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Helpers for tests that run real nodes in this JVM and talk to them over loopback. */
final class TestNodes {

  static final ObjectMapper JSON = new ObjectMapper();
  /** The ops token of every node these tests start (unless a test gives its own). */
  static final String OPS = "test-ops-token";
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** How often {@link #await} looks again: short next to its timeouts, long enough not to load the node. */
  private static final long POLL_MILLIS = 50;

  private TestNodes() {}

  /** Something a test waits for: it holds, or not yet. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns as soon as {@code condition} holds; fails with "not within <timeout>: {@code what}"
   * if it still does not after {@code timeout}. For what happens asynchronously (an event
   * reaching a viewer, a counter published); never a fixed sleep.
   */
  static void await(String what, Duration timeout, Condition condition) throws Exception {
    awaitValue(what, timeout, () -> condition.holds() ? Boolean.TRUE : null);
  }

  /** The first non-null value {@code probe} returns, polled as {@link #await} does. */
  static <T> T awaitValue(String what, Duration timeout, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.call();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** A single-node cluster (it seeds itself) with its journal in {@code dataDir} unless {@code extra} says otherwise. */
  static ShardcastNode.Running start(Path dataDir, Map<String, Object> extra) throws IOException {
    int remote;
    int management;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) { // two distinct ports
      remote = a.getLocalPort();
      management = b.getLocalPort();
    }
    Config c = ConfigFactory.parseMap(extra)
        .withFallback(ConfigFactory.parseMap(Map.of(
            "shardcast.gateway.port", 0,
            "shardcast.data-dir", dataDir.toString(),
            "pekko.remote.artery.canonical.port", remote,
            "pekko.management.http.port", management,
            "pekko.cluster.seed-nodes", java.util.List.of("pekko://shardcast@127.0.0.1:" + remote),
            "pekko.coordinated-shutdown.exit-jvm", "off",
            "shardcast.ops.token", OPS,
            "shardcast.media.enabled", "off")));
    return ShardcastNode.start(c);
  }

  record Http(int status, JsonNode body) {}

  static Http get(String url) throws Exception {
    return get(url, null);
  }

  /** A GET with {@code Authorization: Bearer <token>} (an ops or host token; none when null). */
  static Http get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Http(r.statusCode(), JSON.readTree(r.body()));
  }

  static Http post(String url, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Http(r.statusCode(), JSON.readTree(r.body()));
  }

  /**
   * Creates a room ({@code POST /api/rooms} with {@code json}) and returns the 201 answer. A node
   * just started may take longer than its ask timeout to start its first room (sharding's first
   * allocation, the journal's first write; more so on a busy machine): a 503 TIMEOUT is retried, as
   * the API asks its clients to. Any other answer fails the test.
   */
  static Http createRoom(String base, String json) throws Exception {
    return awaitValue("a room created; the node answered 503 TIMEOUT throughout", Duration.ofSeconds(60), () -> {
      Http r = post(base + "/api/rooms", null, json);
      if (r.status() == 503 && "TIMEOUT".equals(r.body().path("code").asText())) {
        return null;
      }
      if (r.status() != 201) {
        throw new AssertionError("creating a room: " + r.status() + " " + r.body());
      }
      return r;
    });
  }

  /** A real WebSocket viewer that queues every frame it receives. */
  static final class WsViewer implements WebSocket.Listener {
    final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    volatile WebSocket ws;
    volatile boolean closed;

    static WsViewer connect(String url) throws Exception {
      WsViewer v = new WsViewer();
      v.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), v).get(10, TimeUnit.SECONDS);
      return v;
    }

    void send(String text) throws Exception {
      ws.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** The next frame, waiting up to 10 s; fails the test on a timeout. */
    JsonNode next() throws InterruptedException {
      JsonNode n = frames.poll(10, TimeUnit.SECONDS);
      if (n == null) {
        throw new AssertionError("no frame within 10 s");
      }
      return n;
    }

    /** The next frame of the given type, skipping others. */
    JsonNode next(String type) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode n = frames.poll(100, TimeUnit.MILLISECONDS);
        if (n != null && type.equals(n.path("type").asText())) {
          return n;
        }
      }
      throw new AssertionError("no '" + type + "' frame within 10 s");
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(partial.toString());
          if (msg.isArray()) {
            msg.forEach(frames::add); // a batch of events, in seq order
          } else {
            frames.add(msg);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
    }
  }
}
