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
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.room.CborSerializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler, a cluster singleton: collects every node's load report, runs the policy each
 * interval and keeps its decisions as a timeline ({@code GET /api/autoscaler}), and hands the
 * gateways the table join placement works from. With no scaler backend wired yet it is advisory:
 * the actions it would take are logged and shown, not carried out.
 */
public final class Autoscaler {

  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Messages of the singleton. */
  public sealed interface Command extends CborSerializable {}

  /** A node's load over the last second, and where its viewers connect. */
  public record Report(String nodeId, NodeRole role, long roleSinceMillis, NodeLoad load, String viewerBase)
      implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  public record GetPlacement(ActorRef<Placement> replyTo) implements Command {}

  /** {@code GET /api/autoscaler} as JSON. */
  public record State(String json) implements CborSerializable {}

  /** A serving node that may take joins: its viewer listener and its stress at its last report. */
  public record Candidate(String nodeId, String viewerBase, double stress) {}

  public record Placement(List<Candidate> candidates) implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  public static Behavior<Command> create(AutoscalerSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Autoscaler(settings, timers).running()));
  }

  private final AutoscalerSettings settings;
  private final ScalingPolicy policy;
  private final Timeline timeline;
  private final Map<String, Received> reports = new LinkedHashMap<>();

  private record Received(Report report, long atMillis) {}

  private Autoscaler(AutoscalerSettings settings, TimerScheduler<Command> timers) {
    this.settings = settings;
    this.policy = new ScalingPolicy(settings, new StartupTimes(settings.activationPrior(), settings.coldStartPrior(),
        settings.startupSamples()));
    this.timeline = new Timeline(settings.timelineSize());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
    log.info("autoscaler singleton started (advisory: no scaler backend)");
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Report.class, r -> {
          // Stamped on arrival, by one clock: a node's own clock may be off.
          reports.put(r.nodeId(), new Received(r, System.currentTimeMillis()));
          return Behaviors.same();
        })
        .onMessageEquals(Tick.INSTANCE, () -> {
          onTick();
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
        .build();
  }

  private List<NodeReport> nodeReports(long now) {
    long forget = 10 * settings.reportStaleAfter().toMillis();
    reports.values().removeIf(r -> now - r.atMillis() > forget);
    List<NodeReport> out = new ArrayList<>();
    for (Received r : reports.values()) {
      out.add(new NodeReport(r.report().nodeId(), r.report().role(), r.atMillis(), r.report().roleSinceMillis(),
          r.report().load()));
    }
    return out;
  }

  private void onTick() {
    long now = System.currentTimeMillis();
    Plan plan = policy.decide(new Observation(now, nodeReports(now), List.of()));
    if (timeline.offer(plan) && !plan.actions().isEmpty()) {
      log.info("autoscaler would act (advisory): {} :: {}", plan.actions(), plan.reason());
    }
  }

  private Placement placement() {
    long now = System.currentTimeMillis();
    List<Candidate> out = new ArrayList<>();
    for (Received r : reports.values()) {
      if (r.report().role() == NodeRole.ACTIVE && now - r.atMillis() <= settings.reportStaleAfter().toMillis()) {
        out.add(new Candidate(r.report().nodeId(), r.report().viewerBase(), settings.safeLoad().stress(r.report().load())));
      }
    }
    return new Placement(out);
  }

  private String stateJson() {
    long now = System.currentTimeMillis();
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", "advisory");
    root.put("note", "decisions are computed and shown; no scaler backend carries them out yet");
    ArrayNode nodes = root.putArray("nodes");
    for (Received r : reports.values()) {
      NodeLoad l = r.report().load();
      ObjectNode n = nodes.addObject();
      n.put("node", r.report().nodeId()).put("role", r.report().role().name())
          .put("reportAgeMs", now - r.atMillis())
          .put("counted", now - r.atMillis() <= settings.reportStaleAfter().toMillis())
          .put("stress", round(settings.safeLoad().stress(l)))
          .put("bottleneck", settings.safeLoad().bottleneck(l).name().toLowerCase(Locale.ROOT))
          .put("viewers", l.viewers()).put("joinsPerSecond", round(l.joinsPerSecond()))
          .put("eventsInPerSecond", round(l.eventsInPerSecond())).put("eventsOutPerSecond", round(l.eventsOutPerSecond()))
          .put("egressBytesPerSecond", round(l.egressBytesPerSecond())).put("cpu", round(l.cpu()))
          .put("lagMs", round(l.lagMillis())).put("viewerBase", r.report().viewerBase());
    }
    ObjectNode startup = root.putObject("startupSeconds");
    startup.put("activation", policy.startupTimes().activationSeconds())
        .put("coldStart", policy.startupTimes().coldStartSeconds());
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
