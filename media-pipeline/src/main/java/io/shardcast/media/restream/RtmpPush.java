package io.shardcast.media.restream;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.play.Playback;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's stream pushed to one platform over RTMP(S), from the node that ingests it, as it was
 * ingested (no transcoding): the room's active camera at {@code layer} (or its best layer), with
 * metadata and sequence headers first, so the platform sees what an encoder would send. While it
 * runs it never gives up: a failed or dropped connection is tried again after a wait that doubles
 * from 1 s up to 60 s (back to 1 s once a connection held 30 s), and a refused stream key waits at
 * least 30 s, so a wrong key is reported rather than hammered. The key is in no log line and no
 * status. One thread per push (a room has a handful); it writes frames from the room's shared
 * RTMP bytes, allocating nothing per frame.
 */
public final class RtmpPush implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RtmpPush.class);

  public enum State { WAITING, CONNECTING, LIVE, RETRYING, STOPPED }

  /**
   * What the host and the operator see of a push: its state, bytes and rate sent, how often it had
   * to connect again, the last error and when, and when it tries next (0 unless retrying).
   */
  public record Status(State state, long bytes, long bitsPerSecond, int reconnects, String lastError,
      long lastErrorAtMillis, long nextAttemptAtMillis) {}

  static final long MIN_BACKOFF_MILLIS = 1_000;
  static final long MAX_BACKOFF_MILLIS = 60_000;
  static final long REFUSED_BACKOFF_MILLIS = 30_000;
  /** A connection that held this long was a good one: the next failure waits the least again. */
  static final long STABLE_MILLIS = 30_000;
  private static final int TIMEOUT_MILLIS = 10_000;
  /** A push further behind than this (a slow path to the platform) skips to the newest keyframe. */
  private static final long MAX_LAG_MILLIS = 3_000;
  private static final long IDLE_POLL_MILLIS = 5;

  private final MediaHub hub;
  private final String roomId;
  private final String name;
  private final RtmpUrl url;
  private final String layer;
  private final Thread thread;
  private volatile boolean closed;
  private volatile State state = State.WAITING;
  private volatile long bytes;
  private volatile long bitsPerSecond;
  private volatile int reconnects;
  private volatile String lastError;
  private volatile long lastErrorAtMillis;
  private volatile long nextAttemptAtMillis;
  private volatile RtmpClient client;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private long rateSinceMillis;
  private long rateSinceBytes;

  /** A push of room {@code roomId} to {@code url} (named {@code name} in logs), not started. */
  public RtmpPush(MediaHub hub, String roomId, String name, RtmpUrl url, String layer) {
    this.hub = hub;
    this.roomId = roomId;
    this.name = name;
    this.url = url;
    this.layer = layer;
    this.thread = new Thread(this::run, "restream-" + roomId + "-" + name);
    thread.setDaemon(true);
  }

  public RtmpPush start() {
    thread.start();
    return this;
  }

  public Status status() {
    State now = state;
    return new Status(now, bytes, bitsPerSecond, reconnects, lastError, lastErrorAtMillis,
        now == State.RETRYING ? nextAttemptAtMillis : 0);
  }

  /**
   * Stops the push: its connection closes and its thread ends on its own (a connect under way may
   * take up to its 10 s timeout). Returns at once: the caller (the media router's actor) never waits.
   */
  @Override
  public void close() {
    closed = true;
    RtmpClient c = client;
    if (c != null) {
      c.close();
    }
    thread.interrupt();
    state = State.STOPPED;
  }

  private void run() {
    while (!closed) {
      MediaRoom room = hub.existing(roomId);
      if (room == null || !room.live()) {
        state = State.WAITING;
        pause(200);
        continue;
      }
      state = State.CONNECTING;
      long connectedAt = 0;
      long wait;
      try {
        RtmpClient c = RtmpClient.publish(url, TIMEOUT_MILLIS);
        client = c;
        connectedAt = System.currentTimeMillis();
        state = State.LIVE;
        log.info("Restream of room {} to {} ({}): publishing", roomId, name, url);
        try {
          push(room, c);
        } finally {
          c.unpublish(url.streamKey());
          c.close();
          client = null;
        }
        wait = MIN_BACKOFF_MILLIS;
        if (closed || !room.live()) {
          continue;
        }
        failed("the stream ended on this node", false);
      } catch (RtmpClient.Refused e) {
        failed(e.getMessage(), true);
        wait = Math.max(REFUSED_BACKOFF_MILLIS, backoffMillis);
      } catch (IOException | RuntimeException e) {
        if (closed) {
          break;
        }
        failed(e.getMessage() == null ? e.toString() : e.getMessage(), false);
        wait = backoffMillis;
      }
      if (connectedAt > 0 && System.currentTimeMillis() - connectedAt >= STABLE_MILLIS) {
        backoffMillis = MIN_BACKOFF_MILLIS;
        wait = MIN_BACKOFF_MILLIS;
      } else {
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      }
      nextAttemptAtMillis = System.currentTimeMillis() + wait;
      state = State.RETRYING;
      pause(wait);
    }
    state = State.STOPPED;
  }

  /** Writes the room's frames until the room ends here, the push is closed, or the connection fails. */
  private void push(MediaRoom room, RtmpClient c) throws IOException {
    Playback playback = new Playback(room, null, layer, MediaFrame.RTMP, 0, 1, MAX_LAG_MILLIS, null);
    rateSinceMillis = System.currentTimeMillis();
    rateSinceBytes = c.bytesOut();
    long before = c.bytesOut();
    try {
      while (!closed) {
        long now = System.currentTimeMillis();
        MediaFrame f = playback.nextFrame(now);
        if (f == null) {
          c.flush();
          bytes += c.bytesOut() - before;
          before = c.bytesOut();
          rate(now, c.bytesOut());
          if (playback.over(now, 5_000)) {
            return;
          }
          pause(IDLE_POLL_MILLIS);
          continue;
        }
        c.send(f);
      }
    } finally {
      bytes += c.bytesOut() - before;
      playback.leave();
    }
  }

  private void rate(long now, long total) {
    if (now - rateSinceMillis >= 2_000) {
      bitsPerSecond = (total - rateSinceBytes) * 8_000 / (now - rateSinceMillis);
      rateSinceMillis = now;
      rateSinceBytes = total;
    }
  }

  private void failed(String why, boolean refused) {
    String safe = why.replace(url.streamKey(), "<key>");
    reconnects++;
    lastError = safe;
    lastErrorAtMillis = System.currentTimeMillis();
    bitsPerSecond = 0;
    log.warn("Restream of room {} to {} ({}): {}{}", roomId, name, url, safe,
        refused ? "; trying again in at least 30 s" : "; trying again in " + backoffMillis / 1000 + " s");
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // closed: the loop looks
    }
  }
}
