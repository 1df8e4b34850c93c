package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ops events ROOM}: a room's events as its viewers get them, each with its seq, on a viewer
 * socket of the node {@code /join} names, watching with the ops token (an operator watches; it
 * cannot comment).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Tail a room's events as a viewer gets them (seq, type, what happened). Ctrl-C stops.",
    footer = {"", "Examples:", "  shardcast ops events r-7hq2m",
        "  shardcast ops events r-7hq2m --since 1200 --count 50 -o json   # JSON lines"})
final class EventsCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Option(names = "--since", paramLabel = "SEQ", defaultValue = "-1",
      description = "Start after this seq (the events since then first); default: the room's snapshot, then new events.")
  long since;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N events (0: never).")
  int count;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "0s", converter = Durations.class,
      description = "Stop (exit 0) when no event came for this long (0s: never).")
  Duration idle;

  @Override
  void run(OpsClient client, PrintWriter out) {
    if (!client.hasToken()) {
      throw new OpsFailure(ExitCodes.USAGE, "events watch with the ops token: give --token or SHARDCAST_OPS_TOKEN");
    }
    JsonNode join = client.get("/api/rooms/" + OpsPaths.segment(roomId) + "/join");
    String ws = join.path("ws").asText();
    int q = ws.indexOf('?');
    String url = (q < 0 ? ws : ws.substring(0, q)) + "?token=" + OpsPaths.segment(client.token())
        + (since >= 0 ? "&since=" + since : "");
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    CompletableFuture<String> closed = new CompletableFuture<>();
    WebSocket socket;
    try {
      socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create(url), new Listener(frames, closed)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String status = cause instanceof java.net.http.WebSocketHandshakeException h
          ? " (" + h.getResponse().statusCode() + ": " + h.getResponse().body() + ")" : "";
      throw new OpsFailure(ExitCodes.FAILED, "could not watch " + roomId + " at " + ws + status + ": " + cause);
    }
    boolean jsonLines = options.format != Output.Format.TABLE;
    int printed = 0;
    try {
      while (count == 0 || printed < count) {
        String text = idle.isZero() ? poll(frames, closed, 1000, true) : poll(frames, closed, idle.toMillis(), false);
        if (text == null) {
          break; // idle for --idle-timeout, or the node closed the socket
        }
        JsonNode msg = OpsClient.JSON.readTree(text);
        for (JsonNode e : msg.isArray() ? msg : OpsClient.JSON.createArrayNode().add(msg)) {
          out.println(jsonLines ? e.toString() : line(e));
          printed++;
          if (count != 0 && printed >= count) {
            break;
          }
        }
        out.flush();
      }
    } catch (java.io.IOException e) {
      throw new OpsFailure(ExitCodes.FAILED, "the room sent something that is not JSON: " + e.getMessage());
    } finally {
      socket.abort();
    }
    if (closed.isDone() && printed < count) {
      throw new OpsFailure(ExitCodes.FAILED, "the node closed the socket: " + closed.join());
    }
  }

  /** The next message; null when the socket closed or (unless {@code forever}) after {@code millis} without one. */
  private static String poll(LinkedBlockingQueue<String> frames, CompletableFuture<String> closed, long millis,
      boolean forever) {
    try {
      while (true) {
        String f = frames.poll(millis, TimeUnit.MILLISECONDS);
        if (f != null) {
          return f;
        }
        if (closed.isDone() || !forever) {
          return null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code 1204  comment  u7: is it warm?}: seq, type, and what matters of the rest. */
  static String line(JsonNode e) {
    String type = e.path("type").asText();
    String what = switch (type) {
      case "comment" -> e.path("userId").asText() + ": " + e.path("text").asText();
      case "snapshot" -> "\"" + e.path("title").asText() + "\", " + e.path("viewers").asLong() + " viewers, "
          + e.path("products").size() + " products, " + e.path("flashSales").size() + " sales";
      case "saleProgress" -> e.path("saleId").asText() + ": " + e.path("remaining").asLong() + " left";
      case "reconnect" -> e.path("reason").asText() + " (resume after " + e.path("since").asLong() + ")";
      default -> {
        com.fasterxml.jackson.databind.node.ObjectNode rest = e.deepCopy();
        rest.remove("type");
        rest.remove("seq");
        yield rest.toString();
      }
    };
    return (e.has("seq") ? String.format("%8d", e.path("seq").asLong()) : "       -") + "  " + String.format("%-14s", type)
        + "  " + what;
  }

  private static final class Listener implements WebSocket.Listener {
    private final LinkedBlockingQueue<String> frames;
    private final CompletableFuture<String> closed;
    private final StringBuilder partial = new StringBuilder();

    Listener(LinkedBlockingQueue<String> frames, CompletableFuture<String> closed) {
      this.frames = frames;
      this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete("close " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(error.toString());
    }
  }
}
