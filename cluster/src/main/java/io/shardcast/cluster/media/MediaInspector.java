package io.shardcast.cluster.media;

import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;
import io.shardcast.media.serve.MediaServer;
import io.shardcast.room.state.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * What one node's media plane holds of a room, for {@code shardcast ops media ROOM}: each track
 * (camera and layer) with its local viewers, its bitrate and how long its latest frame took from
 * ingest at the origin to this node; and the node's ingest-to-socket delivery latency. One per
 * node, found through the receptionist; it reads counters the media threads keep, and touches no
 * media path.
 */
public final class MediaInspector {

  public static final ServiceKey<Inspect> KEY = ServiceKey.create(Inspect.class, "shardcast-media-inspector");

  /** Asks for {@code roomId}'s media on this node. */
  public record Inspect(String roomId, ActorRef<NodeMedia> replyTo) implements CborSerializable {}

  /** One track here: its local viewers, bitrate, and origin-to-here lag of its latest frame (-1: none yet). */
  public record Layer(String camera, String layer, int viewers, long bytesPerSecond, double arrivalLagMs, boolean ended)
      implements CborSerializable {}

  /**
   * The room's media on {@code node}: its tracks, its local players, and the node's delivery
   * latency over every room (p50 and p99, milliseconds, NaN with nothing delivered).
   */
  public record NodeMedia(String node, boolean present, int viewers, List<Layer> layers, double deliveryP50Ms,
      double deliveryP99Ms) implements CborSerializable {}

  private MediaInspector() {}

  public static Behavior<Inspect> create(String node, MediaHub hub, MediaServer server) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return Behaviors.receive(Inspect.class)
          .onMessage(Inspect.class, i -> {
            i.replyTo().tell(inspect(node, hub, server, i.roomId()));
            return Behaviors.same();
          })
          .build();
    });
  }

  static NodeMedia inspect(String node, MediaHub hub, MediaServer server, String roomId) {
    MediaRoom room = hub.existing(roomId);
    double p50 = server.deliveryMillis(0.5);
    double p99 = server.deliveryMillis(0.99);
    if (room == null) {
      return new NodeMedia(node, false, 0, List.of(), p50, p99);
    }
    List<Layer> layers = new ArrayList<>();
    for (Track t : room.tracks()) {
      long lag = t.arrivalLagMicros();
      layers.add(new Layer(t.key.camera(), t.key.layer(), t.viewers(), Math.round(t.bytesPerSecond()),
          lag < 0 ? -1 : lag / 1000.0, t.ended()));
    }
    return new NodeMedia(node, true, room.viewers(), layers, p50, p99);
  }
}
