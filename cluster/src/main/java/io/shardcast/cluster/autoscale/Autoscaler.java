package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.shardcast.autoscaler.signal.SaleWindow;
import io.shardcast.cluster.autoscale.NodeOrderAnswer.Refusal;
import io.shardcast.cluster.autoscale.NodeOrderAnswer.Refused;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.commerce.SaleCalendar;
import io.shardcast.room.state.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
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
 * interval, keeps the decisions as a timeline ({@code GET /api/autoscaler}) and carries them out:
 * activations, drains, sheds and retirements through each node's {@link NodeAgent}, new nodes
 * through the {@link Scaler} backend (retried with backoff when it fails). It answers the gateways'
 * join placement and the room allocation's view (node roles, room weights, rooms with a sale).
 *
 * <p>It keeps nothing that the cluster does not show again: a singleton that moves rebuilds its view
 * from the next reports, and the policy's actions are derived from what nodes report, so nothing is
 * repeated. Actions it has sent count as under way until the node's report confirms them.
 */
public final class Autoscaler {

  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An order to a node not confirmed by its reports within this long is sent again. */
  private static final long ORDER_TIMEOUT_MILLIS = 10_000;
  /** A node sheds at most once per this long (its viewers need time to move). */
  private static final long SHED_EVERY_MILLIS = 5_000;
  private static final int MAX_STARTUPS_SHOWN = 50;

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

  private record BackendDone(int count, Throwable failure) implements Command {}

  /** Nodes the backend started that failed before joining, as it reported them. */
  private record Failures(List<String> lines) implements Command {}

  public static Behavior<Command> create(AutoscalerSettings settings, ScalerSettings scalerSettings,
      Supplier<Scaler> scaler, int numberOfShards) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Autoscaler(ctx, settings, scalerSettings, scaler.get(), numberOfShards, timers).running()));
  }

  private final ActorContext<Command> ctx;
  private final AutoscalerSettings settings;
  private final ScalerSettings scalerSettings;
  private final Scaler scaler;
  private final int numberOfShards;
  /**
   * The backend's calls, one at a time and never on the singleton's thread: a slow or unreachable
   * API server must not hold up reports, placement or the allocation view, and a start and a
   * release must not race on the same replica count.
   */
  private final ExecutorService backendCalls;
  private boolean failuresAsked;
  private final ScalingPolicy policy;
  private final Timeline timeline;
  private final Map<String, Received> reports = new LinkedHashMap<>();
  /** Orders sent and not yet confirmed by the node's report: node -> when sent. */
  private final Map<String, Long> activating = new HashMap<>();
  private final Map<String, Long> draining = new HashMap<>();
  private final Map<String, Long> retiring = new HashMap<>();
  private final Map<String, Long> lastShed = new HashMap<>();
  /** Nodes told to leave for good, until they have: then the backend releases them. */
  private final Set<String> leaving = new HashSet<>();
  /** Nodes asked of the backend and not seen yet: when each was asked for, oldest first. */
  private final ArrayDeque<Long> starting = new ArrayDeque<>();
  private final ArrayDeque<ObjectNode> startups = new ArrayDeque<>();
  private final Map<String, double[]> roomTrends = new HashMap<>();
  private final long startedAtMillis = System.currentTimeMillis();
  private boolean warmedUp;
  private boolean backendBusy;
  private int backendFailures;
  private String backendError;
  private long backendRetryAtMillis;

  private record Received(Report report, long atMillis) {}

  private Autoscaler(ActorContext<Command> ctx, AutoscalerSettings settings, ScalerSettings scalerSettings,
      Scaler scaler, int numberOfShards, TimerScheduler<Command> timers) {
    this.ctx = ctx;
    this.settings = settings;
    this.scalerSettings = scalerSettings;
    this.scaler = scaler;
    this.numberOfShards = numberOfShards;
    this.backendCalls = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shardcast-scaler-backend");
      t.setDaemon(true);
      return t;
    });
    this.policy = new ScalingPolicy(settings, new StartupTimes(settings.activationPrior(), settings.coldStartPrior(),
        settings.startupSamples()));
    this.timeline = new Timeline(settings.timelineSize());
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
          onBackendDone(d);
          return Behaviors.same();
        })
        .onMessage(GetState.class, g -> {
          g.replyTo().tell(new State(stateJson()));
          return Behaviors.same();
        })
        .onMessage(GetPlacement.class, g -> {
          g.replyTo().tell(placement());
          return Behaviors.same();
        })
        .onMessage(NodeOrder.class, o -> {
          o.replyTo().tell(onNodeOrder(o));
          return Behaviors.same();
        })
        .onMessage(GetAllocation.class, g -> {
          g.replyTo().tell(allocation());
          return Behaviors.same();
        })
        .onMessage(Failures.class, f -> {
          failuresAsked = false;
          long now = System.currentTimeMillis();
          for (String failure : f.lines()) {
            starting.pollLast();
            backendFailed(failure, now);
          }
          return Behaviors.same();
        })
        .onSignal(PostStop.class, s -> {
          backendCalls.shutdownNow();
          if (scaler != null) {
            scaler.close();
          }
          return Behaviors.same();
        })
        .build();
  }

  // ---- reports ---------------------------------------------------------------------------------

  private void onReport(Report r) {
    // Stamped on arrival, by one clock: a node's own clock may be off.
    long now = System.currentTimeMillis();
    Received before = reports.put(r.nodeId(), new Received(r, now));
    if (before == null && !starting.isEmpty() && r.role() != NodeRole.ACTIVE) {
      // A node we have not seen: the oldest start we asked for has arrived.
      recordStartup("cold-start", r.nodeId(), now - starting.pollFirst());
      backendFailures = 0;
      backendError = null;
    }
    Long sent = activating.get(r.nodeId());
    if (sent != null && r.role() == NodeRole.ACTIVE) {
      activating.remove(r.nodeId());
      recordStartup("activation", r.nodeId(), now - sent);
    }
    if (draining.containsKey(r.nodeId()) && r.role() != NodeRole.ACTIVE) {
      draining.remove(r.nodeId());
    }
  }

  private void recordStartup(String kind, String node, long millis) {
    double seconds = millis / 1000.0;
    if (kind.equals("activation")) {
      policy.startupTimes().recordActivation(seconds);
    } else {
      policy.startupTimes().recordColdStart(seconds);
    }
    log.info("autoscaler: {} of {} took {} ms (decision to serving)", kind, node, millis);
    ObjectNode s = JSON.createObjectNode();
    s.put("at", System.currentTimeMillis()).put("kind", kind).put("node", node).put("seconds", seconds);
    startups.addLast(s);
    while (startups.size() > MAX_STARTUPS_SHOWN) {
      startups.removeFirst();
    }
  }

  private boolean everyMemberReported() {
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (m.status() == MemberStatus.up() && !reports.containsKey(m.address().toString())) {
        return false;
      }
    }
    return true;
  }

  private boolean fresh(Received r, long now) {
    return now - r.atMillis() <= settings.reportStaleAfter().toMillis();
  }

  /** The role the policy should see: a report, corrected by orders sent and not yet confirmed. */
  private NodeRole effectiveRole(Received r) {
    String node = r.report().nodeId();
    NodeRole role = r.report().role();
    if (activating.containsKey(node) && role == NodeRole.STANDBY) {
      return NodeRole.ACTIVATING;
    }
    if (draining.containsKey(node) && role == NodeRole.ACTIVE) {
      return NodeRole.DRAINING;
    }
    return role;
  }

  // ---- deciding and acting ---------------------------------------------------------------------

  private void onTick() {
    long now = System.currentTimeMillis();
    if (!warmedUp) {
      // Just started (or moved here): every member gets to report before anything is decided, so a
      // cluster whose reports have not arrived yet does not look empty (at most 3 stale periods).
      long waited = now - startedAtMillis;
      if (waited < settings.reportStaleAfter().toMillis()
          || (!everyMemberReported() && waited < 3 * settings.reportStaleAfter().toMillis())) {
        return;
      }
      warmedUp = true;
    }
    expire(now);
    List<NodeReport> nodes = new ArrayList<>();
    for (Received r : reports.values()) {
      if (retiring.containsKey(r.report().nodeId())) {
        continue;
      }
      nodes.add(new NodeReport(r.report().nodeId(), effectiveRole(r), r.atMillis(), r.report().roleSinceMillis(),
          r.report().upSinceMillis(), r.report().load()));
    }
    int i = 0;
    for (long askedAt : starting) {
      nodes.add(new NodeReport("starting-" + (i++), NodeRole.STARTING, now, askedAt, askedAt, NodeLoad.IDLE));
    }
    Plan plan = policy.decide(new Observation(now, nodes, calendar(now)));
    if (scalerSettings.acting()) {
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
      log.info("autoscaler {} {} :: {}", scalerSettings.acting() ? "does" : "would (not acting)", plan.actions(),
          plan.reason());
    }
    trackRooms(now);
  }

  private void expire(long now) {
    long forget = 10 * settings.reportStaleAfter().toMillis();
    reports.values().removeIf(r -> now - r.atMillis() > forget);
    activating.values().removeIf(t -> now - t > ORDER_TIMEOUT_MILLIS);
    draining.entrySet().removeIf(e -> now - e.getValue() > ORDER_TIMEOUT_MILLIS);
    for (java.util.Iterator<String> it = leaving.iterator(); it.hasNext(); ) {
      String node = it.next();
      Received r = reports.get(node);
      if (r != null && r.report().role() == NodeRole.ACTIVE && !draining.containsKey(node)) {
        it.remove(); // the order was not carried out (the node is serving): it is not leaving
      } else if (!isMember(node)) {
        it.remove(); // it has left the cluster: the backend may let it go
        removedFromBackend(node);
      }
    }
    retiring.keySet().removeIf(n -> !reports.containsKey(n));
    retiring.values().removeIf(t -> now - t > 6 * ORDER_TIMEOUT_MILLIS);
    lastShed.values().removeIf(t -> now - t > SHED_EVERY_MILLIS);
    int expired = 0;
    while (!starting.isEmpty() && now - starting.peekFirst() > scalerSettings.startTimeout().toMillis()) {
      starting.pollFirst();
      expired++;
    }
    if (expired > 0) {
      backendFailed(expired + " started node(s) did not join within " + scalerSettings.startTimeout().toSeconds() + "s",
          now);
    }
    if (scaler != null && !failuresAsked) {
      failuresAsked = true;
      CompletableFuture.supplyAsync(scaler::takeFailures, backendCalls)
          .whenComplete((lines, failure) -> ctx.getSelf().tell(new Failures(lines == null ? List.of() : lines)));
    }
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

  /** Carries {@code a} out unless it is under way already; returns whether it was. */
  private boolean act(Action a, long now) {
    if (a instanceof Action.Start st) {
      return start(st.count(), now);
    }
    String node;
    Map<String, Long> underWay;
    NodeAgent.Command order;
    if (a instanceof Action.Activate x) {
      node = x.nodeId();
      underWay = activating;
      order = new NodeAgent.Activate();
    } else if (a instanceof Action.Drain x) {
      node = x.nodeId();
      underWay = draining;
      order = new NodeAgent.Drain(x.thenStandby(), settings.scaleInReconnect().toMillis());
    } else if (a instanceof Action.Retire x) {
      node = x.nodeId();
      underWay = retiring;
      order = new NodeAgent.Retire();
    } else if (a instanceof Action.Shed x) {
      node = x.nodeId();
      underWay = lastShed;
      order = new NodeAgent.Shed(x.viewers());
    } else {
      return false;
    }
    Received r = reports.get(node);
    if (r == null || underWay.putIfAbsent(node, now) != null) {
      return false;
    }
    r.report().agent().tell(order);
    if (a instanceof Action.Retire || (a instanceof Action.Drain d && !d.thenStandby())) {
      leaving.add(node); // the backend lets it go once it has left (its reports stop)
    }
    return true;
  }

  private boolean start(int count, long now) {
    if (scaler == null || backendBusy || now < backendRetryAtMillis) {
      return false; // advisory, a call under way, or backing off: shown in /api/autoscaler
    }
    if (CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason().isPresent()) {
      return false; // this node is stopping: the singleton's next home decides
    }
    List<String> members = reports.values().stream()
        .filter(r -> fresh(r, now) && !retiring.containsKey(r.report().nodeId()))
        .sorted(java.util.Comparator.comparingLong(r -> r.report().upSinceMillis()))
        .map(r -> r.report().nodeId()).toList();
    int existing = members.size() + starting.size();
    for (int i = 0; i < count; i++) {
      starting.addLast(now);
    }
    backendBusy = true;
    CompletableFuture.runAsync(() -> {
      try {
        scaler.start(count, existing, members);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
    }, backendCalls).whenComplete((ok, failure) -> ctx.getSelf().tell(new BackendDone(count, failure)));
    return true;
  }

  private void removedFromBackend(String nodeId) {
    if (scaler == null) {
      return;
    }
    CompletableFuture.runAsync(() -> {
      try {
        scaler.removed(nodeId);
      } catch (Exception e) {
        log.warn("autoscaler backend {}: releasing {} failed: {}", scaler.name(), nodeId, e.toString());
      }
    }, backendCalls);
  }

  private void onBackendDone(BackendDone d) {
    backendBusy = false;
    long now = System.currentTimeMillis();
    if (d.failure() == null) {
      return; // asked; the backend has done well only once a node it started joins
    }
    for (int i = 0; i < d.count() && !starting.isEmpty(); i++) {
      starting.pollLast();
    }
    Throwable cause = d.failure().getCause() != null ? d.failure().getCause() : d.failure();
    backendFailed("starting " + d.count() + " node(s) failed: " + cause.getMessage(), now);
  }

  private void backendFailed(String why, long now) {
    backendFailures++;
    backendError = why;
    backendRetryAtMillis = now + scalerSettings.backoff(backendFailures).toMillis();
    log.warn("autoscaler backend {}: {} (failure {}, next try in {} ms)", scaler == null ? "none" : scaler.name(), why,
        backendFailures, backendRetryAtMillis - now);
  }

  private NodeOrderAnswer onNodeOrder(NodeOrder o) {
    Received target = null;
    for (Received r : reports.values()) {
      String id = r.report().nodeId();
      if (id.equals(o.node()) || id.endsWith("@" + o.node())) {
        target = r;
      }
    }
    if (target == null) {
      return new Refused(Refusal.UNKNOWN_NODE, "no node " + o.node() + " reports to the autoscaler");
    }
    String id = target.report().nodeId();
    NodeRole role = effectiveRole(target);
    long now = System.currentTimeMillis();
    Action action;
    switch (o.action()) {
      case "activate" -> {
        if (role != NodeRole.STANDBY) {
          return new Refused(Refusal.NOT_STANDBY, id + " is " + role + "; only a standby can be activated");
        }
        action = new Action.Activate(id);
      }
      case "drain" -> {
        if (role != NodeRole.ACTIVE) {
          return new Refused(Refusal.NOT_ACTIVE, id + " is " + role + "; only an active node can be drained");
        }
        long others = reports.values().stream().filter(r -> r != null && effectiveRole(r) == NodeRole.ACTIVE
            && fresh(r, now) && !r.report().nodeId().equals(id)).count();
        if (others == 0) {
          return new Refused(Refusal.LAST_ACTIVE, id + " is the only active node: activate another first");
        }
        action = new Action.Drain(id, o.thenStandby());
      }
      case "retire" -> {
        if (role != NodeRole.STANDBY) {
          return new Refused(Refusal.NOT_STANDBY, id + " is " + role + "; only a standby can be retired (drain it)");
        }
        action = new Action.Retire(id);
      }
      default -> {
        return new Refused(Refusal.NOT_FOUND, "node orders are activate, drain and retire, not " + o.action());
      }
    }
    log.info("autoscaler: operator order {} {}", o.action(), id);
    if (!act(action, now)) {
      return new Refused(Refusal.UNDER_WAY, "an order for " + id + " is under way already");
    }
    return new NodeOrderAnswer.Accepted(id, o.action());
  }

  // ---- the views others ask for ---------------------------------------------------------------

  /** Every fresh node's sales; a sale closes when sold out or {@code sale-hold} after it opened. */
  private List<SaleWindow> calendar(long now) {
    Map<String, SaleWindow> sales = new LinkedHashMap<>();
    long hold = scalerSettings.saleHold().toMillis();
    for (Received r : reports.values()) {
      if (!fresh(r, now)) {
        continue;
      }
      for (SaleCalendar.Entry e : r.report().sales()) {
        boolean closed = e.soldOut() || now > e.revealAtMillis() + hold;
        sales.put(e.roomId() + "/" + e.saleId(),
            new SaleWindow(e.roomId(), e.saleId(), e.revealAtMillis(), closed, Double.NaN));
      }
    }
    return new ArrayList<>(sales.values());
  }

  private Placement placement() {
    long now = System.currentTimeMillis();
    List<Candidate> out = new ArrayList<>();
    for (Received r : reports.values()) {
      if (effectiveRole(r) == NodeRole.ACTIVE && fresh(r, now) && !retiring.containsKey(r.report().nodeId())) {
        out.add(new Candidate(r.report().nodeId(), r.report().viewerBase(), settings.safeLoad().stress(r.report().load())));
      }
    }
    return new Placement(out);
  }

  private Allocation allocation() {
    long now = System.currentTimeMillis();
    Map<String, NodeRole> roles = new HashMap<>();
    Map<String, Long> shardViewers = new HashMap<>();
    for (Received r : reports.values()) {
      if (!fresh(r, now)) {
        continue;
      }
      roles.put(r.report().nodeId(), effectiveRole(r));
      for (RoomViewers rv : r.report().rooms()) {
        shardViewers.merge(LiveRoom.shardOf(rv.roomId(), numberOfShards), (long) rv.viewers(), Long::sum);
      }
    }
    Set<String> locked = new HashSet<>();
    long soon = settings.scaleInWindow().toMillis();
    for (SaleWindow s : calendar(now)) {
      if (!s.closed() && s.revealAtMillis() - now <= soon) {
        locked.add(LiveRoom.shardOf(s.roomId(), numberOfShards));
      }
    }
    return new Allocation(roles, shardViewers, locked);
  }

  /** Per room: viewers over all nodes and their rate of change (smoothed), for /api/autoscaler. */
  private void trackRooms(long now) {
    Map<String, Long> viewers = new HashMap<>();
    for (Received r : reports.values()) {
      if (fresh(r, now)) {
        for (RoomViewers rv : r.report().rooms()) {
          viewers.merge(rv.roomId(), (long) rv.viewers(), Long::sum);
        }
      }
    }
    double alpha = 0.3;
    roomTrends.keySet().retainAll(viewers.keySet());
    viewers.forEach((room, n) -> {
      double[] t = roomTrends.get(room);
      if (t == null) {
        roomTrends.put(room, new double[] {n, 0});
      } else {
        t[1] = t[1] + alpha * ((n - t[0]) - t[1]);
        t[0] = n;
      }
    });
  }

  private String stateJson() {
    long now = System.currentTimeMillis();
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", !scalerSettings.acting() ? "advisory: decisions are shown, not carried out (acting = off)"
        : scaler == null ? "acting; no backend: starts are shown, not carried out" : "acting");
    ObjectNode backend = root.putObject("backend");
    backend.put("name", scaler == null ? "none" : scaler.name()).put("busy", backendBusy)
        .put("consecutiveFailures", backendFailures).put("starting", starting.size());
    if (backendError != null) {
      backend.put("lastError", backendError).put("retryInMs", Math.max(0, backendRetryAtMillis - now));
    }
    ArrayNode nodes = root.putArray("nodes");
    for (Received r : reports.values()) {
      NodeLoad l = r.report().load();
      ObjectNode n = nodes.addObject();
      n.put("node", r.report().nodeId()).put("role", effectiveRole(r).name())
          .put("retiring", retiring.containsKey(r.report().nodeId()))
          .put("reportAgeMs", now - r.atMillis())
          .put("counted", fresh(r, now))
          .put("stress", round(settings.safeLoad().stress(l)))
          .put("bottleneck", settings.safeLoad().bottleneck(l).name().toLowerCase(Locale.ROOT))
          .put("viewers", l.viewers()).put("joinsPerSecond", round(l.joinsPerSecond()))
          .put("eventsInPerSecond", round(l.eventsInPerSecond())).put("eventsOutPerSecond", round(l.eventsOutPerSecond()))
          .put("egressBytesPerSecond", round(l.egressBytesPerSecond())).put("cpu", round(l.cpu()))
          .put("lagMs", round(l.lagMillis())).put("viewerBase", r.report().viewerBase());
    }
    ArrayNode rooms = root.putArray("rooms");
    roomTrends.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .limit(20)
        .forEach(e -> rooms.addObject().put("room", e.getKey()).put("viewers", (long) e.getValue()[0])
            .put("viewersPerSecond", round(e.getValue()[1])));
    ArrayNode sales = root.putArray("sales");
    for (SaleWindow s : calendar(now)) {
      sales.addObject().put("room", s.roomId()).put("sale", s.saleId()).put("revealAt", s.revealAtMillis())
          .put("closed", s.closed());
    }
    ObjectNode startup = root.putObject("startupSeconds");
    startup.put("activation", policy.startupTimes().activationSeconds())
        .put("activationSamples", policy.startupTimes().activationSamples())
        .put("coldStart", policy.startupTimes().coldStartSeconds())
        .put("coldStartSamples", policy.startupTimes().coldStartSamples());
    ArrayNode measured = root.putArray("startups");
    startups.forEach(measured::add);
    Plan latest = timeline.latest();
    if (latest != null) {
      root.set("latest", plan(latest));
    }
    ArrayNode entries = root.putArray("timeline");
    for (Plan p : timeline.entries()) {
      entries.add(plan(p));
    }
    return root.toString();
  }

  private static ObjectNode plan(Plan p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("at", p.atMillis()).put("activeTarget", p.activeTarget()).put("provisionTarget", p.provisionTarget())
        .put("maxStress", round(p.maxStress())).put("panic", p.panic()).put("reason", p.reason());
    ArrayNode actions = n.putArray("actions");
    for (Action a : p.actions()) {
      actions.add(a.toString());
    }
    return n;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
