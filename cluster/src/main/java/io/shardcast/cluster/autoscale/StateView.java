package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.policy.Plan;
import io.shardcast.autoscaler.policy.Timeline;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/autoscaler}: whether it acts, the backend, the operator's hold, every node with its load and stress,
 * the busiest rooms, the sale calendar, the start-up times, and the decisions' timeline.
 */
final class StateView {

  private final AutoscalerSettings settings;
  private final boolean acting;
  private final ReportedCluster nodes;
  private final OrdersUnderWay orders;
  private final ScalerBackend backend;
  private final RoomTrends rooms;
  private final StartupLog startups;
  private final Timeline timeline;
  private final ScaleHolds holds;

  StateView(AutoscalerSettings settings, boolean acting, ReportedCluster nodes, OrdersUnderWay orders,
      ScalerBackend backend, RoomTrends rooms, StartupLog startups, Timeline timeline, ScaleHolds holds) {
    this.settings = settings;
    this.acting = acting;
    this.nodes = nodes;
    this.orders = orders;
    this.backend = backend;
    this.rooms = rooms;
    this.startups = startups;
    this.timeline = timeline;
    this.holds = holds;
  }

  String json(long now) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("mode", !acting ? "advisory: decisions are shown, not carried out (acting = off)"
        : !backend.present() ? "acting; no backend: starts are shown, not carried out" : "acting");
    backend.describe(root.putObject("backend"), now);
    ScaleHold hold = holds.current();
    if (hold.inForce(now)) {
      root.putObject("hold").put("active", hold.active()).put("until", hold.untilMillis()).put("by", hold.by())
          .put("setAt", hold.setAtMillis());
    } else {
      root.putNull("hold");
    }
    ArrayNode list = root.putArray("nodes");
    for (ReportedCluster.Received r : nodes.all()) {
      NodeLoad l = r.report().load();
      ObjectNode n = list.addObject();
      n.put("node", r.report().nodeId()).put("role", nodes.role(r).name())
          .put("retiring", orders.retiring(r.report().nodeId()))
          .put("reportAgeMs", now - r.atMillis())
          .put("counted", nodes.fresh(r, now))
          .put("stress", round(settings.safeLoad().stress(l)))
          .put("bottleneck", settings.safeLoad().bottleneck(l).name().toLowerCase(Locale.ROOT))
          .put("viewers", l.viewers()).put("joinsPerSecond", round(l.joinsPerSecond()))
          .put("eventsInPerSecond", round(l.eventsInPerSecond())).put("eventsOutPerSecond", round(l.eventsOutPerSecond()))
          .put("egressBytesPerSecond", round(l.egressBytesPerSecond())).put("cpu", round(l.cpu()))
          .put("lagMs", round(l.lagMillis())).put("viewerBase", r.report().viewerBase());
    }
    rooms.describe(root.putArray("rooms"));
    ArrayNode sales = root.putArray("sales");
    for (SaleWindow s : nodes.calendar(now)) {
      sales.addObject().put("room", s.roomId()).put("sale", s.saleId()).put("revealAt", s.revealAtMillis())
          .put("closed", s.closed());
    }
    startups.describe(root);
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
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("at", p.atMillis()).put("activeTarget", p.activeTarget()).put("provisionTarget", p.provisionTarget())
        .put("maxStress", round(p.maxStress())).put("panic", p.panic()).put("reason", p.reason());
    ArrayNode actions = n.putArray("actions");
    for (Action a : p.actions()) {
      actions.add(a.toString());
    }
    return n;
  }

  /** Every node's load now, as the history keeps it. */
  List<LoadHistory.NodePoint> points(long now) {
    List<LoadHistory.NodePoint> out = new java.util.ArrayList<>();
    for (ReportedCluster.Received r : nodes.all()) {
      NodeLoad l = r.report().load();
      out.add(new LoadHistory.NodePoint(r.report().nodeId(), nodes.role(r).name(), l.viewers(),
          round(settings.safeLoad().stress(l)), settings.safeLoad().bottleneck(l).name().toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  /** Three decimals: what a person reads. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
