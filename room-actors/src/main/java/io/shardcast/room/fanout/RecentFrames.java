package io.shardcast.room.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames a room persisted last, oldest first and at most {@code capacity} of them: what an edge
 * that missed some is sent instead of a whole snapshot. Derived from the room's events alone, so a
 * room rebuilds it on recovery.
 */
public final class RecentFrames {

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final int capacity;

  public RecentFrames(int capacity) {
    this.capacity = capacity;
  }

  public void add(Frame frame) {
    frames.addLast(frame);
    if (frames.size() > capacity) {
      frames.removeFirst();
    }
  }

  /** The frame of event {@code seq}, or null when it is not held (or the event has none). */
  public Frame get(long seq) {
    var it = frames.descendingIterator();
    while (it.hasNext()) {
      Frame f = it.next();
      if (f.seq == seq) {
        return f;
      }
      if (f.seq < seq) {
        return null;
      }
    }
    return null;
  }

  /** The frames after {@code afterSeq}, oldest first. */
  public List<Frame> after(long afterSeq) {
    List<Frame> after = new ArrayList<>();
    for (Frame f : frames) {
      if (f.seq > afterSeq) {
        after.add(f);
      }
    }
    return after;
  }

  /** Whether every frame after {@code afterSeq} up to the room's {@code lastSeq} is held here. */
  public boolean holdsAllAfter(long afterSeq, long lastSeq) {
    if (afterSeq < 0 || afterSeq > lastSeq) {
      return false;
    }
    Frame first = frames.peekFirst();
    return afterSeq == lastSeq || (first != null && first.seq <= afterSeq + 1);
  }
}
