package io.shardcast.media;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's media: every room with tracks published or relayed here. Publishing a frame wakes
 * the I/O loops that serve viewers and, for tracks ingested here, hands the frame to the relay
 * that sends it once to each other node with viewers of the room.
 */
public final class MediaHub {

  private final ConcurrentHashMap<String, MediaRoom> rooms = new ConcurrentHashMap<>();
  private final int trackCapacity;
  private volatile Runnable wake = () -> {};
  private volatile Track.Listener relay = (track, frame) -> {};
  private final Track.Listener originListener = (track, frame) -> {
    wake.run();
    relay.onFrame(track, frame);
  };
  private final Track.Listener edgeListener = (track, frame) -> wake.run();

  /** {@code trackCapacity}: frames each track's ring holds (a power of two). */
  public MediaHub(int trackCapacity) {
    this.trackCapacity = trackCapacity;
  }

  /** Whether streams ingested here with AAC get an Opus rendition for WebRTC viewers (off until the server says). */
  private volatile boolean opusForWebRtc;

  /** Set by the server: AAC ingested here is transcoded to Opus once per stream for WebRTC viewers. */
  public void opusForWebRtc(boolean on) {
    this.opusForWebRtc = on;
  }

  public boolean opusForWebRtc() {
    return opusForWebRtc;
  }

  /** Set by the server: wakes the loops that serve viewers. */
  public void onPublish(Runnable wake) {
    this.wake = wake;
  }

  /** Set by the relay: told of every frame of every track ingested here. */
  public void relay(Track.Listener relay) {
    this.relay = relay;
  }

  public MediaRoom room(String roomId) {
    return rooms.computeIfAbsent(roomId, MediaRoom::new);
  }

  public MediaRoom existing(String roomId) {
    return rooms.get(roomId);
  }

  public List<MediaRoom> rooms() {
    return new ArrayList<>(rooms.values());
  }

  /** A new track ingested on this node (replacing the key's previous track, whose viewers move on). */
  public Track openOrigin(String roomId, TrackKey key) {
    Track t = new Track(roomId, key, trackCapacity, originListener);
    room(roomId).put(t);
    return t;
  }

  /** A new track relayed here from the room's origin. */
  public Track openRelayed(String roomId, TrackKey key) {
    Track t = new Track(roomId, key, trackCapacity, edgeListener);
    room(roomId).put(t);
    return t;
  }

  /** The publisher (or the relay) of {@code track} is gone. */
  public void close(Track track) {
    MediaRoom room = rooms.get(track.roomId);
    if (room != null) {
      room.remove(track);
    } else {
      track.end();
    }
  }
}
