package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.cluster.viewer.ViewerServer;
import io.shardcast.room.state.CborSerializable;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Carries out the autoscaler's decisions on this node: activate a standby, drain (stop joins, send
 * every viewer a reconnect hint naming another node and its last seq, spread evenly over the
 * drain's {@code spreadMillis} so the nodes that stay see a steady rate of joins rather than a
 * storm, then stand by or leave the cluster, which hands the node's rooms off), retire a standby,
 * shed some viewers of a hot node.
 * Rooms leave a non-active node through the room allocation's rebalance.
 */
public final class NodeAgent {

  /** Orders from the autoscaler singleton. */
  public sealed interface Command extends CborSerializable {}

  public record Activate() implements Command {}

  /**
   * @param spreadMillis the reconnect hints go out evenly over this long (the autoscaler's
   *     {@code scale-in.reconnect}, the time its wave cap assumes the viewers take to come back);
   *     0 hints every viewer at once
   */
  public record Drain(boolean thenStandby, long spreadMillis) implements Command {}

  public record Retire() implements Command {}

  public record Shed(int viewers) implements Command {}

  /** @param drain the drain it belongs to (a drain's hint counts only during that drain) */
  private record Hint(int max, String reason, int drain) implements Command {}

  private enum Check implements Command { INSTANCE }

  private static final Duration CHECK = Duration.ofMillis(250);
  /** Reasons a reconnect hint gives the viewer. */
  private static final String DRAIN = "drain";
  private static final String REBALANCE = "rebalance";
  private static final Duration LAST_CALL = Duration.ofSeconds(2);

  private NodeAgent() {}

  /** The node's connected viewers, as the agent sees them: a count, and a way to send some elsewhere. */
  public interface Viewers {
    int viewers();

    /** Asks up to {@code max} viewers to reconnect to {@code target.apply(roomId)}: see {@link ViewerServer}. */
    void hintReconnect(int max, Function<String, String> target, String reason);
  }

  /** Where viewers sent away should go, from the autoscaler's join table: see {@link JoinDesk}. */
  public interface Destinations {
    /** Completes once the table is fresh (or the fetch failed). */
    CompletionStage<Boolean> refresh();

    /** The viewer base of the node the next join would get, never {@code nodeId}; null when none. */
    String viewerBaseExcept(String nodeId);
  }

  /**
   * @param reporter the node's load reporter: told to report at once when the role changes
   * @param drainTimeout after this long a draining node gives the viewers still connected a last hint
   *     (to use /join) and goes two seconds later
   */
  public static Behavior<Command> create(NodeLifecycle lifecycle, Viewers viewers, Destinations joins, String nodeId,
      ActorRef<Object> reporter, Duration drainTimeout) {
    return Behaviors.setup(ctx -> {
      reporter.tell(new LoadReporter.AgentIs(ctx.getSelf()));
      Runnable report = () -> reporter.tell(LoadReporter.ReportNow.INSTANCE);
      return Behaviors.withTimers(timers ->
          new Agent(ctx, timers, lifecycle, viewers, joins, nodeId, report, drainTimeout).idle());
    });
  }

  private static final class Agent {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final NodeLifecycle lifecycle;
    private final Viewers viewers;
    private final Destinations joins;
    private final String nodeId;
    private final Runnable report;
    private final Duration drainTimeout;
    private boolean thenStandby;
    private long drainStartedMillis;
    /** Drains begun so far: a hint names the one it was sent for. */
    private int drains;
    /** The latest drain's hints over its spread; null before the first drain. */
    private HintSchedule hints;
    /** When viewers still connected at the drain timeout were given a last hint; 0 before. */
    private long lastCallMillis;

    Agent(ActorContext<Command> ctx, TimerScheduler<Command> timers, NodeLifecycle lifecycle, Viewers viewers,
        Destinations joins, String nodeId, Runnable report, Duration drainTimeout) {
      this.ctx = ctx;
      this.timers = timers;
      this.lifecycle = lifecycle;
      this.viewers = viewers;
      this.joins = joins;
      this.nodeId = nodeId;
      this.report = report;
      this.drainTimeout = drainTimeout;
    }

    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessage(Activate.class, a -> {
            if (lifecycle.role() == NodeRole.STANDBY) {
              become(NodeRole.ACTIVE, "activated: taking joins and rooms");
            }
            return Behaviors.same();
          })
          .onMessage(Drain.class, d -> {
            if (lifecycle.role() != NodeRole.ACTIVE) {
              return Behaviors.same();
            }
            thenStandby = d.thenStandby();
            drainStartedMillis = System.currentTimeMillis();
            drains++;
            lastCallMillis = 0;
            int connected = viewers.viewers();
            hints = new HintSchedule(connected, d.spreadMillis(), CHECK.toMillis(), drainStartedMillis);
            become(NodeRole.DRAINING, "draining (" + connected + " viewers" + (hints.spread()
                ? ", hinted over " + d.spreadMillis() + " ms" : "") + "), then " + (thenStandby ? "standby" : "leave"));
            hintWhenPlacementFresh(hints.start(), DRAIN);
            timers.startTimerWithFixedDelay(Check.INSTANCE, CHECK);
            return Behaviors.same();
          })
          .onMessage(Retire.class, r -> {
            if (lifecycle.role() == NodeRole.STANDBY) {
              ctx.getLog().info("node {} retired by the autoscaler: leaving the cluster", nodeId);
              CoordinatedShutdown.get(ctx.getSystem()).run(RetiredReason.INSTANCE);
            }
            return Behaviors.same();
          })
          .onMessage(Shed.class, s -> {
            if (lifecycle.role() == NodeRole.ACTIVE && s.viewers() > 0) {
              ctx.getLog().info("node {} sheds {} of its {} viewers onto nodes with room", nodeId, s.viewers(),
                  viewers.viewers());
              hintWhenPlacementFresh(s.viewers(), REBALANCE);
            }
            return Behaviors.same();
          })
          .onMessage(Hint.class, h -> {
            // A drain's hint that comes back after the drain ended (the node stands by, or was
            // activated again meanwhile) must not send the viewers of a serving node away, nor upset
            // the pace of a later drain's hints.
            boolean stale = h.reason().equals(DRAIN)
                && (lifecycle.role() != NodeRole.DRAINING || h.drain() != drains);
            if (h.max() > 0 && !stale) {
              viewers.hintReconnect(h.max(), room -> joins.viewerBaseExcept(nodeId), h.reason());
            }
            return Behaviors.same();
          })
          .onMessageEquals(Check.INSTANCE, this::onCheck)
          .build();
    }

    /** Hints go out once the join table is fresh, so they name nodes as they are now. */
    private void hintWhenPlacementFresh(int max, String reason) {
      int drain = drains;
      ctx.pipeToSelf(joins.refresh(), (ok, failure) -> new Hint(max, reason, drain));
    }

    private Behavior<Command> onCheck() {
      if (lifecycle.role() != NodeRole.DRAINING) {
        timers.cancel(Check.INSTANCE);
        return Behaviors.same();
      }
      int left = viewers.viewers();
      long now = System.currentTimeMillis();
      long elapsed = now - drainStartedMillis;
      int share = hints == null ? 0 : hints.check(now);
      if (share > 0) {
        hintWhenPlacementFresh(share, DRAIN);
      }
      if (left > 0 && elapsed < drainTimeout.toMillis()) {
        return Behaviors.same();
      }
      if (left > 0 && lastCallMillis == 0) {
        // Still here after the drain timeout: viewers that attached while the hints went out get one
        // now (without a node: they ask /join); those hinted and still here are behind a full queue.
        // A short grace, then the node goes and closes what is left with a going-away frame.
        lastCallMillis = System.currentTimeMillis();
        ctx.getLog().warn("node {} drain: {} viewers still connected after {}s; last call, then leaving", nodeId,
            left, elapsed / 1000);
        viewers.hintReconnect(Integer.MAX_VALUE, room -> null, DRAIN);
        return Behaviors.same();
      }
      if (left > 0 && System.currentTimeMillis() - lastCallMillis < LAST_CALL.toMillis()) {
        return Behaviors.same();
      }
      timers.cancel(Check.INSTANCE);
      if (thenStandby) {
        become(NodeRole.STANDBY, "drained in " + elapsed + " ms: standing by");
      } else {
        ctx.getLog().info("node {} drained in {} ms: leaving the cluster (rooms are handed off)", nodeId, elapsed);
        CoordinatedShutdown.get(ctx.getSystem()).run(DrainedReason.INSTANCE);
      }
      return Behaviors.same();
    }

    private void become(NodeRole role, String why) {
      lifecycle.become(role);
      ctx.getLog().info("node {} {}", nodeId, why);
      report.run();
    }
  }

  /** Why a drained node shut down. */
  private static final class DrainedReason implements CoordinatedShutdown.Reason {
    static final DrainedReason INSTANCE = new DrainedReason();

    @Override
    public String toString() {
      return "drained by the autoscaler";
    }
  }

  private static final class RetiredReason implements CoordinatedShutdown.Reason {
    static final RetiredReason INSTANCE = new RetiredReason();

    @Override
    public String toString() {
      return "retired by the autoscaler";
    }
  }
}
