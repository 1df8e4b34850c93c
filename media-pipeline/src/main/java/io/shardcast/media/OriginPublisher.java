package io.shardcast.media;

import io.shardcast.media.flv.Flv;

/**
 * One publisher's rendition at the origin, whatever it arrives by (RTMP, RTP): the track opens
 * with the first frame a decoder can start from (sequence header, keyframe or metadata; earlier
 * frames are dropped), the publisher's timestamps are mapped onto the room's clock, and the room
 * is told when the track starts and ends.
 */
public final class OriginPublisher {

  private final MediaHub hub;
  private final MediaDirectory directory;
  private final String roomId;
  private final TrackKey key;
  private Track track;
  private MediaRoom room;
  private long clockOffset = Long.MIN_VALUE;

  public OriginPublisher(MediaHub hub, MediaDirectory directory, String roomId, TrackKey key) {
    this.hub = hub;
    this.directory = directory;
    this.roomId = roomId;
    this.key = key;
  }

  /** A frame of {@code kind} at the publisher's {@code timestamp} (ms). */
  public void frame(int kind, long timestamp, byte[] body) {
    if (track == null) {
      boolean startable = kind == Flv.SCRIPT || (kind == Flv.VIDEO && (Flv.isVideoKeyframe(body)))
          || (kind == Flv.AUDIO && Flv.isAudioConfig(body));
      if (!startable) {
        return;
      }
      track = hub.openOrigin(roomId, key);
      room = hub.room(roomId);
      directory.publishing(roomId, key, true);
    }
    if (kind == Flv.SCRIPT) {
      track.publish(new MediaFrame(kind, 0, body, MediaClock.nowMicros()));
      return;
    }
    if (clockOffset == Long.MIN_VALUE) {
      clockOffset = room.clockOffset(System.currentTimeMillis() - timestamp);
    }
    track.publish(new MediaFrame(kind, Math.max(0, timestamp + clockOffset), body, MediaClock.nowMicros()));
  }

  /** The publisher is gone: its viewers move on (or wait for it to come back). */
  public void close() {
    if (track != null) {
      hub.close(track);
      directory.publishing(roomId, key, false);
      track = null;
    }
  }
}
