package io.shardcast.media;

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
  private final ConcurrentHashMap<TrackKey, Track> tracks = new ConcurrentHashMap<>();
  private volatile String activeCamera = TrackKey.DEFAULT_CAMERA;
  /** Epoch millis that is 0 on the room's media clock; set by the first publisher at the origin. */
  private volatile long clockZeroMillis = -1;
  private final AtomicInteger viewers = new AtomicInteger();
  /** Bumped on every change of tracks or camera, so viewers re-check their choice only then. */
  private final AtomicInteger version = new AtomicInteger();

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
   * Milliseconds on the room clock for a publisher whose stream started at {@code firstMillis}
   * (epoch) : every track of the room shares one clock, so a viewer switching camera or layer sees
   * time run on.
   */
  public synchronized long clockOffset(long streamStartEpochMillis) {
    if (clockZeroMillis < 0) {
      clockZeroMillis = streamStartEpochMillis;
    }
    return streamStartEpochMillis - clockZeroMillis;
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
