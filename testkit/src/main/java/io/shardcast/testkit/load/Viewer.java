package io.shardcast.testkit.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A simulated viewer: one real WebSocket to a node's gateway. It checks what a viewer would
 * notice (events out of order or repeated), measures comment latency from the timestamp the
 * commenter put in the text, and remembers when the sale opened for it.
 */
public final class Viewer implements WebSocket.Listener {

  /** Frames are read as JSON trees, so no field's place in the object matters. */
  private static final ObjectReader READER = new ObjectMapper().reader();
  /** What {@link #comment} puts before the send time in a comment's text. */
  private static final String STAMP = " t=";

  private final String user;
  private final LatencyRecorder commentLatency;
  private final boolean keepFrames;
  private final StringBuilder partial = new StringBuilder();
  private final List<String> frames = Collections.synchronizedList(new ArrayList<>());
  private volatile WebSocket socket;
  private volatile long lastSeq = -1;
  private volatile long received;
  private volatile long outOfOrder;
  private volatile long errors;
  private volatile long saleOpenAtMillis;
  private volatile String lastError;
  private volatile boolean closed;
  private volatile long sequenced;
  private volatile HttpClient client;
  private volatile String roomId;
  /** Set by a reconnect hint: where to resume once the server closes (null: nowhere). */
  private volatile String moveTo;
  private volatile long moves;
  private volatile long unsent;

  public Viewer(String user, LatencyRecorder commentLatency, boolean keepFrames) {
    this.user = user;
    this.commentLatency = commentLatency;
    this.keepFrames = keepFrames;
  }

  public String user() {
    return user;
  }

  /** Connects to {@code wsBase}/ws/rooms/{room}; resumes after {@code since} when >= 0. */
  public CompletableFuture<Viewer> connect(HttpClient client, String wsBase, String roomId, long since) {
    return open(client, URI.create(LeanViewers.viewerUrl(wsBase, roomId, user, since)), roomId);
  }

  private CompletableFuture<Viewer> open(HttpClient client, URI uri, String roomId) {
    this.client = client;
    this.roomId = roomId;
    return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
        .buildAsync(uri, this)
        .thenApply(ws -> {
          socket = ws;
          closed = false; // open only once the new socket is
          return this;
        });
  }

  /** Sends a message; one sent while the server is closing this connection (a move) is lost, as a real client's would be. */
  public void send(String json) {
    WebSocket ws = socket;
    if (ws != null && !closed) {
      synchronized (this) {
        try {
          ws.sendText(json, true).join();
        } catch (java.util.concurrent.CompletionException e) {
          unsent++;
        }
      }
    }
  }

  /** Messages that could not be sent because the connection was closing. */
  public long unsent() {
    return unsent;
  }

  /** Likes the room {@code count} times in one message. */
  public void like(int count) {
    send(JsonNodeFactory.instance.objectNode().put("type", "like").put("count", count).toString());
  }

  /** Comments {@code text}, stamped with the send time so receivers can measure its latency. */
  public void comment(String text) {
    send(JsonNodeFactory.instance.objectNode().put("type", "comment")
        .put("text", text + STAMP + System.currentTimeMillis()).toString());
  }

  /** Comments {@code text} as it is, with no send time (its latency is not measured). */
  public void commentAsWritten(String text) {
    send(JsonNodeFactory.instance.objectNode().put("type", "comment").put("text", text).toString());
  }

  public void close() {
    WebSocket ws = socket;
    if (ws != null && !closed) {
      closed = true;
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
    }
  }

  /** Drops the connection without a close handshake, as a network cut would. */
  public void abort() {
    WebSocket ws = socket;
    closed = true;
    if (ws != null) {
      ws.abort();
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String msg = partial.toString();
      partial.setLength(0);
      onMessage(msg);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed = true;
    String next = moveTo;
    moveTo = null;
    if (next != null && client != null) {
      // Drained or shed: resume on the node the hint named, from the last seq received. A failed
      // move leaves this viewer closed (isOpen() false), which its checks then see.
      open(client, URI.create(next), roomId).thenRun(() -> moves++);
    }
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed = true;
  }

  /** One text message: an event, or a batch of them as an array. */
  void onMessage(String msg) {
    JsonNode n;
    try {
      n = READER.readTree(msg);
    } catch (JsonProcessingException e) {
      // A viewer would notice a message it cannot read: count it, as the server's own errors are.
      received++;
      if (keepFrames) {
        frames.add(msg);
      }
      errors++;
      lastError = "unreadable: " + msg;
      return;
    }
    if (n.isArray()) {
      for (JsonNode event : n) {
        onFrame(event, event.toString());
      }
    } else {
      onFrame(n, msg);
    }
  }

  private void onFrame(JsonNode event, String json) {
    received++;
    if (keepFrames) {
      frames.add(json);
    }
    String type = event.path("type").textValue();
    JsonNode seqField = event.path("seq");
    long seq = seqField.isIntegralNumber() ? seqField.asLong() : -1;
    if ("error".equals(type)) {
      errors++;
      lastError = json;
    }
    if (seq > 0) {
      if ("snapshot".equals(type)) {
        if (seq > lastSeq) {
          lastSeq = seq;
        }
      } else {
        if (seq <= lastSeq) {
          outOfOrder++;
        } else {
          lastSeq = seq;
        }
        sequenced++;
      }
    }
    if ("reconnect".equals(type)) {
      String ws = event.path("ws").textValue();
      if (ws != null) {
        moveTo = ws;
      }
    }
    if ("saleOpen".equals(type) && saleOpenAtMillis == 0) {
      saleOpenAtMillis = System.currentTimeMillis();
    } else if ("comment".equals(type) && commentLatency != null) {
      long sent = sentAt(event.path("text").asText(""));
      if (sent >= 0) {
        commentLatency.record(System.currentTimeMillis() - sent);
      }
    }
  }

  /** The send time {@link #comment} put at the end of a comment's text, or -1 when it has none. */
  private static long sentAt(String text) {
    int t = text.indexOf(STAMP);
    if (t < 0) {
      return -1;
    }
    long sent = 0;
    for (int i = t + STAMP.length(); i < text.length() && Character.isDigit(text.charAt(i)); i++) {
      sent = sent * 10 + (text.charAt(i) - '0');
    }
    return sent;
  }

  /** Frames received by all the given viewers. */
  public static long totalReceived(List<Viewer> viewers) {
    long n = 0;
    for (Viewer v : viewers) {
      n += v.received();
    }
    return n;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** Events received (a batch message counts each event it carries). */
  public long received() {
    return received;
  }

  /** Sequenced events (not snapshots) received. */
  public long sequenced() {
    return sequenced;
  }

  public long outOfOrder() {
    return outOfOrder;
  }

  /** Times this viewer resumed on another node after a reconnect hint. */
  public long moves() {
    return moves;
  }

  public long errors() {
    return errors;
  }

  public String lastError() {
    return lastError;
  }

  public long saleOpenAtMillis() {
    return saleOpenAtMillis;
  }

  public boolean isOpen() {
    return socket != null && !closed;
  }

  /** Every frame received, when kept. */
  public List<String> frames() {
    synchronized (frames) {
      return new ArrayList<>(frames);
    }
  }
}
