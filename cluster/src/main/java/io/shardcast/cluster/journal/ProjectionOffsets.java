package io.shardcast.cluster.journal;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the readers of the journal's tagged streams (the webhook deliveries, the per-platform
 * numbers) keep how far they are: a row per projection and stream in the journal's own database
 * ({@code shardcast_projection_offsets}), with what they have done, for the ops API to show. A
 * reader saves its offset after it has acted on the events before it, so a restart or the loss of
 * its node repeats at most what came after the last save (at least once).
 */
public final class ProjectionOffsets implements AutoCloseable {

  /** One stream's progress: {@code ordering} is the journal ordering of the last event acted on. */
  public record Progress(String projection, String stream, long ordering, long done, long refused, String lastId,
      long lastAtMillis, String lastError, long lastErrorAtMillis, long nextAttemptAtMillis, long updatedAtMillis) {

    public static Progress start(String projection, String stream) {
      return new Progress(projection, stream, 0, 0, 0, null, 0, null, 0, 0, 0);
    }
  }

  private static final String TABLE = "\"shardcast_projection_offsets\"";
  private static final String COLUMNS = "\"projection\", \"stream\", \"ordering\", \"done\", \"refused\", \"last_id\","
      + " \"last_at\", \"last_error\", \"last_error_at\", \"next_attempt_at\", \"updated_at\"";

  private final HikariDataSource pool;
  private final String upsert;

  private ProjectionOffsets(HikariDataSource pool, String upsert) {
    this.pool = pool;
    this.upsert = upsert;
  }

  /** A small pool (4 connections) on the journal's database, for the projections and the reads of what they made. */
  public static ProjectionOffsets open(Config config) {
    JournalConfig.Database db = JournalConfig.database(config);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(db.url());
    hc.setUsername(db.user());
    hc.setPassword(db.password());
    hc.setDriverClassName(db.driver());
    hc.setMaximumPoolSize(4);
    hc.setMinimumIdle(0);
    hc.setPoolName("shardcast-projections");
    hc.setInitializationFailTimeout(-1); // the database may come later; each use reports its own failure
    String values = " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String upsert = db.kind().equals("postgres")
        ? "INSERT INTO " + TABLE + " (" + COLUMNS + ")" + values + " ON CONFLICT (\"projection\", \"stream\") DO UPDATE"
            + " SET \"ordering\" = EXCLUDED.\"ordering\", \"done\" = EXCLUDED.\"done\", \"refused\" = EXCLUDED.\"refused\","
            + " \"last_id\" = EXCLUDED.\"last_id\", \"last_at\" = EXCLUDED.\"last_at\","
            + " \"last_error\" = EXCLUDED.\"last_error\", \"last_error_at\" = EXCLUDED.\"last_error_at\","
            + " \"next_attempt_at\" = EXCLUDED.\"next_attempt_at\", \"updated_at\" = EXCLUDED.\"updated_at\""
        : "MERGE INTO " + TABLE + " (" + COLUMNS + ") KEY (\"projection\", \"stream\")" + values;
    return new ProjectionOffsets(new HikariDataSource(hc), upsert);
  }

  /** Where {@code projection} stands on {@code stream} (from the start when it never saved). */
  public Progress load(String projection, String stream) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE \"projection\" = ? AND \"stream\" = ?")) {
      st.setString(1, projection);
      st.setString(2, stream);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? row(rs) : Progress.start(projection, stream);
      }
    }
  }

  /** A connection of the pool, for a projection that saves its offset with its own writes, in one transaction. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Whether the journal is PostgreSQL (else H2). */
  public boolean postgres() {
    return upsert.startsWith("INSERT");
  }

  public void save(Progress p) throws SQLException {
    try (Connection c = pool.getConnection()) {
      save(c, p);
    }
  }

  /** Saves {@code p} on {@code c}, inside whatever transaction {@code c} has open. */
  public void save(Connection c, Progress p) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(upsert)) {
      st.setString(1, p.projection());
      st.setString(2, p.stream());
      st.setLong(3, p.ordering());
      st.setLong(4, p.done());
      st.setLong(5, p.refused());
      setNullable(st, 6, p.lastId());
      st.setLong(7, p.lastAtMillis());
      String error = p.lastError() == null || p.lastError().length() <= 1024 ? p.lastError()
          : p.lastError().substring(0, 1024);
      setNullable(st, 8, error);
      st.setLong(9, p.lastErrorAtMillis());
      st.setLong(10, p.nextAttemptAtMillis());
      st.setLong(11, p.updatedAtMillis());
      st.executeUpdate();
    }
  }

  /** Every stream of the projections whose name starts with {@code prefix}. */
  public List<Progress> all(String prefix) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE \"projection\" LIKE ? ORDER BY \"projection\", \"stream\"")) {
      st.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      List<Progress> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    }
  }

  /** How many events tagged {@code tag} the journal holds after {@code ordering}. */
  public long taggedAfter(String tag, long ordering) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM \"event_tag\" WHERE \"tag\" = ?"
            + " AND \"event_id\" > ?")) {
      st.setString(1, tag);
      st.setLong(2, ordering);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void setNullable(PreparedStatement st, int i, String value) throws SQLException {
    if (value == null) {
      st.setNull(i, Types.VARCHAR);
    } else {
      st.setString(i, value);
    }
  }

  private static Progress row(ResultSet rs) throws SQLException {
    return new Progress(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6),
        rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getLong(10), rs.getLong(11));
  }

  @Override
  public void close() {
    pool.close();
  }
}
