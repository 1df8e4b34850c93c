package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A drain's reconnect hints, shared out over its spread: what the viewers of a draining node see. */
class HintScheduleTest {

  /** The shares a drain of {@code viewers} over {@code spreadMillis} sends, at the start and at each 250 ms check. */
  private static List<Integer> shares(int viewers, long spreadMillis) {
    HintSchedule s = new HintSchedule(viewers, spreadMillis, 250, 1_000);
    List<Integer> out = new ArrayList<>();
    out.add(s.start());
    for (long t = 1_250; t <= 1_000 + spreadMillis + 1_000; t += 250) {
      out.add(s.check(t));
    }
    return out;
  }

  @Test
  void viewersAreHintedAtAnEvenPaceOverTheSpreadThenWhoeverIsLeftAtOnce() {
    List<Integer> s = shares(90, 2_000);
    // Nine shares of ten (at 0, 250, ..., 1,750 ms), everyone left at 2,000 ms, then nothing.
    assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, HintSchedule.ALL, 0, 0, 0, 0), s);
  }

  @Test
  void aFewViewersAreSpreadOutTooNotAllHintedInTheFirstShares() {
    List<Integer> s = shares(4, 2_000);
    assertTrue(s.subList(0, 8).stream().allMatch(n -> n <= 1), "at most one viewer a share: " + s);
    assertEquals(4, s.subList(0, 8).stream().mapToInt(Integer::intValue).sum(), "all four before the end: " + s);
    assertTrue(s.indexOf(1) == 0 && s.lastIndexOf(1) >= 6, "the four spread from the start to 1.5 s and later: " + s);
  }

  @Test
  void aSpreadShorterThanACheckHintsEveryoneAtOnce() {
    HintSchedule s = new HintSchedule(50, 0, 250, 0);
    assertFalse(s.spread());
    assertEquals(HintSchedule.ALL, s.start());
    assertEquals(0, s.check(250), "nothing more to send");
  }

  @Test
  void noViewersSendNothingUntilTheEndOfTheSpread() {
    List<Integer> s = shares(0, 2_000);
    assertEquals(0, s.subList(0, 8).stream().mapToInt(Integer::intValue).sum());
    assertEquals(HintSchedule.ALL, s.get(8), "a viewer that attached meanwhile still gets its hint");
  }
}
