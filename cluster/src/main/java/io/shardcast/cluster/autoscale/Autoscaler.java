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
import io.shardcast.room.LiveRoom;
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
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler, a cluster singleton. It collects every node's report, runs the policy each
 * interval, keeps the decisions as a timeline ({@code GET /api/autoscaler}, {@link StateView}) and
 * carries them out (towards an operator's hold on the number of active nodes, {@link ScaleHolds}, when
 * one is set): activations, drains, sheds and retirements through each node's {@link NodeAgent}
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

  /** A room's viewers on the reporting node, and the highest seq its edge there handed out (-1: none yet). */
  public record RoomViewers(String roomId, int viewers, long seq) {}

  /** A node's state over the last second. */
  public record Report(String nodeId, NodeRole role, long roleSinceMillis, long upSinceMillis, NodeLoad load,
      String viewerBase, String mediaBase,
      ActorRef<NodeAgent.Command> agent, List<RoomViewers> rooms, List<SaleCalendar.Entry> sales)
      implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  /** The nodes' load samples after {@code afterMillis} ({@link LoadHistory}), as {@code {"history":[...]}}. */
  public record GetHistory(long afterMillis, ActorRef<State> replyTo) implements Command {}

  public record GetPlacement(ActorRef<Placement> replyTo) implements Command {}

  public record GetAllocation(ActorRef<Allocation> replyTo) implements Command {}

  /** An operator's order: {@code activate}, {@code drain} or {@code retire} the node named. */
  public record NodeOrder(String action, String node, boolean thenStandby, ActorRef<NodeOrderAnswer> replyTo)
      implements Command {}

  /**
   * An operator's {@code scale --active N} for {@code forMillis}; {@code active} 0 releases the hold.
   * The policy carries it out with its own actions ({@link ScaleHolds}).
   */
  public record Scale(int active, long forMillis, String by, ActorRef<ScaleAnswer> replyTo) implements Command {}

  /** The hold as Distributed Data has it (local only). */
  record HoldSeen(Replicator.SubscribeResponse<LWWRegister<ScaleHold>> change) implements Command {}

  /** A hold's write came back (local only). */
  record HoldWritten(Replicator.UpdateResponse<LWWRegister<ScaleHold>> response, ScaleHold hold,
      ActorRef<ScaleAnswer> replyTo) implements Command {}

  /** {@code GET /api/autoscaler} as JSON. */
  public record State(String json) implements CborSerializable {}

  /** A serving node that may take joins: its viewer listener and its stress at its last report. */
  public record Candidate(String nodeId, String viewerBase, String mediaBase, double stress) {}

  /**
   * The gateways' join table, and the viewers of the busiest rooms over all nodes (for
   * {@code GET /api/rooms/{id}/stats}, answered by every gateway from this table).
   */
  public record Placement(List<Candidate> candidates, Map<String, Integer> roomViewers) implements CborSerializable {
    public Placement(List<Candidate> candidates) {
      this(candidates, Map.of());
    }
  }

  /**
   * What the room allocation needs: every counted node's role, the viewers of each shard's rooms,
   * and the shards holding a room whose flash sale is open or about to open (never moved).
   */
  public record Allocation(Map<String, NodeRole> roles, Map<String, Long> shardViewers, Set<String> lockedShards,
      Map<String, String> pinnedShards) implements CborSerializable {

    /** Without operator moves. */
    public Allocation(Map<String, NodeRole> roles, Map<String, Long> shardViewers, Set<String> lockedShards) {
      this(roles, shardViewers, lockedShards, Map.of());
    }
  }

  /** An operator's {@code room ID move --to NODE}: the room's shard moves at the allocation's next round. */
  public record MoveRoom(String roomId, String node, String by, ActorRef<MoveAnswer> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** The backend's start call came back ({@code failure} null when it was accepted). */
  record BackendDone(int count, Throwable failure) implements Command {}

  /** Nodes the backend started that failed before joining, as it reported them. */
  record Failures(List<String> lines) implements Command {}

  public static Behavior<Command> create(AutoscalerSettings settings, ScalerSettings scalerSettings,
      Supplier<Scaler> scaler, int numberOfShards) {
    return Behaviors.setup(ctx -> DistributedData.<Command, LWWRegister<ScaleHold>>withReplicatorMessageAdapter(
        replicator -> Behaviors.withTimers(timers -> new Autoscaler(ctx, settings, scalerSettings, scaler.get(),
            numberOfShards, timers, replicator).running())));
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
  /** How many of the busiest rooms' viewer counts go out with the join table. */
  private static final int ROOMS_IN_PLACEMENT = 200;
  private final RoomTrends rooms;
  private final OperatorOrders operatorOrders;
  private final StateView view;
  /** Ten minutes of the nodes' load, a sample every 5 s, for the dashboard's charts. */
  private final LoadHistory history = new LoadHistory(5_000, 10 * 60_000);
  private final ScaleHolds holds;
  private final RequestedMoves moves = new RequestedMoves();
  private final long startedAtMillis = System.currentTimeMillis();
  private boolean warmedUp;

  private Autoscaler(ActorContext<Command> ctx, AutoscalerSettings settings, ScalerSettings scalerSettings,
      Scaler scaler, int numberOfShards, TimerScheduler<Command> timers,
      ReplicatorMessageAdapter<Command, LWWRegister<ScaleHold>> replicator) {
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
    this.holds = new ScaleHolds(settings, acting, replicator, DistributedData.get(ctx.getSystem()).selfUniqueAddress());
    this.view = new StateView(settings, acting, nodes, orders, backend, rooms, startups, timeline, holds);
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
        .onMessage(GetHistory.class, g -> {
          com.fasterxml.jackson.databind.node.ObjectNode out =
              com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
          history.describe(out.putArray("history"), g.afterMillis());
          g.replyTo().tell(new State(out.toString()));
          return Behaviors.same();
        })
        .onMessage(GetPlacement.class, g -> {
          g.replyTo().tell(new Placement(nodes.placement(System.currentTimeMillis()).candidates(),
              rooms.viewersOfBusiest(ROOMS_IN_PLACEMENT)));
          return Behaviors.same();
        })
        .onMessage(NodeOrder.class, o -> {
          o.replyTo().tell(operatorOrders.carryOut(o, System.currentTimeMillis()));
          return Behaviors.same();
        })
        .onMessage(Scale.class, o -> {
          holds.order(o, System.currentTimeMillis());
          return Behaviors.same();
        })
        .onMessage(HoldSeen.class, h -> {
          holds.seen(h.change());
          return Behaviors.same();
        })
        .onMessage(HoldWritten.class, w -> {
          holds.written(w);
          return Behaviors.same();
        })
        .onMessage(GetAllocation.class, g -> {
          long now = System.currentTimeMillis();
          g.replyTo().tell(nodes.allocation(now, numberOfShards, moves.pinned(now)));
          return Behaviors.same();
        })
        .onMessage(MoveRoom.class, m -> {
          m.replyTo().tell(move(m, System.currentTimeMillis()));
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
    Plan plan = policy.decide(new Observation(now, observed, nodes.calendar(now), holds.forPolicy(now)));
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
    rooms.observe(now, nodes.roomViewers(now), nodes.roomSeqs(now));
    history.offer(now, () -> view.points(now));
  }

  /** Carries {@code a} out unless it is under way already; returns whether it was. */
  private boolean act(Action a, long now) {
    if (a instanceof Action.Start st) {
      // Nodes that have left the cluster may still look fresh for a moment: they are not kept.
      return backend.start(st.count(), now, () -> nodes.members(now).stream().filter(this::isMember).toList());
    }
    return orders.send(a, nodes, now);
  }

  /**
   * Checks an operator's move against what the allocation would refuse anyway (a target that is not
   * an active node or holds the coordinator, a room with a sale near) and hands it to the allocation.
   */
  private MoveAnswer move(MoveRoom m, long now) {
    ReportedCluster.Received target = nodes.named(m.node());
    if (target == null) {
      return new MoveAnswer.Refused(MoveAnswer.Refusal.UNKNOWN_NODE, "no node " + m.node() + " reports to the autoscaler");
    }
    String id = target.report().nodeId();
    if (nodes.role(target) != NodeRole.ACTIVE) {
      return new MoveAnswer.Refused(MoveAnswer.Refusal.NOT_ACTIVE, id + " is " + nodes.role(target)
          + "; rooms move only to an active node");
    }
    if (id.equals(oldestMember())) {
      return new MoveAnswer.Refused(MoveAnswer.Refusal.COORDINATOR_NODE, id + " holds the shard coordinator and the "
          + "singletons; rooms are kept off it (docs/chaos.md); pick another active node");
    }
    String shard = LiveRoom.shardOf(m.roomId(), numberOfShards);
    if (nodes.allocation(now, numberOfShards, Map.of()).lockedShards().contains(shard)) {
      return new MoveAnswer.Refused(MoveAnswer.Refusal.SALE_NEAR, "room " + m.roomId() + " (or a room sharing its "
          + "shard " + shard + ") has a flash sale open or about to open; rooms never move then");
    }
    moves.request(shard, id, now);
    log.info("autoscaler: operator {} moves room {} (shard {}) to {}", m.by(), m.roomId(), shard, id);
    return new MoveAnswer.Accepted(m.roomId(), shard, id);
  }

  /** The oldest up member: it runs the shard coordinator. */
  private String oldestMember() {
    Member oldest = null;
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return oldest == null ? null : oldest.address().toString();
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
