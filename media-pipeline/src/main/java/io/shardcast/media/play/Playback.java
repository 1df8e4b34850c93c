package io.shardcast.media.play;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;
import io.shardcast.media.flv.Flv;
import java.nio.ByteBuffer;

/**
 * One viewer's position in a room's media: which track it watches, the next frame it gets, and
 * the rules that keep it watchable. It starts at the latest keyframe (with sequence headers
 * first); when it falls behind it drops video up to the newest keyframe while audio keeps
 * flowing; it changes camera or layer only at a keyframe of the new track whose time is past
 * what it has shown, sending that track's sequence headers first, so decoders never see a frame
 * without its reference or time running backwards. It holds no media, only positions in shared
 * frames, and allocates nothing per frame.
 */
public final class Playback {

  private final MediaRoom room;
  /** Pinned camera, or null to follow the room's active camera. */
  private final String camera;
  /** Pinned layer, or null to choose by throughput. */
  private final String layer;
  private final int encoding;
  private final int loop;
  private final int loops;
  private final long maxLagMillis;
  private final LayerSelector layers;
  /** Which audio this viewer takes: Opus (WebRTC) or the stream's own (AAC, for FLV and RTMP). */
  private boolean opusAudio;
  /** A first keyframe older than this behind the newest frame is not started at (0: any). */
  private long maxStartAgeMillis;

  private Track track;
  private Track target;
  private long next;
  private int seenVersion = -1;
  private boolean reconsider = true;
  private boolean skippingVideo;
  private long lastVideoTs = -1;
  private long lastAudioTs = -1;
  private final MediaFrame[] preamble = new MediaFrame[3];
  private int preambleCount;
  private int preambleIndex;
  private long droppedVideo;
  private long switches;
  private long lastFrameIngestMicros;
  private long endedSinceMillis;
  private long firstCallMillis;
  /** How long a new viewer waits for the active camera before it starts on another one. */
  private static final long CAMERA_WAIT_MILLIS = 2_000;
  /**
   * How far behind the track's newest frame a WebRTC viewer's sound may be sent. A browser's audio
   * buffer keeps whatever arrives at once (a GOP's worth of sound at a session's start, a burst from
   * an encoder or the relay) and plays it down barely if at all, so stale sound is dropped here
   * instead: the ear forgives a skip at the start, not a lasting delay.
   */
  static final long MAX_OPUS_LAG_MILLIS = 200;
  /** How long a {@link #freshStart} viewer waits for a fresh keyframe before it takes the last one. */
  static final long FRESH_WAIT_MILLIS = 2_500;
  /** How far the picture may hold for a camera or layer whose clock runs behind (see {@link #holdsFor}). */
  static final long MAX_HOLD_MILLIS = 2_000;

  public Playback(MediaRoom room, String camera, String layer, int encoding, int loop, int loops,
      long maxLagMillis, LayerSelector layers) {
    this.room = room;
    this.camera = camera;
    this.layer = layer;
    this.encoding = encoding;
    this.loop = loop;
    this.loops = loops;
    this.maxLagMillis = maxLagMillis;
    this.layers = layers;
  }

  /**
   * The next bytes to send (a shared frame's view, positioned at its start), or null when the
   * viewer is caught up or waits for a first keyframe.
   */
  public ByteBuffer next(long nowMillis) {
    MediaFrame f = nextFrame(nowMillis);
    return f == null ? null : view(f);
  }

  /** As {@link #next}, the frame itself (for paths that packetize frames rather than write bytes). */
  public MediaFrame nextFrame(long nowMillis) {
    if (firstCallMillis == 0) {
      firstCallMillis = nowMillis;
    }
    while (true) {
      if (preambleIndex < preambleCount) {
        MediaFrame f = preamble[preambleIndex];
        preamble[preambleIndex++] = null;
        return f;
      }
      if (track == null || reconsider || room.version() != seenVersion || track.ended()) {
        choose(nowMillis);
        if (preambleIndex < preambleCount) {
          continue;
        }
      }
      if (target != null && switchable(target)) {
        start(target);
        continue;
      }
      if (track == null) {
        return null;
      }
      if (next >= track.head()) {
        return null;
      }
      MediaFrame f = track.frame(next);
      if (f != null && target != null && f.isVideo() && holdsFor(target, f.timestamp)) {
        return null;
      }
      if (f == null) {
        // Overwritten before this viewer got it: it is a ring length behind; start again at the newest keyframe.
        droppedVideo++;
        next = Math.max(track.lastKeyframeSeq(), track.head() - track.capacity() + 1);
        skippingVideo = true;
        continue;
      }
      next++;
      if (f.isVideo()) {
        if (!skippingVideo && track.latestTimestamp() - f.timestamp > maxLagMillis) {
          skippingVideo = true;
          if (layer == null && layers != null && layers.lagged(room, track, nowMillis)) {
            reconsider = true;
          }
        }
        if (!skippingVideo && f.timestamp < lastVideoTs) {
          skippingVideo = true; // never time backwards: wait for a keyframe past what was shown
        }
        if (skippingVideo) {
          if (f.keyframe && f.seq() >= track.lastKeyframeSeq() && f.timestamp >= lastVideoTs) {
            skippingVideo = false;
          } else {
            droppedVideo++;
            continue;
          }
        }
        lastVideoTs = f.timestamp;
      } else if (f.isAudio()) {
        if (Flv.isOpus(f.body) != opusAudio) {
          continue; // the other rendition of the same sound
        }
        if (f.timestamp < lastAudioTs || (opusAudio && track.latestTimestamp() - f.timestamp > MAX_OPUS_LAG_MILLIS)) {
          continue;
        }
        lastAudioTs = f.timestamp;
      }
      lastFrameIngestMicros = f.ingestMicros;
      return f;
    }
  }

  /**
   * This viewer starts at a keyframe at most {@code millis} older than the track's newest frame,
   * waiting for the next one otherwise (at most {@link #FRESH_WAIT_MILLIS}). A WebRTC viewer sent a
   * whole GOP at once reads the burst as network jitter and keeps its picture that much later
   * for a long time (measured: 300-500 ms more glass to glass); waiting a fraction of a GOP for
   * the first picture costs less than that.
   */
  public Playback freshStart(long millis) {
    maxStartAgeMillis = millis;
    return this;
  }

  /** This viewer takes the Opus rendition of the audio (a WebRTC viewer) instead of the AAC. */
  public Playback opusAudio() {
    opusAudio = true;
    return this;
  }

  /**
   * The viewer cannot decode until a keyframe (a WebRTC picture loss): video waits for the next
   * keyframe of the track; audio goes on.
   */
  public void awaitKeyframe() {
    if (lastVideoTs >= 0) {
      skippingVideo = true;
    }
  }

  /** Called now and then (every loop pass that wrote): feeds layer selection with the backlog. */
  public void observe(long nowMillis) {
    if (track != null && layer == null && layers != null && target == null) {
      long backlog = Math.max(0, track.latestTimestamp() - Math.max(lastVideoTs, 0));
      if (layers.observe(room, track, backlog, nowMillis)) {
        reconsider = true;
      }
    }
  }

  /** A WebRTC viewer's bandwidth estimate (bytes/s): feeds layer selection as the backlog does for FLV. */
  public void bandwidth(double bytesPerSecond, long nowMillis) {
    if (track != null && layer == null && layers != null && target == null
        && layers.estimate(room, track, bytesPerSecond, nowMillis)) {
      reconsider = true;
    }
  }

  private void choose(long nowMillis) {
    seenVersion = room.version();
    reconsider = false;
    double cap = layers != null && layer == null ? layers.maxBytesPerSecond() : Double.MAX_VALUE;
    Track desired = room.choose(camera, layer, cap);
    if (track == null) {
      String wanted = camera != null ? camera : room.activeCamera();
      // A new viewer waits a moment for the camera it should see (on an edge, tracks arrive one by
      // one) rather than flash another camera first.
      boolean fallback = desired != null && !desired.key.camera().equals(wanted);
      if (desired != null && switchable(desired) && (!fallback || nowMillis - firstCallMillis >= CAMERA_WAIT_MILLIS)
          && (maxStartAgeMillis <= 0 || desired.latestTimestamp() - desired.lastKeyframeTimestamp() <= maxStartAgeMillis
              || nowMillis - firstCallMillis >= FRESH_WAIT_MILLIS)) {
        start(desired);
      }
      return;
    }
    target = desired == track ? null : desired;
  }

  /**
   * Whether the frame at {@code timestamp} of the current track waits for {@code t}, the track this
   * viewer is to switch to: when {@code t} is flowing but its clock runs behind (another encoder's
   * clock drifts, or started late), showing on would keep the viewer ahead of every keyframe
   * {@code t} has, and the switch would never come. So the picture holds (at most
   * {@link #MAX_HOLD_MILLIS}) until {@code t}'s time passes it, and the switch is at {@code t}'s
   * next keyframe.
   */
  private static boolean holdsFor(Track t, long timestamp) {
    long behind = timestamp - t.latestTimestamp();
    return behind >= 0 && behind <= MAX_HOLD_MILLIS && t.lastKeyframeSeq() >= 0 && !t.ended();
  }

  /** A track can be joined once it has a keyframe, its sequence header, and is past what was shown. */
  private boolean switchable(Track t) {
    return t.lastKeyframeSeq() >= 0 && t.videoConfig() != null && t.lastKeyframeTimestamp() > lastVideoTs
        && t.frame(t.lastKeyframeSeq()) != null;
  }

  private void start(Track t) {
    boolean first = track == null;
    if (!first) {
      switches++;
      track.viewerLeft();
    }
    t.viewerJoined();
    track = t;
    target = null;
    next = t.lastKeyframeSeq();
    skippingVideo = false;
    preambleCount = 0;
    preambleIndex = 0;
    if (first && t.metadata() != null) {
      preamble[preambleCount++] = t.metadata();
    }
    preamble[preambleCount++] = t.videoConfig();
    if (t.audioConfig() != null) {
      preamble[preambleCount++] = t.audioConfig();
    }
  }

  private ByteBuffer view(MediaFrame f) {
    ByteBuffer b = f.view(encoding, loop, loops);
    b.clear();
    return b;
  }

  /** True when the room has had no live track for {@code graceMillis}: the viewer's stream is over. */
  public boolean over(long nowMillis, long graceMillis) {
    if (room.live()) {
      endedSinceMillis = 0;
      return false;
    }
    if (endedSinceMillis == 0) {
      endedSinceMillis = nowMillis;
    }
    return nowMillis - endedSinceMillis >= graceMillis;
  }

  public Track track() {
    return track;
  }

  public MediaRoom room() {
    return room;
  }

  public long droppedVideo() {
    return droppedVideo;
  }

  public long switches() {
    return switches;
  }

  /** Ingest instant of the last frame handed out (for the latency figure). */
  /** The viewer is gone: it no longer counts on its track. */
  public void leave() {
    if (track != null) {
      track.viewerLeft();
      track = null;
    }
  }

  public long lastFrameIngestMicros() {
    return lastFrameIngestMicros;
  }
}
