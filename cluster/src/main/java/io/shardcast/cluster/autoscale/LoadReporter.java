package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.cluster.metrics.NodeMetrics;
import io.shardcast.room.RoomEdges;
import io.shardcast.room.commerce.SaleCalendar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Sends this node's report to the autoscaler singleton once a second, and at once when the node's
 * role changes: its role, load, where its viewers connect, its busiest rooms' local viewers and the
 * flash sales of the rooms it hosts (the sale calendar).
 */
public final class LoadReporter {

  private static final Duration INTERVAL = Duration.ofSeconds(1);
  /** Rooms per report: the busiest here. Shard weights and room trends are built from them. */
  static final int MAX_ROOMS = 50;

  /** Report now (a role change). */
  public enum ReportNow { INSTANCE }

  /** The node agent to name in reports (sent once by the agent as it starts). */
  public record AgentIs(ActorRef<NodeAgent.Command> agent) {}

  private enum Tick { INSTANCE }

  private record Rooms(RoomEdges.Viewers viewers, NodeLoad load) {}

  private LoadReporter() {}

  /**
   * @param viewerBase {@code http://host:port} of this node's viewer listener
   * @param mediaBase {@code http://host:port} of this node's HTTP-FLV/WebSocket-FLV listener, empty without media
   * @param viewers this node's connected viewers
   * @param metrics this node's metrics, whose counters give its load
   */
  public static Behavior<Object> create(ActorRef<Autoscaler.Command> autoscaler, String nodeId, NodeLifecycle lifecycle,
      String viewerBase, String mediaBase, IntSupplier viewers, NodeMetrics metrics, ActorRef<RoomEdges.Command> edges) {
    // Reports name the node agent, which introduces itself as it starts.
    return Behaviors.receive(Object.class)
        .onMessage(AgentIs.class,
            a -> running(autoscaler, nodeId, lifecycle, viewerBase, mediaBase, viewers, metrics, edges, a.agent()))
        .build();
  }

  private static Behavior<Object> running(ActorRef<Autoscaler.Command> autoscaler, String nodeId,
      NodeLifecycle lifecycle, String viewerBase, String mediaBase, IntSupplier viewers, NodeMetrics metrics,
      ActorRef<RoomEdges.Command> edges, ActorRef<NodeAgent.Command> agent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      NodeLoadProbe probe = new NodeLoadProbe(viewers, metrics);
      SaleCalendar calendar = SaleCalendar.get(ctx.getSystem());
      timers.startTimerAtFixedRate(Tick.INSTANCE, INTERVAL);
      var lastRooms = new Object() {
        RoomEdges.Viewers value = new RoomEdges.Viewers(Map.of(), Map.of());
      };
      return Behaviors.receive(Object.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            // Sampled on the tick itself, so the lag it measures is this actor's, not the ask's.
            askRooms(ctx, edges, probe.sample(INTERVAL.toNanos()));
            return Behaviors.same();
          })
          .onMessageEquals(ReportNow.INSTANCE, () -> {
            // On demand (a role change): the last rates, the viewers now.
            askRooms(ctx, edges, probe.peek());
            return Behaviors.same();
          })
          .onMessage(Rooms.class, r -> {
            if (r.viewers() != null) {
              lastRooms.value = r.viewers();
            }
            autoscaler.tell(new Autoscaler.Report(nodeId, lifecycle.role(), lifecycle.sinceMillis(),
                lifecycle.upSinceMillis(), r.load(), viewerBase, mediaBase, agent, busiest(lastRooms.value), calendar.entries()));
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** The rooms' viewers for a report of {@code load}; null when the edges did not answer (the last ones serve). */
  private static void askRooms(ActorContext<Object> ctx, ActorRef<RoomEdges.Command> edges, NodeLoad load) {
    ctx.ask(RoomEdges.Viewers.class, edges, INTERVAL, RoomEdges.GetViewers::new,
        (v, failure) -> new Rooms(v, load));
  }

  private static List<Autoscaler.RoomViewers> busiest(RoomEdges.Viewers viewers) {
    List<Autoscaler.RoomViewers> rooms = new ArrayList<>(viewers.byRoom().size());
    viewers.byRoom().forEach((room, n) -> {
      if (n > 0) {
        rooms.add(new Autoscaler.RoomViewers(room, n, viewers.seqByRoom().getOrDefault(room, -1L)));
      }
    });
    rooms.sort((a, b) -> Integer.compare(b.viewers(), a.viewers()));
    return rooms.size() > MAX_ROOMS ? List.copyOf(rooms.subList(0, MAX_ROOMS)) : rooms;
  }
}
