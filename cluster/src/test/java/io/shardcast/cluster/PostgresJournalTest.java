package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production journal: a real PostgreSQL server (started from the embedded binaries), rooms
 * written by one node and recovered by a fresh node with every confirmed order and seq intact.
 */
class PostgresJournalTest {

  static EmbeddedPostgres pg;
  @TempDir static Path dataDir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private Map<String, Object> postgres() {
    return Map.of(
        "shardcast.journal.kind", "postgres",
        "shardcast.journal.postgres.url", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
        "shardcast.journal.postgres.user", "postgres",
        "shardcast.journal.postgres.password", "");
  }

  @Test
  void roomsSurviveANodeRestartWithEveryConfirmedOrder() throws Exception {
    ShardcastNode.Running first = TestNodes.start(dataDir, postgres());
    String base = "http://127.0.0.1:" + first.httpPort();
    Http created = TestNodes.createRoom(base, "{\"title\":\"pg room\"}");
    String room = created.body().get("roomId").asText();
    String token = created.body().get("hostToken").asText();
    post(base + "/api/rooms/" + room + "/products", token, "{\"productId\":\"p\",\"name\":\"Bag\",\"stock\":10}");
    post(base + "/api/rooms/" + room + "/flash-sales", token,
        "{\"saleId\":\"s\",\"productId\":\"p\",\"quantity\":5,\"perUserLimit\":1,\"revealInMs\":0}");
    Set<String> confirmed = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      JsonNode r = post(base + "/api/rooms/" + room + "/orders", null,
          "{\"orderId\":\"o" + i + "\",\"userId\":\"u" + i + "\",\"saleId\":\"s\"}").body();
      if (r.path("result").asText().equals("CONFIRMED")) {
        confirmed.add(r.path("orderId").asText());
      }
    }
    assertEquals(5, confirmed.size());
    long seqBefore = get(base + "/api/rooms/" + room).body().path("seq").asLong();
    first.stop();

    // The events are in PostgreSQL's journal table.
    try (Connection c = pg.getPostgresDatabase().getConnection();
        ResultSet rs = c.createStatement().executeQuery(
            "select count(*) from event_journal where persistence_id = 'LiveRoom|" + room + "'")) {
      rs.next();
      assertTrue(rs.getInt(1) >= 8, "room events journaled in PostgreSQL");
    }

    ShardcastNode.Running second = TestNodes.start(dataDir, postgres());
    try {
      String base2 = "http://127.0.0.1:" + second.httpPort();
      JsonNode orders = get(base2 + "/api/rooms/" + room + "/orders?saleId=s", token).body();
      Set<String> listed = new HashSet<>();
      orders.path("orders").forEach(o -> listed.add(o.path("orderId").asText()));
      assertEquals(confirmed, listed);
      assertEquals("SOLD_OUT", post(base2 + "/api/rooms/" + room + "/orders", null,
          "{\"orderId\":\"late\",\"userId\":\"late\",\"saleId\":\"s\"}").body().path("result").asText());
      assertEquals("CONFIRMED", post(base2 + "/api/rooms/" + room + "/orders", null,
          "{\"orderId\":\"o0\",\"userId\":\"u0\",\"saleId\":\"s\"}").body().path("result").asText(),
          "a retried order id still gets its original answer after recovery");
      assertEquals(200, post(base2 + "/api/rooms/" + room + "/announcements", token, "{\"text\":\"back\"}").status());
      assertEquals(seqBefore + 1, get(base2 + "/api/rooms/" + room).body().path("seq").asLong(), "seq continues");
    } finally {
      second.stop();
    }
  }
}
