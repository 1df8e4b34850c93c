package io.shardcast.room.media;

import io.shardcast.room.state.CborSerializable;

/** What a room tells a node's media router: relay the room to a node, stop, switch camera, mark a moment. */
public interface MediaNode extends CborSerializable {

  /** (To the origin) send the room's media to the node whose relay listens at {@code endpoint}. */
  record RelayTo(String roomId, String endpoint) implements MediaNode {}

  /** (To the origin) stop sending the room's media to {@code endpoint}. */
  record StopRelay(String roomId, String endpoint) implements MediaNode {}

  /** (To the origin and every subscribed node) the host made {@code camera} active. */
  record CameraIs(String roomId, String camera) implements MediaNode {}

  /**
   * (To the origin) put the room event {@code seq} on the first frame ingested at or after
   * {@code atMillis}: the event as viewers receive it ({@code fieldsJson}, a JSON object).
   */
  record Cue(String roomId, long atMillis, long seq, String type, String fieldsJson) implements MediaNode {}
}
