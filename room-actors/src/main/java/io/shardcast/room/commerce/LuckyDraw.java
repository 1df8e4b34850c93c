package io.shardcast.room.commerce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The lucky-bag draw. Deterministic from the bag id and the ordered entrants, both recoverable
 * from the journal, so anyone can re-run a draw afterwards and check its winners.
 */
public final class LuckyDraw {

  /** The draw's outcome: the seed it used and the winners in draw order. */
  public record Outcome(String seedHex, List<String> winners) {}

  private LuckyDraw() {}

  public static Outcome draw(String bagId, Collection<String> entrantsInOrder, int winners) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
    sha.update(bagId.getBytes(StandardCharsets.UTF_8));
    for (String entrant : entrantsInOrder) {
      sha.update((byte) '\n');
      sha.update(entrant.getBytes(StandardCharsets.UTF_8));
    }
    byte[] digest = sha.digest();
    long seed = 0;
    for (int i = 0; i < 8; i++) {
      seed = (seed << 8) | (digest[i] & 0xff);
    }
    List<String> pool = new ArrayList<>(entrantsInOrder);
    SplittableRandom random = new SplittableRandom(seed);
    int n = Math.min(winners, pool.size());
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(pool.size() - i);
      String t = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, t);
    }
    return new Outcome(HexFormat.of().formatHex(digest), List.copyOf(pool.subList(0, n)));
  }
}
