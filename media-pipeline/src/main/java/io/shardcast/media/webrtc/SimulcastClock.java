package io.shardcast.media.webrtc;

/**
 * Puts the simulcast layers of one publisher on one clock. A browser starts each layer's RTP
 * clock at its own random value, so each layer's times are placed by its first packet's arrival,
 * and the layers of one captured frame land a few milliseconds apart (about 9 ms in Chromium,
 * which sends the layers of a frame one after another). A viewer that changes layer at a
 * keyframe would then see the same picture twice, a few milliseconds apart, and a muxer reading
 * the stream at the frame rate sees time stand still. Here the first layer with a frame is the
 * reference; each other layer, at its first frame, is shifted onto the reference frame that came
 * nearest in time (within {@link #MATCH_MILLIS}), so the layers of one capture share one time.
 * A layer with no reference frame near its first one keeps its arrival time.
 */
final class SimulcastClock {

  /** How far apart the layers of one captured frame may arrive (less than a frame at 30 fps). */
  static final long MATCH_MILLIS = 15;
  private static final int RECENT = 16;

  private final long[] shift;
  private final boolean[] placed;
  private final long[] recent = new long[RECENT];
  private int recentCount;
  private int reference = -1;

  SimulcastClock(int layers) {
    shift = new long[layers];
    placed = new boolean[layers];
  }

  /** The time of a video frame (or sequence header) of {@code layer} placed at {@code millis} by its arrival. */
  long video(int layer, long millis) {
    if (!placed[layer]) {
      placed[layer] = true;
      if (reference < 0) {
        reference = layer;
      } else {
        shift[layer] = nearestShift(millis);
      }
    }
    long t = millis + shift[layer];
    if (layer == reference) {
      recent[recentCount++ % RECENT] = t;
    }
    return t;
  }

  private long nearestShift(long millis) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < Math.min(recentCount, RECENT); i++) {
      long d = recent[i] - millis;
      if (Math.abs(d) < Math.abs(best)) {
        best = d;
      }
    }
    return Math.abs(best) <= MATCH_MILLIS ? best : 0;
  }
}
