package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Judges the media players' records ({@code media}, one per player at the end of a run): every
 * video frame a player rebuilt must be whole (a frame missing a packet counts as incomplete), and a
 * player must have received most of the frames the stream carried while it watched (not stalled).
 * Runs without media players have nothing to judge.
 */
public final class MediaChecker {

  /** Incomplete frames a player may see before it counts as a violation (share of its frames). */
  static final double MAX_INCOMPLETE_SHARE = 0.01;
  /** Share of the stream's frames a player must get while it watches. */
  static final double MIN_DELIVERED_SHARE = 0.8;

  private MediaChecker() {}

  public static Verdict check(List<JsonNode> history) {
    Verdict v = new Verdict("media", "incomplete video frames", "stalled players");
    long complete = 0;
    long incomplete = 0;
    long rebuilt = 0;
    long retransmitted = 0;
    long players = 0;
    for (JsonNode r : history) {
      if (!r.path("k").asText().equals("media")) {
        continue;
      }
      players++;
      long c = r.path("complete").asLong();
      long d = r.path("incomplete").asLong();
      long expected = r.path("expected").asLong();
      complete += c;
      incomplete += d;
      rebuilt += r.path("rebuilt").asLong();
      retransmitted += r.path("retransmitted").asLong();
      String who = r.path("player").asText();
      if (c + d > 0 && d > MAX_INCOMPLETE_SHARE * (c + d)) {
        v.violate("incomplete video frames", d, who + ": " + d + " of " + (c + d) + " frames incomplete");
      }
      if (c < MIN_DELIVERED_SHARE * expected) {
        v.violate("stalled players", who + ": " + c + " complete frames of about " + expected + " sent");
      }
    }
    if (players > 0) {
      v.figure("players", players);
      v.figure("video frames complete", complete);
      v.figure("video frames incomplete", incomplete);
      v.figure("packets rebuilt by FEC", rebuilt);
      v.figure("packets retransmitted", retransmitted);
    }
    return v;
  }
}
