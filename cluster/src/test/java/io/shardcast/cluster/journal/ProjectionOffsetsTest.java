package io.shardcast.cluster.journal;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardcast.cluster.journal.ProjectionOffsets.Progress;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projections' offsets on both journals: a real H2 file database and a real PostgreSQL server. */
class ProjectionOffsetsTest {

  @TempDir Path dataDir;

  private Config config(Map<String, Object> journal) {
    return ConfigFactory.parseMap(journal).withFallback(ConfigFactory.parseMap(Map.of(
        "shardcast.data-dir", dataDir.toString()))).withFallback(ConfigFactory.load());
  }

  @Test
  void onH2() throws Exception {
    Config c = config(Map.of("shardcast.journal.kind", "h2"));
    JournalConfig.createSchema(c).close();
    check(c);
  }

  @Test
  void onPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
      Config c = config(Map.of("shardcast.journal.kind", "postgres",
          "shardcast.journal.postgres.url", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
          "shardcast.journal.postgres.user", "postgres", "shardcast.journal.postgres.password", ""));
      JournalConfig.createSchema(c).close();
      JournalConfig.createSchema(c).close(); // a second node starting: nothing changes
      check(c);
    }
  }

  private static void check(Config c) throws Exception {
    try (ProjectionOffsets offsets = ProjectionOffsets.open(c)) {
      assertEquals(Progress.start("webhook:a", "room-events-0"), offsets.load("webhook:a", "room-events-0"),
          "a stream never saved starts from the beginning");
      offsets.save(new Progress("webhook:a", "room-events-0", 41, 7, 1, "r-1:9", 1000, "HTTP 503 (r-1:10, try 1)",
          1100, 2100, 1200));
      offsets.save(new Progress("webhook:a", "room-events-0", 57, 9, 1, "r-1:12", 3000, null, 0, 0, 3000));
      offsets.save(new Progress("webhook:a_b", "room-events-1", 5, 1, 0, "r-2:1", 10, null, 0, 0, 10));
      offsets.save(new Progress("stats", "room-events-1", 99, 0, 0, null, 0, "x".repeat(2000), 5, 0, 20));
      assertEquals(new Progress("webhook:a", "room-events-0", 57, 9, 1, "r-1:12", 3000, null, 0, 0, 3000),
          offsets.load("webhook:a", "room-events-0"), "the second save replaced the first");
      List<Progress> webhooks = offsets.all("webhook:");
      assertEquals(List.of("webhook:a", "webhook:a_b"), webhooks.stream().map(Progress::projection).toList());
      offsets.save(new Progress("webhook:abc", "room-events-1", 5, 1, 0, "r-2:1", 10, null, 0, 0, 10));
      assertEquals(List.of("webhook:a_b"), offsets.all("webhook:a_").stream().map(Progress::projection).toList(),
          "'_' in a prefix is not a wildcard");
      assertEquals(1024, offsets.load("stats", "room-events-1").lastError().length(), "a long error is cut");
      assertEquals(0, offsets.taggedAfter("room-events-0", 0), "no events in a new journal");
    }
  }
}
