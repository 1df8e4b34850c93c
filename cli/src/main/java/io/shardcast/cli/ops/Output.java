package io.shardcast.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * How a command's answer is shown: a table for people (the default), or the whole JSON document for
 * scripts ({@code -o json}), or the same document as YAML ({@code -o yaml}). A table shows columns of
 * the document, so {@code -o json} always holds at least what the table shows.
 */
public final class Output {

  /** The forms {@code -o} takes. */
  public enum Format { TABLE, JSON, YAML }

  private Output() {}

  /** Prints {@code document} as JSON or YAML; for a table, prints {@code table} instead. */
  static void print(PrintWriter out, Format format, JsonNode document, Table table) {
    switch (format) {
      case JSON -> {
        try {
          out.println(OpsClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      case YAML -> {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        out.print(new Yaml(o).dump(OpsClient.JSON.convertValue(document, Map.class)));
      }
      case TABLE -> table.print(out);
    }
    out.flush();
  }

  /** Rows under a header, each column as wide as its widest cell. */
  static final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String... header) {
      this.header = List.of(header);
    }

    Table row(Object... cells) {
      List<String> r = new ArrayList<>();
      for (Object c : cells) {
        r.add(c == null ? "-" : String.valueOf(c));
      }
      rows.add(r);
      return this;
    }

    /** A line printed above the table (problems first, then the table). */
    Table note(String line) {
      notes.add(line);
      return this;
    }

    void print(PrintWriter out) {
      notes.forEach(out::println);
      if (!notes.isEmpty()) {
        out.println();
      }
      int[] width = new int[header.size()];
      for (int i = 0; i < width.length; i++) {
        width[i] = header.get(i).length();
        for (List<String> r : rows) {
          width[i] = Math.max(width[i], r.get(i).length());
        }
      }
      line(out, header, width);
      rows.forEach(r -> line(out, r, width));
    }

    /** Row {@code i} alone, cells separated as in a table: for output that goes on line by line. */
    String rowLine(int i) {
      return String.join("   ", rows.get(i));
    }

    private static void line(PrintWriter out, List<String> cells, int[] width) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.size(); i++) {
        b.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + width[i] + "s   ", cells.get(i)));
      }
      out.println(b.toString().stripTrailing());
    }
  }
}
