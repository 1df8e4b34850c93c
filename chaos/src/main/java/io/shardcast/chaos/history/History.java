package io.shardcast.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded history of a chaos run, one JSON object a line, in the order things happened.
 * Every line has {@code t} (wall-clock milliseconds, one clock: every process runs on this
 * machine) and {@code k}, its kind:
 * <ul>
 *   <li>{@code op}: a client operation's step: {@code op} (order, probe, host, comment, like), {@code phase}
 *       (invoke, then ok, fail or info: info is an outcome the client never learned; comments and
 *       likes, which the protocol does not answer, complete once on the socket), and its
 *       fields (orderId, userId, saleId, result, gateway, ms).
 *   <li>{@code conn}: a viewer's connection opened (with {@code since} and {@code node}), closed
 *       or refused.
 *   <li>{@code recv}: an event a viewer received: {@code viewer}, {@code seq}, {@code type},
 *       {@code h} (a 64-bit hash of the event's JSON, so viewers' copies can be compared).
 *   <li>{@code snapshot}: a viewer was sent the room's state at {@code seq} instead of events.
 *   <li>{@code fault}: a fault's {@code phase} (start, end) with its {@code name} and {@code target}.
 *   <li>{@code capacity}: a node lost or back ({@code phase} lost, back).
 *   <li>{@code sale}: a flash sale announced: saleId, stock, limit, revealAt.
 *   <li>{@code final}: the confirmed orders of a sale read after the run: saleId, orders.
 *   <li>{@code activity}: what a room incarnation did on a node (recovered, persisted, stopped),
 *       from the nodes' activity logs, merged in after the run.
 *   <li>{@code meta}: the run's scenario, nodes, seed, journal and room.
 * </ul>
 */
public final class History implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private long lastFlush = System.currentTimeMillis();

  public History(Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /** A new record of kind {@code k}, stamped now; fill it and {@link #add} it. */
  public static ObjectNode record(String k) {
    return record(k, System.currentTimeMillis());
  }

  public static ObjectNode record(String k, long t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("t", t).put("k", k);
    return n;
  }

  public synchronized void add(ObjectNode record) {
    try {
      out.write(record.toString());
      out.write('\n');
      long now = System.currentTimeMillis();
      if (now - lastFlush > 1000) {
        out.flush();
        lastFlush = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("history not writable", e);
    }
  }

  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("history not writable", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  /** Every record of a history file, in file order; a line that is not JSON is an error naming the line. */
  public static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new IOException(file + " line " + n + " is not a history record: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /** FNV-1a, 64 bits: the fingerprint viewers' copies of an event are compared by. */
  public static long hash(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
