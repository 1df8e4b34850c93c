package io.shardcast.testkit.load;

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

  public void comment(String text) {
    send("{\"type\":\"comment\",\"text\":\"" + text + " t=" + System.currentTimeMillis() + "\"}");
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
      if (msg.startsWith("[")) {
        for (String event : splitArray(msg)) {
          onFrame(event);
        }
      } else {
        onFrame(msg);
      }
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

  private void onFrame(String json) {
    received++;
    if (keepFrames) {
      frames.add(json);
    }
    String type = stringField(json, "type");
    long seq = longField(json, "seq");
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
      String ws = stringField(json, "ws");
      if (ws != null) {
        moveTo = ws;
      }
    }
    if ("saleOpen".equals(type) && saleOpenAtMillis == 0) {
      saleOpenAtMillis = System.currentTimeMillis();
    } else if ("comment".equals(type) && commentLatency != null) {
      int t = json.indexOf(" t=");
      if (t > 0) {
        long sent = 0;
        for (int i = t + 3; i < json.length() && Character.isDigit(json.charAt(i)); i++) {
          sent = sent * 10 + (json.charAt(i) - '0');
        }
        commentLatency.record(System.currentTimeMillis() - sent);
      }
    }
  }

  /**
   * The top-level objects of a JSON array message (a batch of events), as strings: a scan that
   * tracks nesting and string literals, not a full parse.
   */
  static List<String> splitArray(String json) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (int i = 1; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (depth++ == 0) {
          start = i;
        }
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          break; // the array's own closing bracket
        }
        if (--depth == 0) {
          out.add(json.substring(start, i + 1));
        }
      }
    }
    return out;
  }

  static String stringField(String json, String name) {
    String key = "\"" + name + "\":\"";
    int i = json.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int end = json.indexOf('"', start);
    return end < 0 ? null : json.substring(start, end);
  }

  static long longField(String json, String name) {
    String key = "\"" + name + "\":";
    int i = json.indexOf(key);
    if (i < 0) {
      return -1;
    }
    long v = 0;
    int j = i + key.length();
    if (j >= json.length() || !Character.isDigit(json.charAt(j))) {
      return -1;
    }
    for (; j < json.length() && Character.isDigit(json.charAt(j)); j++) {
      v = v * 10 + (json.charAt(j) - '0');
    }
    return v;
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
