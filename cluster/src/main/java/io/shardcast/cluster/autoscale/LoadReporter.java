package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeRole;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Sends this node's load to the autoscaler singleton once a second. */
public final class LoadReporter {

  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private enum Tick { INSTANCE }

  private LoadReporter() {}

  public static Behavior<Object> create(ActorRef<Autoscaler.Command> autoscaler, String nodeId, NodeRole role,
      String viewerBase) {
    long since = System.currentTimeMillis();
    return Behaviors.withTimers(timers -> {
      NodeLoadProbe probe = new NodeLoadProbe();
      timers.startTimerAtFixedRate(Tick.INSTANCE, INTERVAL);
      return Behaviors.receive(Object.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            autoscaler.tell(new Autoscaler.Report(nodeId, role, since, probe.sample(INTERVAL.toNanos()), viewerBase));
            return Behaviors.same();
          })
          .build();
    });
  }
}
