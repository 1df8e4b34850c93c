package io.shardcast.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Impossible runs are refused before anything starts, with every problem named. */
class ChaosOptionsTest {

  private static ChaosOptions options(List<Scenario> s, int nodes, int seconds, String journal, int faulty,
      String netns, String pgUrl) {
    return new ChaosOptions(s, nodes, seconds, 1, journal, Path.of("out"), 24, 12, faulty, netns, 10, pgUrl,
        "postgres");
  }

  private static String problems(ChaosOptions o, String netnsUnavailable) {
    return String.join("\n", o.problems(netnsUnavailable));
  }

  @Test
  void aSensibleRunHasNoProblem() {
    assertEquals("", problems(options(Scenario.parse("all"), 3, 60, "postgres", 1, "auto", null), null));
    assertTrue(options(List.of(Scenario.KILL_ROOM_HOST), 3, 60, "postgres", 1, "auto", null).useNetns(null));
  }

  @Test
  void impossibleParametersAreNamedOneByOne() {
    String p = problems(options(List.of(Scenario.KILL_RANDOM_LOOP), 3, 0, "postgres", 3, "auto", null), null);
    assertTrue(p.contains("--faulty 3 is not fewer than --nodes 3"), p);
    assertTrue(p.contains("--duration must be positive"), p);
    p = problems(options(List.of(Scenario.KILL_RANDOM_LOOP), 4, 60, "postgres", 2, "auto", null), null);
    assertTrue(p.contains("leaves no majority"), p);
    p = problems(options(List.of(Scenario.KILL_ROOM_HOST), 2, 60, "mysql", 1, "sometimes", null), null);
    assertTrue(p.contains("--nodes must be at least 3") && p.contains("--journal must be postgres or h2")
        && p.contains("--netns must be auto, on or off"), p);
  }

  @Test
  void partitionsWithoutPrivilegesAndJournalMismatchesAreRefused() {
    String why = "network partitions need root";
    String p = problems(options(List.of(Scenario.PARTITION_MINORITY), 3, 60, "postgres", 1, "auto", null), why);
    assertTrue(p.contains("partition scenarios need network namespaces: network partitions need root"), p);
    p = problems(options(List.of(Scenario.POSTGRES_RESTART), 3, 60, "h2", 1, "off", null), null);
    assertTrue(p.contains("postgres-restart needs --journal postgres"), p);
    p = problems(options(List.of(Scenario.KILL_ROOM_HOST), 3, 60, "h2", 1, "on", null), null);
    assertTrue(p.contains("need the PostgreSQL journal"), p);
    p = problems(options(List.of(Scenario.KILL_ROOM_HOST), 3, 60, "postgres", 1, "on",
        "jdbc:postgresql://127.0.0.1:5432/postgres"), null);
    assertTrue(p.contains("cannot reach jdbc:postgresql://127.0.0.1:5432/postgres"), p);
    p = problems(options(List.of(Scenario.POSTGRES_RESTART), 3, 60, "postgres", 1, "off",
        "jdbc:postgresql://127.0.0.1:5432/postgres"), null);
    assertTrue(p.contains("leave out --postgres-url"), p);
  }

  @Test
  void unknownScenariosListTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse("kill-everything"));
    assertTrue(e.getMessage().contains("known: all, kill-room-host"), e.getMessage());
    assertTrue(e.getMessage().contains("media-loss"), e.getMessage());
  }
}
