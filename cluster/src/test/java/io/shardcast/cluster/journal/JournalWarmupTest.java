package io.shardcast.cluster.journal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class JournalWarmupTest {

  private static boolean wanted(String mode, String kind) {
    return JournalWarmup.wanted(ConfigFactory.parseString(
        "shardcast.journal { warm-up = " + mode + ", kind = " + kind + " }"));
  }

  @Test
  void autoWarmsPostgresAndNotTheSharedH2FileAndOnOrOffDecide() {
    assertTrue(wanted("auto", "postgres"));
    assertFalse(wanted("auto", "h2"));
    assertTrue(wanted("on", "h2"));
    assertFalse(wanted("off", "postgres"));
  }

  @Test
  void anUnknownModeIsRefusedAtStartWithTheSettingNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> wanted("sometimes", "postgres"));
    assertTrue(e.getMessage().contains("shardcast.journal.warm-up"), e.getMessage());
  }
}
