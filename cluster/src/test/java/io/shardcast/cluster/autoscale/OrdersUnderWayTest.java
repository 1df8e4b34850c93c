package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.policy.Action;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeRole;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The singleton's orders to nodes on explicit times: each is sent once and counts as under way until
 * the node's report confirms it or it times out (10 s), and a node told to leave is released once it has.
 */
class OrdersUnderWayTest {

  static final AutoscalerSettings SETTINGS = AutoscalerSettings.from(ConfigFactory.load());
  static final ScalerSettings SCALER = ScalerSettings.from(ConfigFactory.load());
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A node's agent, as a probe, and its reports to a singleton's view. */
  static final class Reporting {
    final OrdersUnderWay orders = new OrdersUnderWay(SETTINGS);
    final ReportedCluster nodes = new ReportedCluster(SETTINGS, SCALER, orders);
    final TestProbe<NodeAgent.Command> agent = kit.createTestProbe();

    void report(String node, NodeRole role, long now) {
      nodes.put(new Autoscaler.Report(node, role, 0, 0, NodeLoad.IDLE, "ws://" + node, "", agent.getRef(), List.of(),
          List.of()), now);
    }
  }

  @Test
  void anActivationIsSentOnceAndTheNodeCountsAsActivatingUntilItReportsServing() {
    Reporting r = new Reporting();
    r.report("s0", NodeRole.STANDBY, 1_000);
    assertTrue(r.orders.send(new Action.Activate("s0"), r.nodes, 1_000));
    assertEquals(new NodeAgent.Activate(), r.agent.receiveMessage());
    assertFalse(r.orders.send(new Action.Activate("s0"), r.nodes, 2_000), "under way: not sent again");
    assertEquals(NodeRole.ACTIVATING, r.nodes.role(r.nodes.get("s0")));

    r.report("s0", NodeRole.ACTIVE, 1_500);
    assertEquals(1_000L, r.orders.confirm("s0", NodeRole.ACTIVE), "when it was sent, to measure the activation");
    assertEquals(NodeRole.ACTIVE, r.nodes.role(r.nodes.get("s0")));
    assertNull(r.orders.confirm("s0", NodeRole.ACTIVE), "confirmed once");
  }

  @Test
  void anOrderNotConfirmedWithinItsTimeoutIsSentAgain() {
    Reporting r = new Reporting();
    r.report("a0", NodeRole.ACTIVE, 0);
    assertTrue(r.orders.send(new Action.Drain("a0", true), r.nodes, 0));
    assertEquals(new NodeAgent.Drain(true, SETTINGS.scaleInReconnect().toMillis()), r.agent.receiveMessage());
    assertEquals(NodeRole.DRAINING, r.nodes.role(r.nodes.get("a0")));
    r.orders.expire(10_000, r.nodes, node -> true, node -> fail("a0 is not leaving"));
    assertFalse(r.orders.send(new Action.Drain("a0", true), r.nodes, 10_000));
    r.orders.expire(10_001, r.nodes, node -> true, node -> fail("a0 is not leaving"));
    assertEquals(NodeRole.ACTIVE, r.nodes.role(r.nodes.get("a0")), "the drain is no longer taken as under way");
    assertTrue(r.orders.send(new Action.Drain("a0", true), r.nodes, 10_001));
  }

  @Test
  void aNodeToldToLeaveIsReleasedOnceItHasLeftTheCluster() {
    Reporting r = new Reporting();
    r.report("s0", NodeRole.STANDBY, 0);
    assertTrue(r.orders.send(new Action.Retire("s0"), r.nodes, 0));
    assertTrue(r.orders.retiring("s0"));
    List<String> released = new ArrayList<>();
    Set<String> members = new HashSet<>(Set.of("s0"));
    r.orders.expire(1_000, r.nodes, members::contains, released::add);
    assertEquals(List.of(), released, "still a member");
    members.clear();
    r.orders.expire(2_000, r.nodes, members::contains, released::add);
    r.orders.expire(3_000, r.nodes, members::contains, released::add);
    assertEquals(List.of("s0"), released, "released once");
  }

  @Test
  void noOrderGoesToANodeThatNeverReported() {
    Reporting r = new Reporting();
    assertFalse(r.orders.send(new Action.Activate("nobody"), r.nodes, 0));
  }
}
