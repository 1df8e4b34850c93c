package io.shardcast.media;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The frames of one rendition on this node: a ring shared by every local viewer (each holds only
 * its position), plus what a late joiner needs first (metadata, sequence headers, the latest
 * keyframe: the GOP cache). One thread publishes (the ingest connection or the relay); any number
 * of I/O loops read.
 */
public final class Track {

  public final String roomId;
  public final TrackKey key;
  private final MediaFrame[] ring;
  private final int mask;
  /** Seq the next frame gets; frames below it are readable until overwritten. */
  private volatile long head;
  private volatile MediaFrame metadata;
  private volatile MediaFrame videoConfig;
  private volatile MediaFrame audioConfig;
  private volatile long lastKeyframeSeq = -1;
  private volatile long lastKeyframeTimestamp = -1;
  private volatile long latestTimestamp = -1;
  private volatile boolean ended;
  /** Bytes per second of the track's media, smoothed (orders layers, feeds layer selection). */
  private volatile double bytesPerSecond;
  private long rateWindowStartMillis = -1;
  private long rateWindowBytes;
  private final Listener listener;
  /** Local viewers watching this track now (their playback's current track). */
  private final AtomicInteger viewers = new AtomicInteger();
  /** Set once a video frame is reordered (B-frames): WebRTC players stutter on it. */
  private volatile boolean reordered;
  /** How long the latest frame took from ingest at the origin to this node's track, in microseconds. */
  private volatile long arrivalLagMicros = -1;

  /** Told of every frame a track takes (on the publisher's thread): wakes readers, relays to other nodes. */
  public interface Listener {
    /** {@code frame} was published on {@code track}; null when the track ended. */
    void onFrame(Track track, MediaFrame frame);
  }

  /** {@code capacity} frames (a power of two). */
  public Track(String roomId, TrackKey key, int capacity, Listener listener) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("track capacity must be a power of two, not " + capacity);
    }
    this.roomId = roomId;
    this.key = key;
    this.ring = new MediaFrame[capacity];
    this.mask = capacity - 1;
    this.listener = listener;
  }

  /** Adds a frame (publisher thread only). Sequence headers and metadata are kept apart as well. */
  public void publish(MediaFrame frame) {
    if (frame.kind == io.shardcast.media.flv.Flv.SCRIPT && !frame.cue) {
      metadata = frame;
      listener.onFrame(this, frame);
      return;
    } else if (frame.config) {
      boolean first = frame.isVideo() ? videoConfig == null : audioConfig == null;
      if (frame.isVideo()) {
        videoConfig = frame;
      } else {
        audioConfig = frame;
      }
      if (first) {
        listener.onFrame(this, frame);
        return; // late joiners get it from the cache; only a changed header travels in order
      }
    }
    long seq = head;
    frame.seq = seq;
    ring[(int) (seq & mask)] = frame;
    if (frame.keyframe) {
      lastKeyframeSeq = seq;
      lastKeyframeTimestamp = frame.timestamp;
    }
    if (!reordered && frame.isVideo() && io.shardcast.media.flv.Flv.isReordered(frame.body)) {
      reordered = true;
    }
    if (frame.kind != io.shardcast.media.flv.Flv.SCRIPT) {
      latestTimestamp = Math.max(latestTimestamp, frame.timestamp);
      measure(frame);
      if (frame.ingestMicros > 0) {
        arrivalLagMicros = Math.max(0, MediaClock.nowMicros() - frame.ingestMicros);
      }
    }
    head = seq + 1;
    listener.onFrame(this, frame);
  }

  private void measure(MediaFrame frame) {
    long t = frame.timestamp;
    if (rateWindowStartMillis < 0 || t < rateWindowStartMillis) {
      rateWindowStartMillis = t;
      rateWindowBytes = 0;
    }
    rateWindowBytes += frame.body.length;
    long span = t - rateWindowStartMillis;
    if (span >= 1000) {
      double rate = rateWindowBytes * 1000.0 / span;
      bytesPerSecond = bytesPerSecond == 0 ? rate : 0.7 * bytesPerSecond + 0.3 * rate;
      rateWindowStartMillis = t;
      rateWindowBytes = 0;
    }
  }

  /** A local viewer started watching this track. */
  public void viewerJoined() {
    viewers.incrementAndGet();
  }

  /** A local viewer stopped watching this track (left, or switched to another). */
  public void viewerLeft() {
    viewers.decrementAndGet();
  }

  public int viewers() {
    return viewers.get();
  }

  /** Ingest at the origin to this node, for the latest frame, in microseconds; -1 before any. */
  public long arrivalLagMicros() {
    return arrivalLagMicros;
  }

  /** The frame at {@code seq}, or null when it is not (or no longer) in the ring. */
  public MediaFrame frame(long seq) {
    if (seq < 0 || seq >= head) {
      return null;
    }
    MediaFrame f = ring[(int) (seq & mask)];
    return f != null && f.seq == seq ? f : null;
  }

  public long head() {
    return head;
  }

  public int capacity() {
    return ring.length;
  }

  public long lastKeyframeSeq() {
    return lastKeyframeSeq;
  }

  public long lastKeyframeTimestamp() {
    return lastKeyframeTimestamp;
  }

  public long latestTimestamp() {
    return latestTimestamp;
  }

  public MediaFrame metadata() {
    return metadata;
  }

  public MediaFrame videoConfig() {
    return videoConfig;
  }

  public MediaFrame audioConfig() {
    return audioConfig;
  }

  /**
   * Whether the encoder sends B-frames (frames shown out of decode order). Every node sees it in
   * the frames it has; the origin also warns the host.
   */
  public boolean reordered() {
    return reordered;
  }

  public double bytesPerSecond() {
    return bytesPerSecond;
  }

  public boolean ended() {
    return ended;
  }

  /** The publisher left: readers move to the track that replaces it, or stop. */
  public void end() {
    ended = true;
    listener.onFrame(this, null);
  }
}
