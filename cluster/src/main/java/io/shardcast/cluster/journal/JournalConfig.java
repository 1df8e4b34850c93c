package io.shardcast.cluster.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the journal (H2 file database or PostgreSQL) from {@code shardcast.journal} and turns it
 * into the settings of the JDBC persistence plugin; creates the tables when they are missing.
 */
public final class JournalConfig {

  private static final Logger log = LoggerFactory.getLogger(JournalConfig.class);

  /** Connection settings of the chosen journal. */
  public record Database(String kind, String url, String user, String password, String driver, String profile) {}

  private JournalConfig() {}

  public static Database database(Config config) {
    String kind = config.getString("shardcast.journal.kind");
    switch (kind) {
      case "h2": {
        Path dir = Path.of(config.getString("shardcast.data-dir")).toAbsolutePath().normalize();
        // WRITE_DELAY=0: a commit reaches the file before it is acknowledged, so killing the process
        // that hosts the database loses nothing acknowledged (H2 delays by 500 ms by default).
        String url = "jdbc:h2:file:" + dir.resolve("journal") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        return new Database(kind, url, "sa", "", "org.h2.Driver", "slick.jdbc.H2Profile$");
      }
      case "postgres": {
        Config pg = config.getConfig("shardcast.journal.postgres");
        return new Database(kind, pg.getString("url"), pg.getString("user"), pg.getString("password"),
            "org.postgresql.Driver", "slick.jdbc.PostgresProfile$");
      }
      default:
        throw new IllegalArgumentException("shardcast.journal.kind must be h2 or postgres, not '" + kind + "'");
    }
  }

  /** The given config with the persistence plugin pointed at the chosen journal. */
  public static Config apply(Config config) {
    Database db = database(config);
    int connections = config.getInt("shardcast.journal.max-connections");
    Map<String, Object> shared = Map.of(
        "profile", db.profile(),
        "db.url", db.url(),
        "db.user", db.user(),
        "db.password", db.password(),
        "db.driver", db.driver(),
        "db.numThreads", connections,
        "db.maxConnections", connections,
        "db.minConnections", 1);
    Config plugin = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : shared.entrySet()) {
      plugin = plugin.withValue("pekko-persistence-jdbc.shared-databases.shardcast." + e.getKey(),
          ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return plugin.withFallback(config);
  }

  /**
   * Creates the journal, snapshot and tag tables, and the read side's, if they do not exist (safe to
   * run from every node), and returns what keeps the journal open while the node runs: for H2, the
   * connection the tables were made on. Close it when the node stops.
   *
   * <p>Why H2 needs it: the nodes share one file database (AUTO_SERVER), opened by the first process
   * and served by it to the others. H2 closes a database when its last connection closes, and every
   * close lets the nodes race to open it again; a node starting meanwhile finds the lock file without
   * a server in it ("Locked by another process", "Lock file recently modified"). A node's own pools
   * open and close connections while it starts, so without a connection held throughout, the file
   * changed hands several times in a start of three nodes.
   */
  public static AutoCloseable createSchema(Config config) {
    Database db = database(config);
    if (db.kind().equals("h2")) {
      try {
        Files.createDirectories(Path.of(config.getString("shardcast.data-dir")).toAbsolutePath());
      } catch (IOException e) {
        throw new IllegalStateException("cannot create data dir: " + e.getMessage(), e);
      }
    }
    String script = readScript("/io/shardcast/cluster/journal/" + db.kind() + ".sql") + ";\n"
        + readScript("/io/shardcast/cluster/journal/read-side.sql");
    SQLException last = null;
    for (int attempt = 1; attempt <= 10; attempt++) {
      Connection c = null;
      try {
        c = DriverManager.getConnection(db.url(), db.user(), db.password());
        try (Statement st = c.createStatement()) {
          for (String sql : script.split(";")) {
            if (!sql.isBlank()) {
              st.execute(sql);
            }
          }
        }
        log.info("journal ready: {} at {}", db.kind(), db.url());
        if (db.kind().equals("h2")) {
          Connection held = c;
          return () -> close(held);
        }
        close(c);
        return () -> { };
      } catch (SQLException e) {
        // Nodes starting together race to open the file and to create the same table: try again,
        // each after its own random part of the wait so that they do not meet again.
        close(c);
        last = e;
        log.warn("journal schema attempt {} failed: {}", attempt, e.getMessage());
        try {
          Thread.sleep(100L * attempt + ThreadLocalRandom.current().nextLong(100L * attempt + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new IllegalStateException("cannot reach the " + db.kind() + " journal at " + db.url() + ": "
        + (last == null ? "interrupted" : last.getMessage()), last);
  }

  private static void close(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a journal connection: {}", e.getMessage());
    }
  }

  private static String readScript(String resource) {
    try (InputStream in = JournalConfig.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
