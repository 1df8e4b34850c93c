package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.signal.NodeRole;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The singleton's orders to nodes (activate, drain, retire, shed) sent and not yet confirmed by the
 * node's own report: each counts as under way, so it is not sent twice, until it is confirmed or
 * times out and may be sent again.
 */
final class OrdersUnderWay {

  /** An order to a node not confirmed by its reports within this long is sent again. */
  private static final long ORDER_TIMEOUT_MILLIS = 10_000;
  /** A retiring node that still reports after this long may be told again. */
  private static final long RETIRE_TIMEOUT_MILLIS = 6 * ORDER_TIMEOUT_MILLIS;
  /** A node sheds at most once per this long (its viewers need time to move). */
  private static final long SHED_EVERY_MILLIS = 5_000;

  private final AutoscalerSettings settings;
  /** Node -> when the order was sent. */
  private final Map<String, Long> activating = new HashMap<>();
  private final Map<String, Long> draining = new HashMap<>();
  private final Map<String, Long> retiring = new HashMap<>();
  private final Map<String, Long> lastShed = new HashMap<>();
  /** Nodes told to leave for good, until they have: then the backend releases them. */
  private final Set<String> leaving = new HashSet<>();

  OrdersUnderWay(AutoscalerSettings settings) {
    this.settings = settings;
  }

  /** The role the policy should see: the one reported, corrected by orders sent and not yet confirmed. */
  NodeRole effectiveRole(String node, NodeRole reported) {
    if (activating.containsKey(node) && reported == NodeRole.STANDBY) {
      return NodeRole.ACTIVATING;
    }
    if (draining.containsKey(node) && reported == NodeRole.ACTIVE) {
      return NodeRole.DRAINING;
    }
    return reported;
  }

  boolean retiring(String node) {
    return retiring.containsKey(node);
  }

  /** Whether {@code node} was told to leave for good (retired, or drained then leaving) and is still a member. */
  boolean leaving(String node) {
    return leaving.contains(node);
  }

  /**
   * A node's report confirms what it was ordered: returns when its activation was sent if the report
   * confirms one (to measure it), else null.
   */
  Long confirm(String node, NodeRole reported) {
    Long activationSent = null;
    Long sent = activating.get(node);
    if (sent != null && reported == NodeRole.ACTIVE) {
      activating.remove(node);
      activationSent = sent;
    }
    if (draining.containsKey(node) && reported != NodeRole.ACTIVE) {
      draining.remove(node);
    }
    return activationSent;
  }

  /**
   * Sends {@code a} (any action but a start) to the agent of its node, as {@code nodes} last heard from
   * it, unless an order of its kind is under way; returns whether it was sent.
   */
  boolean send(Action a, ReportedCluster nodes, long now) {
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
    ReportedCluster.Received to = nodes.get(node);
    if (to == null || underWay.putIfAbsent(node, now) != null) {
      return false;
    }
    to.report().agent().tell(order);
    if (a instanceof Action.Retire || (a instanceof Action.Drain d && !d.thenStandby())) {
      leaving.add(node); // the backend lets it go once it has left (its reports stop)
    }
    return true;
  }

  /**
   * Forgets orders that timed out or whose node is gone; a node told to leave that has left the
   * cluster ({@code isMember} false) is handed to {@code released}.
   */
  void expire(long now, ReportedCluster nodes, Predicate<String> isMember, Consumer<String> released) {
    activating.values().removeIf(t -> now - t > ORDER_TIMEOUT_MILLIS);
    draining.entrySet().removeIf(e -> now - e.getValue() > ORDER_TIMEOUT_MILLIS);
    for (Iterator<String> it = leaving.iterator(); it.hasNext(); ) {
      String node = it.next();
      ReportedCluster.Received r = nodes.get(node);
      if (r != null && r.report().role() == NodeRole.ACTIVE && !draining.containsKey(node)) {
        it.remove(); // the order was not carried out (the node is serving): it is not leaving
      } else if (!isMember.test(node)) {
        it.remove(); // it has left the cluster: the backend may let it go
        released.accept(node);
      }
    }
    retiring.keySet().removeIf(n -> nodes.get(n) == null);
    retiring.values().removeIf(t -> now - t > RETIRE_TIMEOUT_MILLIS);
    lastShed.values().removeIf(t -> now - t > SHED_EVERY_MILLIS);
  }
}
