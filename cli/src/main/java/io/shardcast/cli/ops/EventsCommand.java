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
        "  shardcast ops events r-7hq2m --since 1200 --count 50 -o json   # JSON lines",
        "  shardcast ops events r-7hq2m --follow       # across drains and lost nodes, as a viewer"})
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

  @Option(names = {"-f", "--follow"},
      description = "Keep watching as a viewer does: follow a node's reconnect hint (a drain, a rebalance) and join "
          + "again after a lost connection, resuming after the last seq, so nothing is missed or shown twice. "
          + "Without it the command ends when the node closes the socket.")
  boolean follow;

  /** How long --follow waits between attempts to join again after a lost connection. */
  private static final long REJOIN_PAUSE_MILLIS = 1000;

  @Override
  void run(OpsClient client, PrintWriter out) {
    if (!client.hasToken()) {
      throw new OpsFailure(ExitCodes.USAGE, "events watch with the ops token: give --token or SHARDCAST_OPS_TOKEN");
    }
    PrintWriter err = spec.commandLine().getErr();
    boolean jsonLines = options.format != Output.Format.TABLE;
    long after = since;
    String hinted = null;
    int printed = 0;
    boolean watched = false;
    while (true) {
      String ws = hinted != null ? hinted : client.get("/api/rooms/" + OpsPaths.segment(roomId) + "/join").path("ws")
          .asText();
      hinted = null;
      String url = withoutQuery(ws) + "?token=" + OpsPaths.segment(client.token())
          + (after >= 0 ? "&since=" + after : "");
      Watch watch;
      try {
        watch = Watch.open(url);
      } catch (OpsFailure f) {
        if (!follow || !watched) {
          throw new OpsFailure(ExitCodes.FAILED, "could not watch " + roomId + " at " + ws + f.getMessage());
        }
        err.println("events: could not watch at " + ws + f.getMessage() + "; joining again");
        err.flush();
        pause();
        continue;
      }
      watched = true;
      if (follow) {
        err.println("events: watching " + roomId + " at " + withoutQuery(ws)
            + (after >= 0 ? " after seq " + after : ""));
        err.flush();
      }
      try {
        while (count == 0 || printed < count) {
          String text = idle.isZero() ? poll(watch.frames, watch.closed, 1000, true)
              : poll(watch.frames, watch.closed, idle.toMillis(), false);
          if (text == null) {
            break; // idle for --idle-timeout, or the node closed the socket
          }
          JsonNode msg = OpsClient.JSON.readTree(text);
          for (JsonNode e : msg.isArray() ? msg : OpsClient.JSON.createArrayNode().add(msg)) {
            if (follow && e.path("type").asText().equals("reconnect")) {
              // A viewer's client follows the hint; so does a follower, and says so on stderr.
              after = e.path("since").asLong(after);
              hinted = e.hasNonNull("ws") ? e.path("ws").asText() : null;
              err.println("events: the node sent reconnect (" + e.path("reason").asText() + "); resuming after seq "
                  + after + (hinted != null ? " at " + withoutQuery(hinted) : ""));
              err.flush();
              continue;
            }
            if (e.has("seq")) {
              after = Math.max(after, e.path("seq").asLong());
            }
            out.println(jsonLines ? e.toString() : line(e));
            printed++;
            if (count != 0 && printed >= count) {
              break;
            }
          }
          out.flush();
          if (hinted != null || follow && watch.closed.isDone() && watch.frames.isEmpty()) {
            break;
          }
        }
      } catch (java.io.IOException e) {
        throw new OpsFailure(ExitCodes.FAILED, "the room sent something that is not JSON: " + e.getMessage());
      } finally {
        watch.socket.abort();
      }
      if (count != 0 && printed >= count || hinted == null && !watch.closed.isDone()) {
        return; // the events asked for, or idle for --idle-timeout
      }
      if (!follow) {
        if (printed < count) {
          throw new OpsFailure(ExitCodes.FAILED, "the node closed the socket: " + watch.closed.join()
              + " (--follow resumes on another node)");
        }
        return;
      }
      if (hinted == null) {
        err.println("events: the connection ended (" + watch.closed.getNow("?") + "); joining again");
        err.flush();
        pause();
      }
    }
  }

  private static String withoutQuery(String ws) {
    int q = ws.indexOf('?');
    return q < 0 ? ws : ws.substring(0, q);
  }

  private static void pause() {
    try {
      Thread.sleep(REJOIN_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpsFailure(ExitCodes.FAILED, "interrupted");
    }
  }

  /** One viewer socket: its frames as they come, and how it closed. */
  private record Watch(WebSocket socket, LinkedBlockingQueue<String> frames, CompletableFuture<String> closed) {
    static Watch open(String url) {
      LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
      CompletableFuture<String> closed = new CompletableFuture<>();
      try {
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(url), new Listener(frames, closed)).get(10, TimeUnit.SECONDS);
        return new Watch(socket, frames, closed);
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String status = cause instanceof java.net.http.WebSocketHandshakeException h
            ? " (" + h.getResponse().statusCode() + ": " + h.getResponse().body() + ")" : "";
        throw new OpsFailure(ExitCodes.FAILED, status + ": " + cause);
      }
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
