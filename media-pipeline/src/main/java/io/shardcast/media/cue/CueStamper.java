package io.shardcast.media.cue;

import java.util.ArrayList;
import java.util.List;

/**
 * One origin track's view of its room's cues: which are due on the next video frame. A cue is due
 * on the first frame ingested at or after its instant; a cue for a moment to come (a sale's reveal)
 * waits here until then. Reads the room's cues only when there are new ones, so a frame without a
 * cue costs a volatile read.
 */
public final class CueStamper {

  /** A cue whose instant passed this long before the track started is not put on its frames. */
  private static final long STALE_MILLIS = 2_000;

  private final RoomCues cues;
  private long scanned;
  private final ArrayList<Cue> waiting = new ArrayList<>();
  private final ArrayList<Cue> due = new ArrayList<>();

  /** A track starting at {@code startMillis}: cues still to come (or just past) apply to it too. */
  public CueStamper(RoomCues cues, long startMillis) {
    this.cues = cues;
    long count = cues.count();
    for (long n = Math.max(0, count - RoomCues.CAPACITY); n < count; n++) {
      Cue c = cues.get(n);
      if (c != null && c.atMillis() >= startMillis - STALE_MILLIS) {
        waiting.add(c);
      }
    }
    scanned = count;
  }

  /**
   * The cues due on a video frame ingested at {@code nowMillis}, in the order of their instants;
   * the returned list is reused by the next call.
   */
  public List<Cue> due(long nowMillis) {
    due.clear();
    long count = cues.count();
    if (count != scanned) {
      for (long n = Math.max(scanned, count - RoomCues.CAPACITY); n < count; n++) {
        Cue c = cues.get(n);
        if (c != null) {
          waiting.add(c);
        }
      }
      scanned = count;
    }
    if (waiting.isEmpty()) {
      return due;
    }
    for (int i = waiting.size() - 1; i >= 0; i--) {
      if (waiting.get(i).atMillis() <= nowMillis) {
        due.add(waiting.remove(i));
      }
    }
    if (due.size() > 1) {
      due.sort((a, b) -> a.atMillis() != b.atMillis() ? Long.compare(a.atMillis(), b.atMillis())
          : Long.compare(a.seq(), b.seq()));
    }
    return due;
  }
}
