package io.shardcast.cluster.media;

import io.shardcast.media.MediaHub;
import io.shardcast.media.restream.RtmpPush;
import io.shardcast.media.restream.RtmpUrl;
import io.shardcast.room.media.MediaNode;
import io.shardcast.room.state.RoomState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The restream pushes of the rooms this node ingests: one {@link RtmpPush} per destination, made
 * to match what each room last said ({@link #apply}), stopped when the room's media leaves this
 * node. Used from the media router's actor only.
 */
final class Restreams {

  private record Running(RoomState.Destination destination, RtmpPush push) {}

  private final MediaHub hub;
  private final Map<String, Map<String, Running>> rooms = new HashMap<>();

  Restreams(MediaHub hub) {
    this.hub = hub;
  }

  /** Pushes {@code roomId} to exactly {@code destinations}: new ones start, changed ones restart, gone ones stop. */
  void apply(String roomId, List<RoomState.Destination> destinations) {
    Map<String, Running> running = rooms.computeIfAbsent(roomId, k -> new HashMap<>());
    Map<String, RoomState.Destination> wanted = new HashMap<>();
    for (RoomState.Destination d : destinations) {
      wanted.put(d.destinationId(), d);
    }
    for (Iterator<Map.Entry<String, Running>> it = running.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Running> e = it.next();
      if (!e.getValue().destination().equals(wanted.get(e.getKey()))) {
        e.getValue().push().close();
        it.remove();
      }
    }
    for (RoomState.Destination d : destinations) {
      if (!running.containsKey(d.destinationId())) {
        RtmpUrl url = RtmpUrl.parse(d.url(), d.streamKey()); // checked by the room when it was added
        running.put(d.destinationId(), new Running(d,
            new RtmpPush(hub, roomId, d.destinationId(), url, d.layer()).start()));
      }
    }
    if (running.isEmpty()) {
      rooms.remove(roomId);
    }
  }

  /** The room's media left this node: its pushes stop (the new origin, if any, starts its own). */
  void stop(String roomId) {
    Map<String, Running> running = rooms.remove(roomId);
    if (running != null) {
      running.values().forEach(r -> r.push().close());
    }
  }

  /** The rooms with pushes here. */
  Iterable<String> rooms() {
    return new ArrayList<>(rooms.keySet());
  }

  /** How each push of {@code roomId} is doing, for the room. */
  List<MediaNode.PushState> states(String roomId) {
    List<MediaNode.PushState> out = new ArrayList<>();
    Map<String, Running> running = rooms.get(roomId);
    if (running != null) {
      running.forEach((id, r) -> {
        RtmpPush.Status s = r.push().status();
        out.add(new MediaNode.PushState(id, s.state().name(), s.bytes(), s.bitsPerSecond(), s.reconnects(),
            s.lastError(), s.lastErrorAtMillis(), s.nextAttemptAtMillis()));
      });
    }
    return out;
  }

  void stopAll() {
    new ArrayList<>(rooms.keySet()).forEach(this::stop);
  }
}
