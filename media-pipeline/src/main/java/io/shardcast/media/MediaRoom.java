package io.shardcast.media;

import io.shardcast.media.cue.RoomCues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A room's media on this node: the tracks being published here (origin) or relayed here (edge),
 * the active camera, and how many local viewers watch. Knows nothing of the room's commerce.
 */
public final class MediaRoom {

  public final String roomId;
  private static final long CLOCK_WINDOW_MILLIS = 10_000;

  private final ConcurrentHashMap<TrackKey, Track> tracks = new ConcurrentHashMap<>();
  private volatile String activeCamera = TrackKey.DEFAULT_CAMERA;
  /** Epoch millis that is 0 on the room's media clock; set by the first publisher at the origin. */
  private volatile long clockZeroMillis = -1;
  private final AtomicInteger viewers = new AtomicInteger();
  /** Bumped on every change of tracks or camera, so viewers re-check their choice only then. */
  private final AtomicInteger version = new AtomicInteger();
  /** The room's commerce cues, put on the frames of the tracks ingested here. */
  private final RoomCues cues = new RoomCues();
  /**
   * Wall clock minus media clock (ms) for the frames ingested here: the smallest difference seen over
   * the last ten to twenty seconds, the frame that came through with the least delay, so a burst of
   * late frames does not move the room's clock; {@link Long#MIN_VALUE} before any.
   */
  private volatile long wallMinusMedia = Long.MIN_VALUE;
  private volatile long latestTimestamp = -1;
  private long windowStartMillis = -1;
  private long windowMin = Long.MAX_VALUE;
  private long previousMin = Long.MAX_VALUE;

  /** A point of the room's media clock: the frame at {@code timestamp} was taken at {@code epochMillis}. */
  public record MediaAnchor(long timestamp, long epochMillis) {}

  MediaRoom(String roomId) {
    this.roomId = roomId;
  }

  public Track track(TrackKey key) {
    return tracks.get(key);
  }

  public List<Track> tracks() {
    return new ArrayList<>(tracks.values());
  }

  public boolean live() {
    for (Track t : tracks.values()) {
      if (!t.ended()) {
        return true;
      }
    }
    return false;
  }

  void put(Track track) {
    Track old = tracks.put(track.key, track);
    if (old != null && old != track) {
      old.end();
    }
    version.incrementAndGet();
  }

  void remove(Track track) {
    if (tracks.remove(track.key, track)) {
      version.incrementAndGet();
    }
    track.end();
  }

  public RoomCues cues() {
    return cues;
  }

  /** Where the room's media clock stands: the newest ingested frame and its instant; null before any (or on an edge). */
  public MediaAnchor anchor() {
    long offset = wallMinusMedia;
    long ts = latestTimestamp;
    return offset == Long.MIN_VALUE || ts < 0 ? null : new MediaAnchor(ts, ts + offset);
  }

  /** The instant (epoch ms) of the frame at {@code timestamp} on the room's clock, as ingest measured it. */
  public long wallOf(long timestamp) {
    long offset = wallMinusMedia;
    return offset == Long.MIN_VALUE ? Long.MIN_VALUE : timestamp + offset;
  }

  /** A video frame at {@code timestamp} was ingested at {@code epochMillis} (origin publishers, every frame). */
  synchronized void observe(long timestamp, long epochMillis) {
    long o = epochMillis - timestamp;
    if (windowStartMillis < 0 || epochMillis - windowStartMillis >= CLOCK_WINDOW_MILLIS) {
      previousMin = windowMin;
      windowMin = Long.MAX_VALUE;
      windowStartMillis = epochMillis;
    }
    windowMin = Math.min(windowMin, o);
    wallMinusMedia = Math.min(windowMin, previousMin);
    latestTimestamp = Math.max(latestTimestamp, timestamp);
  }

  /** A publisher (re)started: its timestamps relate to the wall clock anew. */
  synchronized void restartClock() {
    windowStartMillis = -1;
    windowMin = Long.MAX_VALUE;
    previousMin = Long.MAX_VALUE;
  }

  public String activeCamera() {
    return activeCamera;
  }

  /** Makes {@code camera} active; viewers switch at its next keyframe. */
  public void activeCamera(String camera) {
    if (!camera.equals(activeCamera)) {
      activeCamera = camera;
      version.incrementAndGet();
    }
  }

  public int version() {
    return version.get();
  }

  public void viewerJoined() {
    viewers.incrementAndGet();
  }

  public void viewerLeft() {
    viewers.decrementAndGet();
  }

  public int viewers() {
    return viewers.get();
  }

  /**
   * What to add to a new publisher's timestamps to put them on the room's clock, from its first
   * frame ({@code timestamp}, arrived at {@code nowMillis}): every track of the room shares one
   * clock, so a viewer switching camera or layer sees time run on. The offset follows the wall
   * clock since the room's first publisher, but never puts the new stream behind the newest frame
   * the room has: an encoder's start-up delay (or the first publisher's) would otherwise leave a
   * second camera's clock behind the one on air, and viewers, who only switch to a keyframe past
   * what they have shown, would wait for it for ever. Ahead is harmless: the switch skips ahead.
   */
  public synchronized long clockOffset(long timestamp, long nowMillis) {
    long start = nowMillis - timestamp;
    if (clockZeroMillis < 0) {
      clockZeroMillis = start;
    }
    long byWall = start - clockZeroMillis;
    long newest = latestTimestamp;
    return newest < 0 ? byWall : Math.max(byWall, newest + 1 - timestamp);
  }

  /**
   * The track a viewer should watch: the active camera (or any camera while it has none) at
   * {@code layer}, or at the best layer at or below {@code maxBytesPerSecond} when layer is null.
   */
  public Track choose(String camera, String layer, double maxBytesPerSecond) {
    String cam = camera != null ? camera : activeCamera;
    Track best = null;
    Track lowest = null;
    boolean camLive = false;
    for (Track t : tracks.values()) {
      if (!t.ended() && t.key.camera().equals(cam)) {
        camLive = true;
        break;
      }
    }
    for (Track t : tracks.values()) {
      if (t.ended() || (camLive && !t.key.camera().equals(cam))) {
        continue;
      }
      if (layer != null) {
        if (t.key.layer().equals(layer)) {
          return t;
        }
        continue;
      }
      if (lowest == null || t.bytesPerSecond() < lowest.bytesPerSecond()) {
        lowest = t;
      }
      if (t.bytesPerSecond() <= maxBytesPerSecond && (best == null || t.bytesPerSecond() > best.bytesPerSecond())) {
        best = t;
      }
    }
    if (layer != null) {
      return null;
    }
    return best != null ? best : lowest;
  }

  /** The next layer below {@code current} on its camera, or null when it is the lowest. */
  public Track lower(Track current) {
    Track best = null;
    for (Track t : tracks.values()) {
      if (!t.ended() && t.key.camera().equals(current.key.camera()) && t != current
          && t.bytesPerSecond() < current.bytesPerSecond()
          && (best == null || t.bytesPerSecond() > best.bytesPerSecond())) {
        best = t;
      }
    }
    return best;
  }

  /** The next layer above {@code current} on its camera, or null when it is the highest. */
  public Track higher(Track current) {
    Track best = null;
    for (Track t : tracks.values()) {
      if (!t.ended() && t.key.camera().equals(current.key.camera()) && t != current
          && t.bytesPerSecond() > current.bytesPerSecond()
          && (best == null || t.bytesPerSecond() < best.bytesPerSecond())) {
        best = t;
      }
    }
    return best;
  }
}
