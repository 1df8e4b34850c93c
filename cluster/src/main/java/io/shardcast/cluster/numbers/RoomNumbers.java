package io.shardcast.cluster.numbers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.journal.ProjectionOffsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A room's numbers as the host console, the ops dashboard and an export read them
 * ({@code GET .../numbers}, docs/api.md): per platform (the room's own page is {@code "room"}),
 * their totals, per product, the timeline per minute and the sales' moments; or one of those tables
 * as CSV.
 */
public final class RoomNumbers {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The CSV tables, by the name {@code ?table=} takes. */
  public static final List<String> TABLES = List.of("timeline", "platforms", "products", "sales");

  private final NumbersStore store;

  public RoomNumbers(ProjectionOffsets db) {
    this.store = new NumbersStore(db);
  }

  public ObjectNode json(String roomId) throws SQLException {
    ObjectNode out = JSON.createObjectNode().put("roomId", roomId);
    List<NumbersStore.Row> minutes = store.minutes(roomId);
    Map<String, long[]> byPlatform = new TreeMap<>();
    Map<Long, Long> viewersByMinute = new TreeMap<>();
    for (NumbersStore.Row r : minutes) {
      long[] sums = byPlatform.computeIfAbsent((String) r.values().get("platform"),
          k -> new long[NumbersStore.COUNTS.length]);
      for (int i = 0; i < NumbersStore.COUNTS.length; i++) {
        long v = number(r, NumbersStore.COUNTS[i]);
        sums[i] = i == 0 ? Math.max(sums[i], v) : sums[i] + v;
      }
      viewersByMinute.merge(number(r, "minute"), number(r, "viewers_peak"), Long::sum);
    }
    Map<String, Long> buyers = new TreeMap<>();
    for (NumbersStore.Row r : store.buyers(roomId)) {
      buyers.put((String) r.values().get("platform"), number(r, "buyers"));
    }
    ArrayNode platforms = out.putArray("platforms");
    long[] total = new long[NumbersStore.COUNTS.length];
    long totalBuyers = 0;
    for (Map.Entry<String, long[]> e : byPlatform.entrySet()) {
      long b = buyers.getOrDefault(e.getKey(), 0L);
      platform(platforms.addObject().put("platform", e.getKey()), e.getValue(), b);
      for (int i = 1; i < total.length; i++) {
        total[i] += e.getValue()[i];
      }
      totalBuyers += b;
    }
    // The room's peak is the busiest minute over all platforms together.
    total[0] = viewersByMinute.values().stream().mapToLong(Long::longValue).max().orElse(0);
    platform(out.putObject("totals"), total, totalBuyers);
    ArrayNode products = out.putArray("products");
    for (NumbersStore.Row r : store.products(roomId)) {
      products.addObject().put("productId", (String) r.values().get("product_id"))
          .put("platform", (String) r.values().get("platform")).put("orders", number(r, "orders"))
          .put("units", number(r, "units")).put("revenueCents", number(r, "revenue_cents"));
    }
    ArrayNode timeline = out.putArray("timeline");
    for (NumbersStore.Row r : minutes) {
      ObjectNode m = timeline.addObject().put("minute", number(r, "minute"))
          .put("platform", (String) r.values().get("platform"));
      for (String col : NumbersStore.COUNTS) {
        m.put(camel(col), number(r, col));
      }
    }
    ArrayNode sales = out.putArray("sales");
    for (NumbersStore.Row r : store.sales(roomId)) {
      sales.addObject().put("saleId", (String) r.values().get("sale_id"))
          .put("productId", (String) r.values().get("product_id")).put("priceCents", number(r, "price_cents"))
          .put("revealAt", number(r, "reveal_at")).put("openedAt", number(r, "opened_at"));
    }
    return out;
  }

  /** One of {@link #TABLES} as CSV, with a header line. */
  public String csv(String roomId, String table) throws SQLException {
    ObjectNode doc = json(roomId);
    ArrayNode rows = (ArrayNode) doc.get(table);
    StringBuilder b = new StringBuilder();
    if (rows.isEmpty()) {
      return b.toString();
    }
    List<String> header = new java.util.ArrayList<>();
    rows.get(0).fieldNames().forEachRemaining(header::add);
    b.append(String.join(",", header)).append('\n');
    for (var row : rows) {
      for (int i = 0; i < header.size(); i++) {
        b.append(i == 0 ? "" : ",").append(cell(row.path(header.get(i)).asText()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** RFC 4180 quoting, and a leading =, +, - or @ kept from being read as a spreadsheet formula. */
  static String cell(String v) {
    String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.]+") ? "'" + v : v;
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  private static void platform(ObjectNode n, long[] v, long buyers) {
    n.put("viewersPeak", v[0]).put("viewerMinutes", v[1] / 60).put("joins", v[2])
        .put("avgWatchSeconds", v[2] > 0 ? v[1] / v[2] : 0).put("comments", v[3]).put("likes", v[4])
        .put("gifts", v[5]).put("claims", v[6]).put("orders", v[7]).put("units", v[8]).put("revenueCents", v[9])
        .put("buyers", buyers);
    long audience = Math.max(v[2], v[0]);
    n.put("conversion", audience == 0 ? 0 : Math.round(10_000.0 * buyers / audience) / 10_000.0);
  }

  private static long number(NumbersStore.Row r, String col) {
    Object v = r.values().get(col);
    return v == null ? 0 : ((Number) v).longValue();
  }

  private static String camel(String col) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char ch : col.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return b.toString();
  }
}
