package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.policy.Plan;
import io.shardcast.autoscaler.policy.ScalingPolicy;
import io.shardcast.autoscaler.policy.StartupTimes;
import io.shardcast.autoscaler.policy.Timeline;
import io.shardcast.autoscaler.scaler.Scaler;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.room.commerce.SaleCalendar;
import io.shardcast.room.state.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler, a cluster singleton. It collects every node's report, runs the policy each
 * interval, keeps the decisions as a timeline ({@code GET /api/autoscaler}, {@link StateView}) and
 * carries them out: activations, drains, sheds and retirements through each node's {@link NodeAgent}
 * ({@link OrdersUnderWay}), new nodes through the {@link Scaler} backend ({@link ScalerBackend},
 * retried with backoff when it fails). It answers the gateways' join placement and the room
 * allocation's view (node roles, room weights, rooms with a sale) from {@link ReportedCluster}.
 *
 * <p>It keeps nothing that the cluster does not show again: a singleton that moves rebuilds its view
 * from the next reports, and the policy's actions are derived from what nodes report, so nothing is
 * repeated. Actions it has sent count as under way until the node's report confirms them.
 */
public final class Autoscaler {

  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  /** A new singleton decides nothing before every member reported, or this many stale periods passed. */
  private static final int WARM_UP_STALE_PERIODS = 3;

  /** Messages of the singleton. */
  public sealed interface Command extends CborSerializable {}

  /** A room's viewers on the reporting node. */
  public record RoomViewers(String roomId, int viewers) {}

  /** A node's state over the last second. */
  public record Report(String nodeId, NodeRole role, long roleSinceMillis, long upSinceMillis, NodeLoad load,
      String viewerBase,
      ActorRef<NodeAgent.Command> agent, List<RoomViewers> rooms, List<SaleCalendar.Entry> sales)
      implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  public record GetPlacement(ActorRef<Placement> replyTo) implements Command {}

  public record GetAllocation(ActorRef<Allocation> replyTo) implements Command {}

  /** An operator's order: {@code activate}, {@code drain} or {@code retire} the node named. */
  public record NodeOrder(String action, String node, boolean thenStandby, ActorRef<NodeOrderAnswer> replyTo)
      implements Command {}

  /** {@code GET /api/autoscaler} as JSON. */
  public record State(String json) implements CborSerializable {}

  /** A serving node that may take joins: its viewer listener and its stress at its last report. */
  public record Candidate(String nodeId, String viewerBase, double stress) {}

  public record Placement(List<Candidate> candidates) implements CborSerializable {}

  /**
   * What the room allocation needs: every counted node's role, the viewers of each shard's rooms,
   * and the shards holding a room whose flash sale is open or about to open (never moved).
   */
  public record Allocation(Map<String, NodeRole> roles, Map<String, Long> shardViewers, Set<String> lockedShards)
      implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  /** The backend's start call came back ({@code failure} null when it was accepted). */
  record BackendDone(int count, Throwable failure) implements Command {}

  /** Nodes the backend started that failed before joining, as it reported them. */
  record Failures(List<String> lines) implements Command {}

  public static Behavior<Command> create(AutoscalerSettings settings, ScalerSettings scalerSettings,
      Supplier<Scaler> scaler, int numberOfShards) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Autoscaler(ctx, settings, scalerSettings, scaler.get(), numberOfShards, timers).running()));
  }

  private final ActorContext<Command> ctx;
  private final AutoscalerSettings settings;
  private final boolean acting;
  private final int numberOfShards;
  private final ScalingPolicy policy;
  private final Timeline timeline;
  private final OrdersUnderWay orders;
  private final ReportedCluster nodes;
  private final ScalerBackend backend;
  private final StartupLog startups;
  private final RoomTrends rooms;
  private final OperatorOrders operatorOrders;
  private final StateView view;
  private final long startedAtMillis = System.currentTimeMillis();
  private boolean warmedUp;

  private Autoscaler(ActorContext<Command> ctx, AutoscalerSettings settings, ScalerSettings scalerSettings,
      Scaler scaler, int numberOfShards, TimerScheduler<Command> timers) {
    this.ctx = ctx;
    this.settings = settings;
    this.acting = scalerSettings.acting();
    this.numberOfShards = numberOfShards;
    this.backend = new ScalerBackend(scaler, scalerSettings, ctx.getSystem(), ctx.getSelf());
    this.policy = new ScalingPolicy(settings, new StartupTimes(settings.activationPrior(), settings.coldStartPrior(),
        settings.startupSamples()));
    this.timeline = new Timeline(settings.timelineSize());
    this.orders = new OrdersUnderWay(settings);
    this.nodes = new ReportedCluster(settings, scalerSettings, orders);
    this.startups = new StartupLog(policy.startupTimes());
    this.rooms = new RoomTrends(settings.roomTrendSmoothing());
    this.operatorOrders = new OperatorOrders(nodes, orders);
    this.view = new StateView(settings, acting, nodes, orders, backend, rooms, startups, timeline);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
    log.info("autoscaler singleton started on {} (backend {})", ctx.getSystem().address(),
        scaler == null ? "none: starts are advisory" : scaler.name());
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Report.class, r -> {
          onReport(r);
          return Behaviors.same();
        })
        .onMessageEquals(Tick.INSTANCE, () -> {
          onTick();
          return Behaviors.same();
        })
        .onMessage(BackendDone.class, d -> {
          backend.onDone(d, System.currentTimeMillis());
          return Behaviors.same();
        })
        .onMessage(GetState.class, g -> {
          g.replyTo().tell(new State(view.json(System.currentTimeMillis())));
          return Behaviors.same();
        })
        .onMessage(GetPlacement.class, g -> {
          g.replyTo().tell(nodes.placement(System.currentTimeMillis()));
          return Behaviors.same();
        })
        .onMessage(NodeOrder.class, o -> {
          o.replyTo().tell(operatorOrders.carryOut(o, System.currentTimeMillis()));
          return Behaviors.same();
        })
        .onMessage(GetAllocation.class, g -> {
          g.replyTo().tell(nodes.allocation(System.currentTimeMillis(), numberOfShards));
          return Behaviors.same();
        })
        .onMessage(Failures.class, f -> {
          backend.onFailures(f.lines(), System.currentTimeMillis());
          return Behaviors.same();
        })
        .onSignal(PostStop.class, s -> {
          backend.close();
          return Behaviors.same();
        })
        .build();
  }

  private void onReport(Report r) {
    // Stamped on arrival, by one clock: a node's own clock may be off.
    long now = System.currentTimeMillis();
    boolean unseen = nodes.put(r, now);
    if (unseen) {
      // A node we have not seen: the oldest start we asked for has arrived (as a standby, or as an
      // active node when its supervisor starts it so, as a LiveCluster's operator does without a pool).
      Long askedAt = backend.arrived();
      if (askedAt != null) {
        startups.record(StartupLog.Kind.COLD_START, r.nodeId(), now - askedAt, now);
      }
    }
    Long activationSent = orders.confirm(r.nodeId(), r.role());
    if (activationSent != null) {
      startups.record(StartupLog.Kind.ACTIVATION, r.nodeId(), now - activationSent, now);
    }
  }

  private void onTick() {
    long now = System.currentTimeMillis();
    if (!warmedUp) {
      // Just started (or moved here): every member gets to report before anything is decided, so a
      // cluster whose reports have not arrived yet does not look empty.
      long waited = now - startedAtMillis;
      long stale = settings.reportStaleAfter().toMillis();
      if (waited < stale || (!everyMemberReported() && waited < WARM_UP_STALE_PERIODS * stale)) {
        return;
      }
      warmedUp = true;
    }
    nodes.forgetSilent(now);
    orders.expire(now, nodes, this::isMember, backend::released);
    backend.expire(now);
    List<NodeReport> observed = nodes.forPolicy();
    observed.addAll(backend.startingNodes(now));
    Plan plan = policy.decide(new Observation(now, observed, nodes.calendar(now)));
    if (acting) {
      // The timeline shows what was carried out: an action already under way (a shed a moment ago,
      // a start while the backend works or backs off) is not repeated, nor shown again.
      List<Action> done = new ArrayList<>();
      for (Action a : plan.actions()) {
        if (act(a, now)) {
          done.add(a);
        }
      }
      plan = new Plan(plan.atMillis(), plan.activeTarget(), plan.provisionTarget(), plan.maxStress(), plan.panic(),
          done, plan.reason());
    }
    if (timeline.offer(plan) && !plan.actions().isEmpty()) {
      log.info("autoscaler {} {} :: {}", acting ? "does" : "would (not acting)", plan.actions(), plan.reason());
    }
    rooms.observe(nodes.roomViewers(now));
  }

  /** Carries {@code a} out unless it is under way already; returns whether it was. */
  private boolean act(Action a, long now) {
    if (a instanceof Action.Start st) {
      // Nodes that have left the cluster may still look fresh for a moment: they are not kept.
      return backend.start(st.count(), now, () -> nodes.members(now).stream().filter(this::isMember).toList());
    }
    return orders.send(a, nodes, now);
  }

  private boolean everyMemberReported() {
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && !nodes.has(m.address().toString())) {
        return false;
      }
    }
    return true;
  }

  /** Whether the node is still in the cluster (not exiting, down or removed). */
  private boolean isMember(String nodeId) {
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (m.address().toString().equals(nodeId)) {
        MemberStatus st = m.status();
        return st != MemberStatus.exiting() && st != MemberStatus.down() && st != MemberStatus.removed();
      }
    }
    return false;
  }
}
