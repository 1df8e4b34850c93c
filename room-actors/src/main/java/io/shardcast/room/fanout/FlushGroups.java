package io.shardcast.room.fanout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The viewers of one room on one node, in flush groups that take turns. Every group gets what the
 * edge released as one message per turn, and the turns are spread evenly over the batch window:
 * with 3,300 viewers in groups of 256, one group every ~10 ms rather than all 3,300 sockets in one
 * burst. A burst that size is tens of milliseconds of socket writes on a busy node, and the viewer
 * written last waits through all of it; spread out, the writes keep pace with the window and an
 * event waits for its group's turn (at most one window) and a few hundred writes.
 *
 * <p>Turns go round the groups in order, one every {@code window / groups} (the edge's timer
 * fires on the actor scheduler's tick, 10 ms, so shorter turns are taken several at a time); a
 * group whose turn comes with nothing new is skipped, and when every group has everything the
 * turns stop until the next event, whose group is then the next in order: at once, or when the
 * turn after the last one taken falls due if that is later. So a group gets at most one message
 * per window from its turns (a full batch or a sale's opening goes at once besides). Not
 * thread-safe: owned by the edge actor.
 */
public final class FlushGroups {

  private static final class Place {
    final Group group;
    int index;

    Place(Group group, int index) {
      this.group = group;
      this.index = index;
    }
  }

  /** Viewers that get their batches together. */
  public static final class Group {
    public final ArrayList<ViewerSession> members = new ArrayList<>();
    /** Highest seq handed to this group's viewers. */
    public long sentSeq;

    Group(long sentSeq) {
      this.sentSeq = sentSeq;
    }
  }

  private final int groupSize;
  private final ArrayList<Group> groups = new ArrayList<>();
  /** Where each viewer is: its group and its index in the group's members. */
  private final HashMap<ViewerSession, Place> places = new HashMap<>();
  private int viewers;
  /** Index of the group whose turn is next. */
  private int cursor;
  private long nextTurnNanos;
  /** A timer is running for the next turn. */
  private boolean turning;
  /** {@link #nextTurnNanos} has been set once. */
  private boolean started;

  /** @param groupSize viewers per group; 0 puts every viewer in one group (one turn per window) */
  public FlushGroups(int groupSize) {
    if (groupSize < 0) {
      throw new IllegalArgumentException("group size " + groupSize);
    }
    this.groupSize = groupSize;
  }

  /**
   * Adds a viewer to the smallest group, or to a new group (which has seen everything up to
   * {@code releasedSeq}) when they are all full.
   */
  public void add(ViewerSession s, long releasedSeq) {
    if (places.containsKey(s)) {
      return;
    }
    Group target = null;
    for (int i = 0, n = groups.size(); i < n; i++) {
      Group g = groups.get(i);
      if (target == null || g.members.size() < target.members.size()) {
        target = g;
      }
    }
    if (target == null || (groupSize > 0 && target.members.size() >= groupSize)) {
      target = new Group(releasedSeq);
      groups.add(target);
    }
    places.put(s, new Place(target, target.members.size()));
    target.members.add(s);
    viewers++;
  }

  /** Removes a viewer; a group left empty is dropped. */
  public void remove(ViewerSession s) {
    Place p = places.remove(s);
    if (p == null) {
      return;
    }
    ArrayList<ViewerSession> m = p.group.members;
    int last = m.size() - 1;
    if (p.index != last) {
      ViewerSession moved = m.get(last);
      m.set(p.index, moved);
      places.get(moved).index = p.index;
    }
    m.remove(last);
    viewers--;
    if (m.isEmpty()) {
      int at = groups.indexOf(p.group);
      groups.remove(at);
      // The turns go on in the same order: the group that was next is still next.
      if (at < cursor) {
        cursor--;
      }
      if (cursor >= groups.size()) {
        cursor = 0;
      }
    }
  }

  /** A turn is scheduled: the edge's timer will call {@link #takeTurns}. */
  public boolean turning() {
    return turning;
  }

  public int viewers() {
    return viewers;
  }

  public List<Group> groups() {
    return groups;
  }

  /**
   * Takes the turns due by {@code now}: adds to {@code out} each group whose turn it is and that
   * lacks something up to {@code releasedSeq} (each group at most once). Returns the nanoseconds
   * until the next turn, or -1 when no turn is needed: every group has everything, or will once
   * {@code out} is flushed. The caller flushes {@code out} and sets their {@link Group#sentSeq}.
   */
  public long takeTurns(long now, long releasedSeq, long windowNanos, List<Group> out) {
    int k = groups.size();
    if (k == 0) {
      turning = false;
      return -1;
    }
    long turnNanos = Math.max(1, windowNanos / k);
    if (!turning) {
      // The first event after a quiet spell: the next group's turn is now, unless the last turn
      // was less than a turn ago (no group gets two messages within one window).
      if (!started || now - nextTurnNanos > 0) {
        nextTurnNanos = now;
      }
      started = true;
      turning = true;
    } else if (now - nextTurnNanos > windowNanos) {
      // The timer came a whole window late (a stalled node): start again from now rather than
      // take every missed turn at once.
      nextTurnNanos = now;
    }
    for (int taken = 0; taken < k && now - nextTurnNanos >= 0; taken++) {
      if (cursor >= k) {
        cursor = 0;
      }
      Group g = groups.get(cursor++);
      if (g.sentSeq < releasedSeq) {
        out.add(g);
      }
      nextTurnNanos += turnNanos;
    }
    for (int i = 0; i < k; i++) {
      Group g = groups.get(i);
      if (g.sentSeq < releasedSeq && !out.contains(g)) {
        return Math.max(0, nextTurnNanos - now);
      }
    }
    turning = false;
    return -1;
  }
}
