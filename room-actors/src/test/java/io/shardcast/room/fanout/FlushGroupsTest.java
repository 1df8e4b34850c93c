package io.shardcast.room.fanout;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlushGroupsTest {

  private static final long MS = 1_000_000L;
  private static final long WINDOW = 100 * MS;
  /** Any origin: System.nanoTime() may be anywhere, even negative. */
  private static final long T0 = -7_000_000_000L;

  private static List<ViewerSession> viewers(int n) {
    List<ViewerSession> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(new ViewerSession("room", "u" + i, 8, 4, 0, new FanoutStats()));
    }
    return l;
  }

  private static int[] sizes(FlushGroups fg) {
    return fg.groups().stream().mapToInt(g -> g.members.size()).toArray();
  }

  @Test
  void viewersFillGroupsOfTheConfiguredSizeAndAnEmptiedGroupGoes() {
    FlushGroups fg = new FlushGroups(256);
    List<ViewerSession> v = viewers(1000);
    v.forEach(s -> fg.add(s, 0));
    assertArrayEquals(new int[] {256, 256, 256, 232}, sizes(fg));
    assertEquals(1000, fg.viewers());
    fg.add(v.get(0), 0);
    assertEquals(1000, fg.viewers(), "a viewer added twice is counted once");
    for (int i = 768; i < 1000; i++) {
      fg.remove(v.get(i));
    }
    assertArrayEquals(new int[] {256, 256, 256}, sizes(fg));
    fg.remove(v.get(768)); // not there any more
    assertEquals(768, fg.viewers());
    fg.remove(v.get(5));
    fg.add(v.get(900), 0);
    assertArrayEquals(new int[] {256, 256, 256}, sizes(fg), "a newcomer fills the gap a leaver made");

    FlushGroups one = new FlushGroups(0);
    viewers(5000).forEach(s -> one.add(s, 0));
    assertArrayEquals(new int[] {5000}, sizes(one), "size 0: one group");
  }

  @Test
  void aFrameReachesTheGroupsOneTurnApartAndTheTurnsStopOnceAllHaveIt() {
    FlushGroups fg = new FlushGroups(256);
    viewers(1000).forEach(s -> fg.add(s, 0));
    List<FlushGroups.Group> out = new ArrayList<>();
    long now = T0;
    List<Long> flushedAt = new ArrayList<>();
    long wait = 0;
    while (wait >= 0) {
      now += wait;
      out.clear();
      wait = fg.takeTurns(now, 1, WINDOW, out);
      for (FlushGroups.Group g : out) {
        g.sentSeq = 1;
        flushedAt.add(now - T0);
      }
      assertTrue(out.size() <= 1, "one group per turn");
      assertEquals(wait >= 0, fg.turning());
    }
    assertEquals(List.of(0L, 25 * MS, 50 * MS, 75 * MS), flushedAt,
        "the first group at once, the others a quarter window apart");
    assertTrue(fg.groups().stream().allMatch(g -> g.sentSeq == 1), "every group has the frame");
  }

  @Test
  void underSteadyEventsEveryGroupGetsOneMessagePerWindowAndNoEventWaitsLonger() {
    FlushGroups fg = new FlushGroups(100);
    viewers(800).forEach(s -> fg.add(s, 0)); // 8 groups, a turn every 12.5 ms
    Map<FlushGroups.Group, List<Long>> flushes = new HashMap<>();
    List<FlushGroups.Group> out = new ArrayList<>();
    long released = 0;
    long[] releasedAt = new long[10_000];
    long nextEvent = T0;
    long nextTurn = Long.MIN_VALUE;
    boolean timer = false;
    long worstWait = 0;
    // Ten seconds: an event every 7 ms, the timer taking turns when asked.
    for (long now = T0; now - T0 < 10_000 * MS; now += MS) {
      boolean turnNow = timer && now - nextTurn >= 0;
      if (now - nextEvent >= 0) {
        released++;
        releasedAt[(int) released] = now;
        nextEvent += 7 * MS;
        turnNow |= !fg.turning();
      }
      if (!turnNow) {
        continue;
      }
      out.clear();
      long wait = fg.takeTurns(now, released, WINDOW, out);
      for (FlushGroups.Group g : out) {
        for (long s = g.sentSeq + 1; s <= released; s++) {
          worstWait = Math.max(worstWait, now - releasedAt[(int) s]);
        }
        g.sentSeq = released;
        flushes.computeIfAbsent(g, k -> new ArrayList<>()).add(now);
      }
      timer = wait >= 0;
      nextTurn = now + Math.max(wait, 0);
    }
    assertEquals(8, flushes.size(), "every group was served");
    for (List<Long> times : flushes.values()) {
      assertTrue(times.size() >= 99 && times.size() <= 101, "one message per window: " + times.size());
      for (int i = 1; i < times.size(); i++) {
        long gap = times.get(i) - times.get(i - 1);
        assertTrue(gap >= WINDOW - MS && gap <= WINDOW + MS, "a group's messages are a window apart: " + gap / MS);
      }
    }
    assertTrue(worstWait <= WINDOW, "no event waits more than a window for any group: " + worstWait / MS + " ms");
  }

  @Test
  void aLateTimerServesOneGroupNowAndTheRestInTurnNotAllAtOnce() {
    FlushGroups fg = new FlushGroups(10);
    viewers(40).forEach(s -> fg.add(s, 0));
    List<FlushGroups.Group> out = new ArrayList<>();
    long wait = fg.takeTurns(T0, 1, WINDOW, out);
    assertEquals(1, out.size());
    out.get(0).sentSeq = 1;
    assertEquals(25 * MS, wait);
    out.clear();
    // The node stalled for a second: the next call must not hand every group its batch at once.
    wait = fg.takeTurns(T0 + 1000 * MS, 1, WINDOW, out);
    assertEquals(1, out.size(), "one group after the stall");
    assertEquals(25 * MS, wait);
  }

  @Test
  void theFirstEventAfterAQuietSpellGoesAtOnceButNoGroupGetsTwoMessagesWithinAWindow() {
    FlushGroups fg = new FlushGroups(0);
    viewers(3).forEach(s -> fg.add(s, 0));
    List<FlushGroups.Group> out = new ArrayList<>();
    assertEquals(-1, fg.takeTurns(T0, 1, WINDOW, out), "one group: served at once, nothing left");
    assertEquals(1, out.size());
    out.get(0).sentSeq = 1;
    out.clear();
    // Another event 30 ms later: the group had a message 30 ms ago, so it waits for its turn.
    long wait = fg.takeTurns(T0 + 30 * MS, 2, WINDOW, out);
    assertTrue(out.isEmpty());
    assertEquals(70 * MS, wait);
    assertEquals(-1, fg.takeTurns(T0 + 100 * MS, 2, WINDOW, out));
    assertEquals(1, out.size());
    out.get(0).sentSeq = 2;
    out.clear();
    // Quiet for a second, then an event: at once.
    assertEquals(-1, fg.takeTurns(T0 + 1100 * MS, 3, WINDOW, out));
    assertEquals(1, out.size());
  }

  @Test
  void aGroupThatEmptiesDoesNotChangeWhoseTurnIsNext() {
    FlushGroups fg = new FlushGroups(2);
    List<ViewerSession> v = viewers(8); // four groups of two: A, B, C, D
    v.forEach(s -> fg.add(s, 0));
    List<FlushGroups.Group> groups = new ArrayList<>(fg.groups());
    List<FlushGroups.Group> out = new ArrayList<>();
    fg.takeTurns(T0, 1, WINDOW, out);
    assertEquals(List.of(groups.get(0)), out, "A first");
    out.get(0).sentSeq = 1;
    // A (before the cursor) and D (after it) empty out: B is still next, then C.
    for (ViewerSession s : List.copyOf(groups.get(0).members)) {
      fg.remove(s);
    }
    for (ViewerSession s : List.copyOf(groups.get(3).members)) {
      fg.remove(s);
    }
    assertEquals(List.of(groups.get(1), groups.get(2)), fg.groups());
    out.clear();
    fg.takeTurns(T0 + 25 * MS, 1, WINDOW, out);
    assertEquals(List.of(groups.get(1)), out, "B next");
    out.get(0).sentSeq = 1;
    out.clear();
    assertEquals(-1, fg.takeTurns(T0 + 75 * MS, 1, WINDOW, out));
    assertEquals(List.of(groups.get(2)), out, "then C");
  }

  @Test
  void viewersLeavingInAnyOrderLeaveTheOthersInTheirGroups() {
    FlushGroups fg = new FlushGroups(0);
    List<ViewerSession> v = viewers(1000);
    v.forEach(s -> fg.add(s, 0));
    for (int i = 0; i < 1000; i += 3) {
      fg.remove(v.get(i));
    }
    List<ViewerSession> left = fg.groups().get(0).members;
    assertEquals(666, left.size());
    assertEquals(666, fg.viewers());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i % 3 != 0, left.contains(v.get(i)), "viewer " + i);
    }
    for (int i = 0; i < 1000; i++) {
      fg.remove(v.get(i));
    }
    assertTrue(fg.groups().isEmpty());
    assertEquals(0, fg.viewers());
  }
}
