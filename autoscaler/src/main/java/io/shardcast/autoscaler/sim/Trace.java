package io.shardcast.autoscaler.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A demand trace, one row per second: {@code t,viewers,joins,events} (connected viewers, new viewers
 * that second, interaction events/s in), with {@code # sale announced_at=T reveal_at=T2} lines for
 * scheduled flash sales.
 */
public record Trace(String name, int[] viewers, int[] joins, int[] events, List<Sale> sales) {

  /** A flash sale on the trace's calendar, in trace seconds. */
  public record Sale(int announcedAt, int revealAt) {}

  /** The traces shipped with Shardcast (copies of the reference traces), by name. */
  public static final List<String> BUILT_IN = List.of("ramp-5min", "spike-60s", "flash-sale", "quiet-night");

  public int seconds() {
    return viewers.length;
  }

  public static Trace load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.getFileName().toString().replaceFirst("\\.csv$", ""), in);
    }
  }

  public static Trace builtIn(String name) throws IOException {
    InputStream in = Trace.class.getResourceAsStream("/io/shardcast/autoscaler/traces/" + name + ".csv");
    if (in == null) {
      throw new IllegalArgumentException("no built-in trace '" + name + "' (built in: " + BUILT_IN + ")");
    }
    try (in) {
      return parse(name, in);
    }
  }

  /** Reads a trace; a malformed line is an error naming the line, not a silently shorter trace. */
  public static Trace parse(String name, InputStream in) throws IOException {
    List<int[]> rows = new ArrayList<>();
    List<Sale> sales = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int lineNo = 0;
    while ((line = r.readLine()) != null) {
      lineNo++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("t,")) {
        continue;
      }
      if (line.startsWith("#")) {
        String body = line.substring(1).strip();
        if (body.startsWith("sale ")) {
          sales.add(parseSale(name, lineNo, body));
        }
        continue;
      }
      String[] f = line.split(",");
      if (f.length != 4) {
        throw new IllegalArgumentException(name + ":" + lineNo + ": expected t,viewers,joins,events, got '" + line + "'");
      }
      int[] row = new int[4];
      for (int i = 0; i < 4; i++) {
        try {
          row[i] = Integer.parseInt(f[i].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": not a whole number: '" + f[i] + "'");
        }
        if (row[i] < 0) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": negative value " + row[i]);
        }
      }
      if (row[0] != rows.size()) {
        throw new IllegalArgumentException(name + ":" + lineNo + ": expected t=" + rows.size() + ", got t=" + row[0]);
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + ": no rows");
    }
    int n = rows.size();
    int[] v = new int[n];
    int[] j = new int[n];
    int[] e = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = rows.get(i)[1];
      j[i] = rows.get(i)[2];
      e[i] = rows.get(i)[3];
    }
    return new Trace(name, v, j, e, List.copyOf(sales));
  }

  private static Sale parseSale(String name, int lineNo, String body) {
    int announced = -1;
    int reveal = -1;
    for (String part : body.substring(5).strip().split("\\s+")) {
      String[] kv = part.split("=", 2);
      try {
        if (kv.length == 2 && kv[0].equals("announced_at")) {
          announced = Integer.parseInt(kv[1]);
        } else if (kv.length == 2 && kv[0].equals("reveal_at")) {
          reveal = Integer.parseInt(kv[1]);
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(name + ":" + lineNo + ": bad sale line '" + body + "'");
      }
    }
    if (announced < 0 || reveal < announced) {
      throw new IllegalArgumentException(name + ":" + lineNo + ": a sale needs announced_at <= reveal_at: '" + body + "'");
    }
    return new Sale(announced, reveal);
  }
}
