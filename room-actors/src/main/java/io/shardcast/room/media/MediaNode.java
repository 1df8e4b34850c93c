package io.shardcast.room.media;

import io.shardcast.room.state.CborSerializable;
import io.shardcast.room.state.RoomState;
import java.util.List;

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

  /**
   * (To the origin) push the room to exactly these {@code destinations} (none: stop every push).
   * Sent again with each refresh of the origin, so a lost message or a new origin catches up.
   */
  record Restream(String roomId, List<RoomState.Destination> destinations) implements MediaNode {}

  /** How one push is doing, as the origin reports it to the room (epoch ms; 0: never). */
  record PushState(String destinationId, String state, long bytes, long bitsPerSecond, int reconnects,
      String lastError, long lastErrorAtMillis, long nextAttemptAtMillis) implements CborSerializable {}
}
