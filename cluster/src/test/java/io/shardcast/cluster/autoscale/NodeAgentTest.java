package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node agent carrying out a drain: its reconnect hints wait for a fresh join table, and a hint
 * that comes back only after the drain is over must not send a serving node's viewers away.
 */
class NodeAgentTest {

  private static ActorTestKit kit;
  /** How long a step may take before the test fails (the agent acts within a 250 ms check). */
  private static final Duration AWAIT = Duration.ofSeconds(5);

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** What the viewers were asked: how many, where to, and why. */
  private record Hinted(int max, String target, String reason) {}

  /** The node's viewers: a count the test sets, and every hint reported to a probe. */
  private static final class Connected implements NodeAgent.Viewers {
    final AtomicInteger count = new AtomicInteger();
    final ActorRef<Hinted> hints;

    Connected(ActorRef<Hinted> hints) {
      this.hints = hints;
    }

    @Override
    public int viewers() {
      return count.get();
    }

    @Override
    public void hintReconnect(int max, Function<String, String> target, String reason) {
      hints.tell(new Hinted(max, target.apply("room-1"), reason));
    }
  }

  /** A join table whose refresh completes only when the test says so, as a slow autoscaler's would. */
  private static final class SlowTable implements NodeAgent.Destinations {
    volatile CompletableFuture<Boolean> fetching = new CompletableFuture<>();
    final AtomicInteger asked = new AtomicInteger();
    /** Each ask's number, as the agent makes it. */
    final TestProbe<Integer> asks = kit.createTestProbe();

    @Override
    public CompletionStage<Boolean> refresh() {
      // Read before counting: the test swaps the fetch once it sees the count.
      CompletableFuture<Boolean> f = fetching;
      asks.getRef().tell(asked.incrementAndGet());
      return f;
    }

    @Override
    public String viewerBaseExcept(String nodeId) {
      return "ws://127.0.0.1:9002";
    }

    /** Answers the fetch under way once the agent has asked {@code count} times in all. */
    void answerAfter(int count) {
      int seen = 0;
      while (seen < count) {
        seen = asks.receiveMessage(AWAIT);
      }
      CompletableFuture<Boolean> done = fetching;
      fetching = new CompletableFuture<>();
      done.complete(true);
    }
  }

  /** A node agent with its viewers, its slow join table and the probes its hints and reports reach. */
  private static final class Node {
    final TestProbe<Hinted> hints = kit.createTestProbe();
    final NodeLifecycle lifecycle = new NodeLifecycle(NodeRole.ACTIVE);
    final Connected viewers = new Connected(hints.getRef());
    final SlowTable table = new SlowTable();
    /** The node's load reporter, which the agent tells to report at once on every change of role. */
    final TestProbe<Object> reporter = kit.createTestProbe();
    final ActorRef<NodeAgent.Command> agent;

    Node(String nodeId) {
      agent = kit.spawn(NodeAgent.create(lifecycle, viewers, table, nodeId, reporter.getRef(), Duration.ofSeconds(30)));
      assertInstanceOf(LoadReporter.AgentIs.class, reporter.receiveMessage(AWAIT));
    }

    /** Waits for the agent's next change of role and checks it is to {@code role}. */
    void awaitRole(NodeRole role) {
      reporter.expectMessage(AWAIT, LoadReporter.ReportNow.INSTANCE);
      assertEquals(role, lifecycle.role());
    }

    /** Orders a drain of {@code connected} viewers, hinted over {@code spreadMillis}; returns once it drains. */
    void drain(int connected, long spreadMillis) {
      viewers.count.set(connected);
      agent.tell(new NodeAgent.Drain(true, spreadMillis));
      awaitRole(NodeRole.DRAINING);
    }

    /** The viewers leave (on their own or hinted): the drained node stands by. */
    void viewersLeave() {
      viewers.count.set(0);
      awaitRole(NodeRole.STANDBY);
    }

    void activate() {
      agent.tell(new NodeAgent.Activate());
      awaitRole(NodeRole.ACTIVE);
    }
  }

  @Test
  void aDrainsHintThatArrivesAfterTheNodeServesAgainSendsNoViewerAway() {
    Node node = new Node("node-a");

    // A drain while the table answers: the viewers are hinted towards the node the table names.
    node.drain(40, 0);
    node.hints.expectNoMessage(Duration.ofMillis(300)); // no hint before the table is fresh
    node.table.answerAfter(1);
    assertEquals(new Hinted(HintSchedule.ALL, "ws://127.0.0.1:9002", "drain"), node.hints.receiveMessage());
    node.viewersLeave();

    // A second drain whose table answers late: the viewers leave on their own, the node stands by,
    // is activated again and takes new viewers; only then does the drain's table come back.
    node.activate();
    node.drain(25, 0);
    node.viewersLeave();
    node.activate();
    node.viewers.count.set(30);
    node.table.answerAfter(2);
    node.hints.expectNoMessage(Duration.ofMillis(500));
    assertEquals(NodeRole.ACTIVE, node.lifecycle.role());

    // A shed on the same serving node still goes out once its table is fresh.
    node.agent.tell(new NodeAgent.Shed(10));
    node.table.answerAfter(3);
    assertEquals(new Hinted(10, "ws://127.0.0.1:9002", "rebalance"), node.hints.receiveMessage());
  }

  @Test
  void aLateHintOfAnEarlierDrainDoesNotUpsetTheNextDrainsPace() {
    Node node = new Node("node-b");

    // A drain that hints everyone at once; its table is slow, and its viewers leave on their own.
    node.drain(20, 0);
    node.viewersLeave();
    node.activate();

    // The next drain spreads its hints over 2 s: nine shares, the first of 5 of its 40 viewers. The
    // same table fetch answers both drains.
    node.drain(40, 2_000);
    node.table.answerAfter(2);
    List<Hinted> got = new ArrayList<>();
    got.add(node.hints.receiveMessage());
    while (true) { // whatever else comes within half a second (a check may share the same fetch)
      try {
        got.add(node.hints.receiveMessage(Duration.ofMillis(500)));
      } catch (AssertionError timedOut) {
        break;
      }
    }
    assertTrue(got.contains(new Hinted(5, "ws://127.0.0.1:9002", "drain")), "the next drain's first share: " + got);
    // The first drain's "everyone" never goes out: only the next drain's own shares (5, then 4...).
    assertTrue(got.stream().allMatch(h -> h.max() <= 5), "a stale drain's hint went out: " + got);
  }
}
