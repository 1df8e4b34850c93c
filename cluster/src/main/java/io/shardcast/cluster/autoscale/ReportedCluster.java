package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.autoscaler.signal.SaleWindow;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.commerce.SaleCalendar;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster as the singleton sees it: every node's latest report, stamped on arrival by one clock
 * (a node's own clock may be off), with the roles corrected by the {@link OrdersUnderWay}. It keeps
 * nothing the nodes do not report again, so a singleton that moved rebuilds it from the next reports.
 */
final class ReportedCluster {

  /** A node silent for this many {@code report-stale-after} periods is forgotten. */
  private static final int FORGET_AFTER_STALE_PERIODS = 10;

  /** A node's latest report and when it arrived. */
  record Received(Autoscaler.Report report, long atMillis) {}

  private final AutoscalerSettings settings;
  private final ScalerSettings scalerSettings;
  private final OrdersUnderWay orders;
  private final Map<String, Received> byNode = new LinkedHashMap<>();

  ReportedCluster(AutoscalerSettings settings, ScalerSettings scalerSettings, OrdersUnderWay orders) {
    this.settings = settings;
    this.scalerSettings = scalerSettings;
    this.orders = orders;
  }

  /** Keeps {@code r} as its node's latest; returns whether the node is new to this singleton. */
  boolean put(Autoscaler.Report r, long now) {
    return byNode.put(r.nodeId(), new Received(r, now)) == null;
  }

  Received get(String node) {
    return byNode.get(node);
  }

  boolean has(String node) {
    return byNode.containsKey(node);
  }

  Collection<Received> all() {
    return byNode.values();
  }

  /** Whether the node's report is recent enough to count (within {@code report-stale-after}). */
  boolean fresh(Received r, long now) {
    return now - r.atMillis() <= settings.reportStaleAfter().toMillis();
  }

  NodeRole role(Received r) {
    return orders.effectiveRole(r.report().nodeId(), r.report().role());
  }

  /** Forgets nodes silent for long: they have left. */
  void forgetSilent(long now) {
    long forget = FORGET_AFTER_STALE_PERIODS * settings.reportStaleAfter().toMillis();
    byNode.values().removeIf(r -> now - r.atMillis() > forget);
  }

  /** The node an operator named: its full id or its {@code host:port}; the last such when several match. */
  Received named(String name) {
    Received target = null;
    for (Received r : byNode.values()) {
      String id = r.report().nodeId();
      if (id.equals(name) || id.endsWith("@" + name)) {
        target = r;
      }
    }
    return target;
  }

  /** Whether a fresh node other than {@code node} serves. */
  boolean otherActive(String node, long now) {
    return byNode.values().stream().filter(r -> r != null && role(r) == NodeRole.ACTIVE
        && fresh(r, now) && !r.report().nodeId().equals(node)).count() > 0;
  }

  /** What the policy sees: every node but those retiring, with their corrected roles. */
  List<NodeReport> forPolicy() {
    List<NodeReport> nodes = new ArrayList<>();
    for (Received r : byNode.values()) {
      if (orders.retiring(r.report().nodeId())) {
        continue;
      }
      nodes.add(new NodeReport(r.report().nodeId(), role(r), r.atMillis(), r.report().roleSinceMillis(),
          r.report().upSinceMillis(), r.report().load()));
    }
    return nodes;
  }

  /**
   * The fresh nodes not retiring or leaving, the oldest first: what a backend keeps when it starts
   * more. A node on its way out is not counted, or a backend that sets a total (a LiveCluster's
   * replicas) would ask for one node too many whenever a drain overlaps a start.
   */
  List<String> members(long now) {
    return byNode.values().stream()
        .filter(r -> fresh(r, now) && !orders.retiring(r.report().nodeId()) && !orders.leaving(r.report().nodeId()))
        .sorted(Comparator.comparingLong(r -> r.report().upSinceMillis()))
        .map(r -> r.report().nodeId()).toList();
  }

  /** Every fresh node's sales; a sale closes when sold out or {@code sale-hold} after it opened. */
  List<SaleWindow> calendar(long now) {
    Map<String, SaleWindow> sales = new LinkedHashMap<>();
    long hold = scalerSettings.saleHold().toMillis();
    for (Received r : byNode.values()) {
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

  /** Viewers of each room over the fresh nodes. */
  Map<String, Long> roomViewers(long now) {
    Map<String, Long> viewers = new HashMap<>();
    for (Received r : byNode.values()) {
      if (fresh(r, now)) {
        for (Autoscaler.RoomViewers rv : r.report().rooms()) {
          viewers.merge(rv.roomId(), (long) rv.viewers(), Long::sum);
        }
      }
    }
    return viewers;
  }

  /** The highest seq any fresh node's edge handed out, per room. */
  Map<String, Long> roomSeqs(long now) {
    Map<String, Long> seqs = new HashMap<>();
    for (Received r : byNode.values()) {
      if (fresh(r, now)) {
        for (Autoscaler.RoomViewers rv : r.report().rooms()) {
          seqs.merge(rv.roomId(), rv.seq(), Math::max);
        }
      }
    }
    return seqs;
  }

  /** The gateways' join table: the fresh serving nodes not retiring, with their stress. */
  Autoscaler.Placement placement(long now) {
    List<Autoscaler.Candidate> out = new ArrayList<>();
    for (Received r : byNode.values()) {
      if (role(r) == NodeRole.ACTIVE && fresh(r, now) && !orders.retiring(r.report().nodeId())) {
        out.add(new Autoscaler.Candidate(r.report().nodeId(), r.report().viewerBase(),
            r.report().mediaBase(), settings.safeLoad().stress(r.report().load())));
      }
    }
    return new Autoscaler.Placement(out);
  }

  /**
   * The room allocation's view: roles, viewers per shard, and the shards of rooms whose sale opens
   * within {@code scale-in.window} or is open (never moved), and the shards operators moved.
   */
  Autoscaler.Allocation allocation(long now, int numberOfShards, Map<String, String> pinned) {
    Map<String, NodeRole> roles = new HashMap<>();
    Map<String, Long> shardViewers = new HashMap<>();
    for (Received r : byNode.values()) {
      if (!fresh(r, now)) {
        continue;
      }
      roles.put(r.report().nodeId(), role(r));
      for (Autoscaler.RoomViewers rv : r.report().rooms()) {
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
    return new Autoscaler.Allocation(roles, shardViewers, locked, pinned);
  }
}
