package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.cluster.autoscale.NodeOrderAnswer.Refusal;
import io.shardcast.cluster.autoscale.NodeOrderAnswer.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's orders ({@code POST /api/autoscaler/nodes/{activate|drain|retire}}): checked against
 * the node's role as the singleton sees it, then carried out as the policy's own would be, acting or not.
 */
final class OperatorOrders {

  /** Logs under the singleton's name, where operators look for its decisions. */
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

  private final ReportedCluster nodes;
  private final OrdersUnderWay orders;

  OperatorOrders(ReportedCluster nodes, OrdersUnderWay orders) {
    this.nodes = nodes;
    this.orders = orders;
  }

  /** 202 once sent; 404 for a node or order unknown, 409 for a node in the wrong role or an order under way. */
  NodeOrderAnswer carryOut(Autoscaler.NodeOrder o, long now) {
    ReportedCluster.Received target = nodes.named(o.node());
    if (target == null) {
      return new Refused(Refusal.UNKNOWN_NODE, "no node " + o.node() + " reports to the autoscaler");
    }
    String id = target.report().nodeId();
    NodeRole role = nodes.role(target);
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
        if (!nodes.otherActive(id, now)) {
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
    if (!orders.send(action, nodes, now)) {
      return new Refused(Refusal.UNDER_WAY, "an order for " + id + " is under way already");
    }
    return new NodeOrderAnswer.Accepted(id, o.action());
  }
}
