package io.shardcast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code bench fanout} run as a line of a results CSV: when, which build, how many viewers, and
 * the comment-to-viewer latency percentiles it measured. Lines starting with {@code #} are comments.
 *
 * @param date the day of the run, yyyy-mm-dd
 * @param build what was measured: a commit, or any label (runs of one build are drawn together)
 * @param p90Ms -1 when not recorded (older figures carried only p50 and p99)
 * @param maxMs -1 when not recorded
 * @param note where the line came from: the command, or the page its figures were copied from
 */
record FanoutResult(String date, String build, int viewers, int nodes, long p50Ms, long p90Ms, long p99Ms, long maxMs,
    String note) {

  static final String HEADER = "date,build,viewers,nodes,p50_ms,p90_ms,p99_ms,max_ms,note";
  private static final int FIELDS = 9;

  /** The results in {@code file}, in file order; a malformed line is an error naming it. */
  static List<FanoutResult> read(Path file) throws IOException {
    List<FanoutResult> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.equals(HEADER)) {
        continue;
      }
      out.add(parse(line, file.getFileName() + ":" + (i + 1)));
    }
    return out;
  }

  /** Adds this result to {@code file}, first writing the header when the file is new or empty. */
  void appendTo(Path file) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    Files.writeString(file, (fresh ? HEADER + "\n" : "") + toCsv() + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  String toCsv() {
    return String.join(",", field(date), field(build), Integer.toString(viewers), Integer.toString(nodes),
        Long.toString(p50Ms), optional(p90Ms), Long.toString(p99Ms), optional(maxMs), field(note));
  }

  static FanoutResult parse(String line, String where) {
    List<String> f = split(line, where);
    if (f.size() != FIELDS) {
      throw new IllegalArgumentException(where + ": expected " + FIELDS + " fields (" + HEADER + "), got " + f.size());
    }
    try {
      FanoutResult r = new FanoutResult(f.get(0), f.get(1), Integer.parseInt(f.get(2).strip()),
          Integer.parseInt(f.get(3).strip()), Long.parseLong(f.get(4).strip()), number(f.get(5)),
          Long.parseLong(f.get(6).strip()), number(f.get(7)), f.get(8));
      if (r.viewers() < 1 || r.p50Ms() < 0 || r.p99Ms() < 0) {
        throw new IllegalArgumentException(where + ": viewers must be >= 1 and latencies >= 0");
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": viewers, nodes, p50_ms and p99_ms must be whole numbers ("
          + e.getMessage() + ")");
    }
  }

  private static long number(String s) {
    return s.isBlank() ? -1 : Long.parseLong(s.strip());
  }

  private static String optional(long v) {
    return v < 0 ? "" : Long.toString(v);
  }

  /** A text field, quoted when it holds a comma or a quote; a note stays on its line. */
  private static String field(String s) {
    String one = s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    return one.contains(",") || one.contains("\"") ? "\"" + one.replace("\"", "\"\"") + "\"" : one;
  }

  /** A CSV line's fields: comma-separated, "quoted" where they hold commas, "" for a quote inside. */
  private static List<String> split(String line, String where) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": a quoted field is not closed");
    }
    out.add(cur.toString());
    return out;
  }
}
