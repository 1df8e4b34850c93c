package io.shardcast.cluster.numbers;

import io.shardcast.cluster.journal.ProjectionOffsets;
import io.shardcast.cluster.journal.ProjectionOffsets.Progress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-platform numbers in the journal's database: a batch of what the events add is written
 * with the stream's offset in one transaction, so a restart neither loses nor counts twice what a
 * batch held. Only the stream's own reader writes a room's rows (a room's events are in one stream).
 */
final class NumbersStore {

  private static final String MINUTE = "\"shardcast_numbers_minute\"";
  private static final String PRODUCT = "\"shardcast_numbers_product\"";
  private static final String BUYER = "\"shardcast_numbers_buyer\"";
  private static final String SALE = "\"shardcast_numbers_sale\"";
  static final String[] COUNTS = {"viewers_peak", "viewer_seconds", "joins", "comments", "likes", "gifts", "claims",
      "orders", "units", "revenue_cents"};

  private final ProjectionOffsets db;

  NumbersStore(ProjectionOffsets db) {
    this.db = db;
  }

  /** Writes what {@code batch} adds, and {@code progress}, in one transaction. */
  void apply(NumbersFold.Batch batch, Progress progress) throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        for (Map.Entry<NumbersFold.Key, NumbersFold.Counts> e : batch.minutes.entrySet()) {
          minute(c, e.getKey(), e.getValue());
        }
        for (Map.Entry<NumbersFold.ProductKey, NumbersFold.ProductCounts> e : batch.products.entrySet()) {
          product(c, e.getKey(), e.getValue());
        }
        for (NumbersFold.Buyer b : batch.buyers) {
          insertIfMissing(c, "SELECT 1 FROM " + BUYER + " WHERE \"room_id\" = ? AND \"platform\" = ? AND \"user_id\" = ?",
              "INSERT INTO " + BUYER + " (\"room_id\", \"platform\", \"user_id\") VALUES (?, ?, ?)",
              b.roomId(), b.platform(), b.userId());
        }
        for (NumbersFold.Sale s : batch.announced.values()) {
          try (PreparedStatement del = c.prepareStatement("DELETE FROM " + SALE
              + " WHERE \"room_id\" = ? AND \"sale_id\" = ?")) {
            del.setString(1, s.roomId());
            del.setString(2, s.saleId());
            del.executeUpdate();
          }
          try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + SALE + " (\"room_id\", \"sale_id\","
              + " \"product_id\", \"price_cents\", \"reveal_at\") VALUES (?, ?, ?, ?, ?)")) {
            ins.setString(1, s.roomId());
            ins.setString(2, s.saleId());
            ins.setString(3, s.productId());
            ins.setLong(4, s.priceCents());
            ins.setLong(5, s.revealAtMillis());
            ins.executeUpdate();
          }
        }
        for (Map.Entry<NumbersFold.Sale, Long> e : batch.opened.entrySet()) {
          try (PreparedStatement st = c.prepareStatement("UPDATE " + SALE + " SET \"opened_at\" = ?"
              + " WHERE \"room_id\" = ? AND \"sale_id\" = ?")) {
            st.setLong(1, e.getValue());
            st.setString(2, e.getKey().roomId());
            st.setString(3, e.getKey().saleId());
            st.executeUpdate();
          }
        }
        db.save(c, progress);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void minute(Connection c, NumbersFold.Key k, NumbersFold.Counts n) throws SQLException {
    long[] v = {n.viewersPeak, n.viewerSeconds, n.joins, n.comments, n.likes, n.gifts, n.claims, n.orders, n.units,
        n.revenueCents};
    StringBuilder set = new StringBuilder("\"viewers_peak\" = GREATEST(\"viewers_peak\", ?)");
    for (int i = 1; i < COUNTS.length; i++) {
      set.append(", \"").append(COUNTS[i]).append("\" = \"").append(COUNTS[i]).append("\" + ?");
    }
    try (PreparedStatement st = c.prepareStatement("UPDATE " + MINUTE + " SET " + set
        + " WHERE \"room_id\" = ? AND \"platform\" = ? AND \"minute\" = ?")) {
      for (int i = 0; i < v.length; i++) {
        st.setLong(i + 1, v[i]);
      }
      st.setString(v.length + 1, k.roomId());
      st.setString(v.length + 2, k.platform());
      st.setLong(v.length + 3, k.minute());
      if (st.executeUpdate() > 0) {
        return;
      }
    }
    StringBuilder cols = new StringBuilder("\"room_id\", \"platform\", \"minute\"");
    for (String col : COUNTS) {
      cols.append(", \"").append(col).append('"');
    }
    try (PreparedStatement st = c.prepareStatement("INSERT INTO " + MINUTE + " (" + cols + ") VALUES (?, ?, ?"
        + ", ?".repeat(COUNTS.length) + ")")) {
      st.setString(1, k.roomId());
      st.setString(2, k.platform());
      st.setLong(3, k.minute());
      for (int i = 0; i < v.length; i++) {
        st.setLong(i + 4, v[i]);
      }
      st.executeUpdate();
    }
  }

  private static void product(Connection c, NumbersFold.ProductKey k, NumbersFold.ProductCounts n)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE " + PRODUCT + " SET \"orders\" = \"orders\" + ?,"
        + " \"units\" = \"units\" + ?, \"revenue_cents\" = \"revenue_cents\" + ?"
        + " WHERE \"room_id\" = ? AND \"platform\" = ? AND \"product_id\" = ?")) {
      st.setLong(1, n.orders);
      st.setLong(2, n.units);
      st.setLong(3, n.revenueCents);
      st.setString(4, k.roomId());
      st.setString(5, k.platform());
      st.setString(6, k.productId());
      if (st.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement st = c.prepareStatement("INSERT INTO " + PRODUCT + " (\"room_id\", \"platform\","
        + " \"product_id\", \"orders\", \"units\", \"revenue_cents\") VALUES (?, ?, ?, ?, ?, ?)")) {
      st.setString(1, k.roomId());
      st.setString(2, k.platform());
      st.setString(3, k.productId());
      st.setLong(4, n.orders);
      st.setLong(5, n.units);
      st.setLong(6, n.revenueCents);
      st.executeUpdate();
    }
  }

  private static void insertIfMissing(Connection c, String select, String insert, String... keys) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(select)) {
      for (int i = 0; i < keys.length; i++) {
        st.setString(i + 1, keys[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement st = c.prepareStatement(insert)) {
      for (int i = 0; i < keys.length; i++) {
        st.setString(i + 1, keys[i]);
      }
      st.executeUpdate();
    }
  }

  /** A sale announced in an earlier run, or null. */
  NumbersFold.Sale sale(String roomId, String saleId) {
    try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("SELECT \"product_id\","
        + " \"price_cents\", \"reveal_at\" FROM " + SALE + " WHERE \"room_id\" = ? AND \"sale_id\" = ?")) {
      st.setString(1, roomId);
      st.setString(2, saleId);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? new NumbersFold.Sale(roomId, saleId, rs.getString(1), rs.getLong(2), rs.getLong(3)) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read sale " + saleId + " of room " + roomId + ": " + e.getMessage(), e);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** One row of a table, column name to value. */
  record Row(Map<String, Object> values) {}

  List<Row> minutes(String roomId) throws SQLException {
    return rows("SELECT \"minute\", \"platform\", " + String.join(", ", quoted(COUNTS)) + " FROM " + MINUTE
        + " WHERE \"room_id\" = ? ORDER BY \"minute\", \"platform\"", roomId);
  }

  List<Row> products(String roomId) throws SQLException {
    return rows("SELECT \"platform\", \"product_id\", \"orders\", \"units\", \"revenue_cents\" FROM " + PRODUCT
        + " WHERE \"room_id\" = ? ORDER BY \"product_id\", \"platform\"", roomId);
  }

  List<Row> buyers(String roomId) throws SQLException {
    return rows("SELECT \"platform\", COUNT(*) AS \"buyers\" FROM " + BUYER + " WHERE \"room_id\" = ?"
        + " GROUP BY \"platform\" ORDER BY \"platform\"", roomId);
  }

  List<Row> sales(String roomId) throws SQLException {
    return rows("SELECT \"sale_id\", \"product_id\", \"price_cents\", \"reveal_at\", \"opened_at\" FROM " + SALE
        + " WHERE \"room_id\" = ? ORDER BY \"reveal_at\"", roomId);
  }

  private static String[] quoted(String[] cols) {
    String[] q = new String[cols.length];
    for (int i = 0; i < cols.length; i++) {
      q[i] = '"' + cols[i] + '"';
    }
    return q;
  }

  private List<Row> rows(String sql, String roomId) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, roomId);
      try (ResultSet rs = st.executeQuery()) {
        List<Row> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
          }
          out.add(new Row(row));
        }
        return out;
      }
    }
  }
}
