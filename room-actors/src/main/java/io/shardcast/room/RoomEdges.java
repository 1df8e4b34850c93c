package io.shardcast.room;

import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * This node's directory of room edges: creates a room's edge with its first local viewer and
 * stops it once the room has had no local viewer for the idle timeout. Every message for an
 * edge goes through here, so no viewer is ever attached to an edge that is stopping.
 */
public final class RoomEdges {

  /** Messages of the directory. */
  public sealed interface Command {}

  public record Attach(String roomId, ViewerSession session, long since, Frame snapshot) implements Command {}

  public record Detach(String roomId, ViewerSession session) implements Command {}

  public record Like(String roomId, int count) implements Command {}

  /** Local viewers per room, for metrics and placement. */
  public record GetViewers(ActorRef<Viewers> replyTo) implements Command {}

  /**
   * Local viewers per room with at least one edge here, and the highest seq each edge handed to its
   * viewers (two readings a second apart give the room's events per second).
   */
  public record Viewers(Map<String, Integer> byRoom, Map<String, Long> seqByRoom) {}

  private enum Sweep implements Command { INSTANCE }

  private static final class Edge {
    final ActorRef<RoomEdge.Command> ref;
    final AtomicLong seq;
    int viewers;
    long idleSinceMillis;

    Edge(ActorRef<RoomEdge.Command> ref, AtomicLong seq) {
      this.ref = ref;
      this.seq = seq;
    }
  }

  /** @param stats this node's fan-out counters, which edges and viewers are counted in */
  public static Behavior<Command> create(RoomSettings settings, FanoutStats stats) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Map<String, Edge> edges = new HashMap<>();
      long[] generation = {0};
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, Duration.ofSeconds(5));
      return Behaviors.receive(Command.class)
          .onMessage(Attach.class, a -> {
            Edge edge = edges.computeIfAbsent(a.roomId(), id -> {
              stats.activeEdges.incrementAndGet();
              AtomicLong seq = new AtomicLong(-1);
              return new Edge(ctx.spawn(RoomEdge.create(id, settings, stats, seq), "edge-" + id + "-"
                  + (++generation[0]), DispatcherSelector.fromConfig(LiveRoom.DISPATCHER)), seq);
            });
            edge.viewers++;
            stats.connectedViewers.incrementAndGet();
            edge.ref.tell(new RoomEdge.Attach(a.session(), a.since(), a.snapshot()));
            return Behaviors.same();
          })
          .onMessage(Detach.class, d -> {
            Edge edge = edges.get(d.roomId());
            if (edge != null) {
              edge.ref.tell(new RoomEdge.Detach(d.session()));
              stats.connectedViewers.decrementAndGet();
              if (--edge.viewers == 0) {
                edge.idleSinceMillis = System.currentTimeMillis();
              }
            }
            return Behaviors.same();
          })
          .onMessage(Like.class, l -> {
            Edge edge = edges.get(l.roomId());
            if (edge != null) {
              edge.ref.tell(new RoomEdge.Like(l.count()));
            }
            return Behaviors.same();
          })
          .onMessage(GetViewers.class, g -> {
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Long> seqs = new HashMap<>();
            edges.forEach((id, e) -> {
              counts.put(id, e.viewers);
              seqs.put(id, e.seq.get());
            });
            g.replyTo().tell(new Viewers(counts, seqs));
            return Behaviors.same();
          })
          .onMessageEquals(Sweep.INSTANCE, () -> {
            long cutoff = System.currentTimeMillis() - settings.edgeIdleTimeout().toMillis();
            for (Iterator<Edge> it = edges.values().iterator(); it.hasNext(); ) {
              Edge e = it.next();
              if (e.viewers == 0 && e.idleSinceMillis < cutoff) {
                ctx.stop(e.ref);
                it.remove();
                stats.activeEdges.decrementAndGet();
              }
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private RoomEdges() {}
}
