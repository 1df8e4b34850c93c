package io.shardcast.cluster.journal;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared H2 journal of a local cluster. Nodes starting together on a fresh data directory all
 * get it only if the file does not change hands while they start: the process that opened it keeps
 * it open while its node runs. (Without that, three nodes started at once failed now and then with
 * "Locked by another process".)
 */
class JournalConfigTest {

  @TempDir Path dataDir;

  private static Config h2(Path dir) {
    return ConfigFactory.parseMap(Map.of("shardcast.journal.kind", "h2", "shardcast.data-dir", dir.toString()))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void theDatabaseStaysWithItsProcessWhileConnectionsComeAndGo() throws Exception {
    Config c = h2(dataDir);
    JournalConfig.Database db = JournalConfig.database(c);
    Path lock = dataDir.resolve("journal.lock.db");
    try (AutoCloseable held = JournalConfig.createSchema(c)) {
      Properties owner = read(lock);
      assertNotNull(owner.getProperty("server"), "the file is served to the other nodes");
      for (int i = 0; i < 3; i++) {
        // A pool at start: a connection opened and closed again.
        try (Connection conn = DriverManager.getConnection(db.url(), db.user(), db.password())) {
          assertTrue(conn.isValid(1));
        }
        assertEquals(owner, read(lock), "the database was not closed and reopened (nodes starting now would race)");
      }
    }
    assertFalse(Files.exists(lock), "closed when the node stops: the next node to start opens it");
  }

  private static Properties read(Path lock) throws IOException {
    Properties p = new Properties();
    if (!Files.exists(lock)) {
      return p; // no process has the database open
    }
    try (var in = Files.newInputStream(lock)) {
      p.load(in);
    }
    return p;
  }
}
