package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.load.LeanViewers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A viewer as a real client behaves: asks {@code /join} where to connect, records every event it
 * receives, follows reconnect hints, and after any lost connection (or one silent for
 * {@link #SILENT_MS}) connects again with {@code since=<last seq>}. Comments and likes now and then.
 */
final class RecordingViewer implements WebSocket.Listener {

  /** A connection with no frame for this long is taken for dead, as a client's heartbeat check would. */
  static final long SILENT_MS = 6000;

  private final String id;
  private final String roomId;
  private final History history;
  private final Gateways gateways;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Random random;
  private final StringBuilder partial = new StringBuilder();
  private volatile WebSocket socket;
  private volatile boolean stopped;
  private volatile long lastSeq = -1;
  private volatile long lastFrameAt;
  private volatile String moveTo;
  private volatile int conn;
  private volatile boolean connecting;
  private volatile String connNode;
  private volatile long connSince;

  RecordingViewer(String id, String roomId, History history, Gateways gateways, HttpClient http,
      ScheduledExecutorService timer, Random random) {
    this.id = id;
    this.roomId = roomId;
    this.history = history;
    this.gateways = gateways;
    this.http = http;
    this.timer = timer;
    this.random = random;
  }

  void start() {
    connect();
  }

  private synchronized void connect() {
    if (stopped || connecting) {
      return;
    }
    connecting = true;
    String url = moveTo;
    moveTo = null;
    String node;
    try {
      if (url == null) {
        url = placement();
      } else if (lastSeq >= 0) {
        url = url.replaceAll("([?&])since=\\d+", "$1since=" + lastSeq);
      }
      node = URI.create(url).getAuthority();
    } catch (RuntimeException e) {
      connecting = false;
      refused("no placement: " + e.getMessage());
      return;
    }
    conn++;
    connNode = node;
    connSince = lastSeq;
    String target = url;
    http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3)).buildAsync(URI.create(url), this)
        .whenComplete((ws, t) -> {
          connecting = false;
          if (t != null) {
            refused(target + ": " + rootMessage(t));
          } else if (stopped) {
            ws.abort();
          }
        });
  }

  /** {@code /join} from a healthy gateway, or a healthy node's viewer port when placement does not answer. */
  private String placement() {
    var gw = gateways.any(random);
    String ws = null;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.http() + "/api/rooms/" + roomId
          + "/join")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode b = History.JSON.readTree(r.body());
        String w = b.path("ws").asText();
        ws = w.substring(0, w.indexOf("/ws/rooms/"));
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    if (ws == null) {
      ws = gw.ws();
    }
    return LeanViewers.viewerUrl(ws, roomId, id, lastSeq);
  }

  private void refused(String why) {
    history.add(History.record("conn").put("viewer", id).put("phase", "refused").put("why", why));
    retry(500 + (random.nextInt(500)));
  }

  private void retry(long delayMs) {
    if (!stopped) {
      timer.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Called every second: comments now and then, and drops a connection that has gone silent. */
  void tick() {
    WebSocket ws = socket;
    if (ws == null || stopped) {
      return;
    }
    if (System.currentTimeMillis() - lastFrameAt > SILENT_MS) {
      closed(ws, "silent for " + SILENT_MS + " ms");
      ws.abort();
      return;
    }
    int dice;
    synchronized (random) {
      dice = random.nextInt(10);
    }
    if (dice >= 6) {
      return;
    }
    String op = dice < 3 ? "comment" : "like";
    ObjectNode msg = History.JSON.createObjectNode().put("type", op);
    if (dice < 3) {
      msg.put("text", id + " at " + System.currentTimeMillis());
    } else {
      msg.put("count", 1);
    }
    long start = System.currentTimeMillis();
    history.add(History.record("op").put("op", op).put("phase", "invoke").put("viewer", id));
    synchronized (this) {
      // Fire and forget, as the protocol has it: complete once the frame is on the socket.
      ws.sendText(msg.toString(), true).whenComplete((w, t) -> history.add(History.record("op").put("op", op)
          .put("phase", t == null ? "ok" : "fail").put("viewer", id).put("ms", System.currentTimeMillis() - start)));
    }
  }

  void stop() {
    stopped = true;
    WebSocket ws = socket;
    socket = null;
    if (ws != null) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
      timer.schedule(ws::abort, 2, TimeUnit.SECONDS);
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    // Before any other callback of this connection, so its close is never missed.
    socket = webSocket;
    lastFrameAt = System.currentTimeMillis();
    ObjectNode r = History.record("conn").put("viewer", id).put("phase", "open").put("conn", conn)
        .put("since", connSince).put("node", connNode);
    history.add(r);
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    lastFrameAt = System.currentTimeMillis();
    partial.append(data);
    if (last) {
      String msg = partial.toString();
      partial.setLength(0);
      try {
        JsonNode n = History.JSON.readTree(msg);
        if (n.isArray()) {
          for (JsonNode e : n) {
            onEvent(e);
          }
        } else {
          onEvent(n);
        }
      } catch (Exception e) {
        history.add(History.record("conn").put("viewer", id).put("phase", "garbled").put("why", e.toString()));
      }
    }
    webSocket.request(1);
    return null;
  }

  private void onEvent(JsonNode e) {
    String type = e.path("type").asText();
    long seq = e.path("seq").asLong(0);
    if (type.equals("snapshot")) {
      history.add(History.record("snapshot").put("viewer", id).put("seq", seq));
      lastSeq = Math.max(lastSeq, seq);
    } else if (type.equals("reconnect")) {
      moveTo = e.path("ws").asText(null);
    } else if (seq > 0) {
      history.add(History.record("recv").put("viewer", id).put("seq", seq).put("type", type)
          .put("h", History.hash(e.toString())));
      lastSeq = Math.max(lastSeq, seq);
    }
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    lastFrameAt = System.currentTimeMillis();
    return WebSocket.Listener.super.onPing(webSocket, message);
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed(webSocket, statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed(webSocket, rootMessage(error));
  }

  private void closed(WebSocket ws, String why) {
    synchronized (this) {
      if (socket != ws) {
        return; // already handled, or an old connection's late news
      }
      socket = null;
    }
    partial.setLength(0);
    history.add(History.record("conn").put("viewer", id).put("phase", "closed").put("why", why));
    retry(moveTo != null ? 0 : 300);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}
