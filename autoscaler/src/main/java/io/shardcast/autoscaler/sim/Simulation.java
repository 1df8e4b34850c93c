package io.shardcast.autoscaler.sim;

import io.shardcast.autoscaler.placement.JoinPlacement;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeRole;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Replays a trace, second by second, against a model of a Shardcast cluster and one scaling
 * controller.
 *
 * <p>Viewers stick to the node they joined (a WebSocket stays where it connected); joins go through
 * {@link JoinPlacement} to serving nodes; viewers who leave are taken from every node in proportion;
 * interaction requests (HTTP orders, WebSocket comments and likes) are spread over serving nodes by
 * the load balancer. A drained node's viewers reconnect elsewhere over the drain time, arriving as
 * joins. Only the controller changes capacity, and capacity arrives after the model's delays.
 */
public final class Simulation {

  /** What a controller can see and do. */
  public interface Controller {
    String name();

    /** Called once per simulated second, after load and stress are known. */
    void tick(Simulation sim, int t);

    /** A started node came up after {@code seconds}. */
    default void started(Node node, int seconds) {}

    /** An activated node serves, {@code seconds} after the decision. */
    default void activated(Node node, int seconds) {}
  }

  /** One simulated node. */
  public static final class Node {
    final String id;
    NodeRole role;
    int roleSince;
    int readyAt;
    int decidedAt;
    boolean readyAsActive;
    boolean thenStandby;
    int drainPerSecond;
    int viewers;
    int joins;
    double events;
    double stress;

    final int createdAt;

    Node(String id, NodeRole role, int t) {
      this.id = id;
      this.role = role;
      this.roleSince = t;
      this.createdAt = t;
    }

    /** When the node was created (its process started). */
    public int createdAt() {
      return createdAt;
    }

    public String id() {
      return id;
    }

    public NodeRole role() {
      return role;
    }

    public int roleSince() {
      return roleSince;
    }

    public double stress() {
      return stress;
    }

    public NodeLoad load() {
      return NodeLoad.of(viewers, joins, events);
    }
  }

  private final Trace trace;
  private final ClusterModel model;
  private final Random random;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> gone = new ArrayList<>();
  private final boolean[] saleClosed;
  private int nextId;
  private int pendingReconnects;
  private int scaleActions;
  private long rejectedJoins;
  private double overloaded;
  private double peakStress;
  private long nodeSeconds;
  private int maxNodes;
  private int now;

  public Simulation(Trace trace, ClusterModel model) {
    this.trace = trace;
    this.model = model;
    this.random = new Random(model.seed());
    this.saleClosed = new boolean[trace.sales().size()];
  }

  public Trace trace() {
    return trace;
  }

  public ClusterModel model() {
    return model;
  }

  /** Nodes that exist now, in any role. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Whether sale {@code i} of the trace has sold out: its interaction burst is over. */
  public boolean saleClosed(int i) {
    return saleClosed[i];
  }

  /** Adds nodes before the run: {@code active} serving with the first second's viewers spread over them. */
  public void provision(int active, int standby) {
    for (int i = 0; i < active; i++) {
      Node n = new Node(nextNodeId(), NodeRole.ACTIVE, 0);
      n.viewers = trace.viewers()[0] / active + (i < trace.viewers()[0] % active ? 1 : 0);
      nodes.add(n);
    }
    for (int i = 0; i < standby; i++) {
      nodes.add(new Node(nextNodeId(), NodeRole.STANDBY, 0));
    }
  }

  public void activate(String id) {
    Node n = find(id);
    if (n != null && n.role == NodeRole.STANDBY) {
      n.role = NodeRole.ACTIVATING;
      n.roleSince = now;
      n.decidedAt = now;
      n.readyAt = now + (int) Math.ceil(model.activationSeconds());
      scaleActions++;
    }
  }

  /** Starts a node that comes up after {@code seconds}, as a standby or straight into service. */
  public void start(double seconds, boolean asActive) {
    Node n = new Node(nextNodeId(), NodeRole.STARTING, now);
    n.decidedAt = now;
    n.readyAt = now + Math.max(1, (int) Math.ceil(seconds));
    n.readyAsActive = asActive;
    nodes.add(n);
    scaleActions++;
  }

  /** The model's cold start for one node, with its jitter. */
  public double coldStartSeconds() {
    return model.coldStartSeconds() * (1 + model.coldStartJitter() * (2 * random.nextDouble() - 1));
  }

  public void drain(String id, boolean thenStandby) {
    Node n = find(id);
    if (n != null && n.role == NodeRole.ACTIVE) {
      n.role = NodeRole.DRAINING;
      n.roleSince = now;
      n.thenStandby = thenStandby;
      n.drainPerSecond = Math.max(1, (int) Math.ceil(n.viewers / model.drainSeconds()));
      scaleActions++;
    }
  }

  /** {@code viewers} of an active node reconnect elsewhere next second, through join placement. */
  public void shed(String id, int viewers) {
    Node n = find(id);
    if (n != null && n.role == NodeRole.ACTIVE && viewers > 0) {
      int k = Math.min(viewers, n.viewers);
      n.viewers -= k;
      pendingReconnects += k;
      scaleActions++;
    }
  }

  public void retire(String id) {
    Node n = find(id);
    if (n != null && n.role == NodeRole.STANDBY) {
      nodes.remove(n);
      gone.add(n);
      scaleActions++;
    }
  }

  /** Runs the whole trace; {@code series}, when given, gets one CSV line per second. */
  public SimResult run(Controller controller, Writer series) throws IOException {
    if (series != null) {
      series.write("t,viewers,events,nodes,serving,max_stress,overloaded\n");
    }
    int n = trace.seconds();
    double stressPerViewer = 1 / model.safe().viewers();
    double stressPerJoinRate = 1 / model.safe().joinsPerSecond();
    double[] stress = new double[0];
    int[] credit = new int[0];
    boolean[] eligible = new boolean[0];
    for (int t = 0; t < n; t++) {
      now = t;
      advance(controller, t);
      closeSales(t);
      int total = pendingReconnects;
      for (Node node : nodes) {
        total += node.viewers;
        node.joins = 0;
        node.events = 0;
      }
      int joins = Math.max(trace.joins()[t], trace.viewers()[t] - total);
      int leaves = total + joins - trace.viewers()[t];
      removeLeavers(leaves);

      int size = nodes.size();
      if (stress.length < size) {
        stress = new double[size * 2];
        credit = new int[size * 2];
        eligible = new boolean[size * 2];
      }
      int serving = 0;
      for (int i = 0; i < size; i++) {
        Node node = nodes.get(i);
        stress[i] = node.stress;
        credit[i] = 0;
        eligible[i] = node.role == NodeRole.ACTIVE;
        serving += eligible[i] ? 1 : 0;
      }
      int arrivals = joins + pendingReconnects;
      pendingReconnects = 0;
      for (int k = 0; k < arrivals; k++) {
        int i = JoinPlacement.choose(stress, credit, stressPerViewer, stressPerJoinRate, eligible, size);
        if (i < 0) {
          rejectedJoins += arrivals - k;
          break;
        }
        credit[i]++;
        Node node = nodes.get(i);
        node.viewers++;
        node.joins++;
      }
      double eventsEach = serving == 0 ? 0 : (double) trace.events()[t] / serving;
      int overloadedNow = 0;
      double maxStress = 0;
      for (Node node : nodes) {
        if (node.role == NodeRole.ACTIVE) {
          node.events = eventsEach;
        }
        if (node.role == NodeRole.ACTIVE || node.role == NodeRole.DRAINING) {
          node.stress = model.safe().stress(node.load());
          maxStress = Math.max(maxStress, node.stress);
          overloadedNow += node.stress > 1 ? 1 : 0;
        } else {
          node.stress = 0;
        }
      }
      overloaded += overloadedNow;
      peakStress = Math.max(peakStress, maxStress);
      nodeSeconds += nodes.size();
      maxNodes = Math.max(maxNodes, nodes.size());
      if (series != null) {
        series.write(t + "," + trace.viewers()[t] + "," + trace.events()[t] + "," + nodes.size() + "," + serving
            + "," + String.format(java.util.Locale.ROOT, "%.3f", maxStress) + "," + overloadedNow + "\n");
      }
      controller.tick(this, t);
    }
    return new SimResult(trace.name(), controller.name(), overloaded, peakStress, nodeSeconds / 3600.0,
        maxNodes, scaleActions, rejectedJoins);
  }

  /** Nodes that finish starting, activating or draining this second. */
  private void advance(Controller controller, int t) {
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      if (node.role == NodeRole.STARTING && t >= node.readyAt) {
        node.role = node.readyAsActive ? NodeRole.ACTIVE : NodeRole.STANDBY;
        node.roleSince = t;
        controller.started(node, t - node.decidedAt);
      } else if (node.role == NodeRole.ACTIVATING && t >= node.readyAt) {
        node.role = NodeRole.ACTIVE;
        node.roleSince = t;
        controller.activated(node, t - node.decidedAt);
      } else if (node.role == NodeRole.DRAINING) {
        int k = Math.min(node.viewers, node.drainPerSecond);
        node.viewers -= k;
        pendingReconnects += k;
        if (node.viewers == 0) {
          if (node.thenStandby) {
            node.role = NodeRole.STANDBY;
            node.roleSince = t;
          } else {
            nodes.remove(i);
            gone.add(node);
            i--;
          }
        }
      }
    }
  }

  /** A sale is over (sold out) once its interactions fall back below 3x what they were before it. */
  private void closeSales(int t) {
    for (int i = 0; i < saleClosed.length; i++) {
      Trace.Sale sale = trace.sales().get(i);
      if (saleClosed[i] || t < sale.revealAt()) {
        continue;
      }
      double before = 0;
      int from = Math.max(0, sale.revealAt() - 70);
      int to = Math.max(from + 1, sale.revealAt() - 10);
      for (int s = from; s < to; s++) {
        before += trace.events()[s];
      }
      before /= to - from;
      if (trace.events()[t] < 3 * before) {
        saleClosed[i] = true;
      }
    }
  }

  /** Viewers who leave, taken from every node (and from those reconnecting) in proportion. */
  private void removeLeavers(int leaves) {
    if (leaves <= 0) {
      return;
    }
    long onNodes = 0;
    for (Node node : nodes) {
      onNodes += node.viewers;
    }
    long all = onNodes + pendingReconnects;
    if (all == 0) {
      return;
    }
    int fromPending = (int) Math.min(pendingReconnects, (long) leaves * pendingReconnects / all);
    pendingReconnects -= fromPending;
    int left = leaves - fromPending;
    int removed = 0;
    for (Node node : nodes) {
      int k = (int) Math.min(node.viewers, (long) left * node.viewers / Math.max(1, onNodes));
      node.viewers -= k;
      removed += k;
    }
    // Rounding remainder: one each from the fullest nodes.
    int remainder = left - removed;
    while (remainder > 0) {
      Node fullest = null;
      for (Node node : nodes) {
        if (node.viewers > 0 && (fullest == null || node.viewers > fullest.viewers)) {
          fullest = node;
        }
      }
      if (fullest == null) {
        int k = Math.min(remainder, pendingReconnects);
        pendingReconnects -= k;
        break;
      }
      int k = Math.min(remainder, Math.max(1, Math.min(fullest.viewers, remainder / Math.max(1, nodes.size()))));
      fullest.viewers -= k;
      remainder -= k;
    }
  }

  private Node find(String id) {
    for (Node n : nodes) {
      if (n.id.equals(id)) {
        return n;
      }
    }
    return null;
  }

  private String nextNodeId() {
    return "node-" + (++nextId);
  }

  /** The oracle: exactly the nodes each second needs, spread perfectly, with no delay. */
  public static SimResult oracle(Trace trace, ClusterModel model) {
    long nodeSeconds = 0;
    int max = 0;
    double peak = 0;
    for (int t = 0; t < trace.seconds(); t++) {
      int v = trace.viewers()[t];
      int j = trace.joins()[t];
      int e = trace.events()[t];
      int n = model.oracleNodes(v, j, e);
      nodeSeconds += n;
      max = Math.max(max, n);
      peak = Math.max(peak, model.safe().stress(NodeLoad.of(v, j, e)) / n);
    }
    return new SimResult(trace.name(), "oracle", 0, peak, nodeSeconds / 3600.0, max, 0, 0);
  }
}
