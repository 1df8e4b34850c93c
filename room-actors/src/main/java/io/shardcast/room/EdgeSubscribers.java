package io.shardcast.room;

import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.RecentFrames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A room's subscribed edges (one per node with viewers), the viewers each last reported, and the
 * seq last published to them: what the room sends once per node, whatever that node's audience.
 * Owned by the room's actor.
 */
final class EdgeSubscribers {

  private final Map<ActorRef<RoomEdge.Command>, Integer> edges = new HashMap<>();
  /** Each edge's last reported count of viewers it took in (cumulative over the edge's life). */
  private final Map<ActorRef<RoomEdge.Command>, Long> joinsSeen = new HashMap<>();
  /** Viewers taken in by all edges since {@link #takeJoins()} last ran. */
  private long joins;
  /** The seq of the last frame sent to the edges. */
  private long publishedSeq;

  /** After recovery at {@code seq}: edges subscribing later catch up from it; nothing before it is sent again. */
  void publishedUpTo(long seq) {
    publishedSeq = seq;
  }

  /** Records an edge's announcement; true when it is new (the room then watches it). */
  boolean subscribe(ActorRef<RoomEdge.Command> edge, int viewers, long edgeJoins) {
    Long before = joinsSeen.put(edge, edgeJoins);
    joins += Math.max(0, edgeJoins - (before == null ? 0 : before));
    return edges.put(edge, viewers) == null;
  }

  void remove(ActorRef<RoomEdge.Command> edge) {
    edges.remove(edge);
    joinsSeen.remove(edge);
  }

  /** The viewers the edges took in since the last call. */
  long takeJoins() {
    long taken = joins;
    joins = 0;
    return taken;
  }

  /** The viewers all edges last reported. */
  int viewers() {
    int viewers = 0;
    for (int v : edges.values()) {
      viewers += v;
    }
    return viewers;
  }

  int size() {
    return edges.size();
  }

  /**
   * Brings an edge that has everything up to {@code afterSeq} up to the room's {@code seq}: the
   * frames it lacks when the room still holds them all, else a snapshot ({@code snapshot.apply(seq)})
   * to start over from.
   */
  static void catchUp(ActorRef<RoomEdge.Command> edge, long afterSeq, long seq, RecentFrames recent,
      LongFunction<String> snapshot) {
    if (afterSeq == seq) {
      return;
    }
    if (recent.holdsAllAfter(afterSeq, seq)) {
      edge.tell(new RoomEdge.Frames(recent.after(afterSeq)));
    } else {
      edge.tell(new RoomEdge.Reset(new Frame(seq, snapshot.apply(seq), true, 0, true, 0)));
    }
  }

  /**
   * Sends every edge the frames after the last published, up to {@code seq}, as one message.
   *
   * @return the frames sent; empty when there was nothing new
   */
  List<Frame> publish(long seq, RecentFrames recent) {
    if (seq <= publishedSeq) {
      return List.of();
    }
    List<Frame> frames = List.copyOf(recent.after(publishedSeq));
    publishedSeq = seq;
    RoomEdge.Frames message = new RoomEdge.Frames(frames);
    for (ActorRef<RoomEdge.Command> edge : edges.keySet()) {
      edge.tell(message);
    }
    return frames;
  }
}
