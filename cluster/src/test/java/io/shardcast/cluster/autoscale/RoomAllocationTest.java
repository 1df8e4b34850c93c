package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeRole;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomAllocationTest {

  private static final Map<String, NodeRole> ROLES = Map.of("a", NodeRole.ACTIVE, "b", NodeRole.ACTIVE,
      "s", NodeRole.STANDBY, "d", NodeRole.DRAINING);

  @Test
  void aNewRoomGoesToTheActiveNodeWithFewestViewersNeverToAStandbyOrADrainingNode() {
    // a has one busy room, b two quiet ones, the standby and the draining node none at all.
    var view = new Autoscaler.Allocation(ROLES, Map.of("1", 900L, "2", 10L, "3", 10L), Set.of());
    var shards = Map.of("a", List.of("1"), "b", List.of("2", "3"), "s", List.<String>of(), "d", List.<String>of());
    assertEquals("b", RoomAllocation.choose(view, "s", shards, null), "weighed by viewers, not by room count");
    var none = new Autoscaler.Allocation(Map.of(), Map.of(), Set.of());
    assertEquals("s", RoomAllocation.choose(none, "s", Map.of("a", List.of("1"), "s", List.of()), null),
        "without the autoscaler's view every node counts, fewest rooms first");
  }

  @Test
  void roomsLeaveNodesThatAreNotActiveAndLoadMovesFewAtATimeNeverASaleRoom() {
    var shards = Map.of("a", List.of("1", "2", "3"), "b", List.of("4"), "d", List.of("5", "6"));
    var view = new Autoscaler.Allocation(ROLES, Map.of("1", 1000L, "2", 400L, "3", 300L, "4", 100L), Set.of("2"));
    assertEquals(Set.of("5", "6"), RoomAllocation.moves(view, shards, 500, 1, null),
        "a draining node's rooms all leave first");
    var silent = Map.of("a", List.of("1"), "b", List.of("4"), "gone", List.of("7"));
    assertEquals(Set.of(), RoomAllocation.moves(view, silent, 500, 1, null),
        "a node that does not report (unreachable) keeps its rooms: it could not hand them off");

    var active = Map.of("a", List.of("1", "2", "3"), "b", List.of("4"));
    // Gap 1,703 - 101 = 1,602: room 1 (1,000) would only swap the nodes, room 2 has a sale: room 3 goes.
    assertEquals(Set.of("3"), RoomAllocation.moves(view, active, 500, 1, null));
    var balanced = new Autoscaler.Allocation(ROLES, Map.of("1", 300L, "4", 200L), Set.of());
    assertEquals(Set.of(), RoomAllocation.moves(balanced, Map.of("a", List.of("1"), "b", List.of("4")), 500, 1, null),
        "a small imbalance moves nothing");
  }

  @Test
  void theCoordinatorsNodeTakesRoomsOnlyWhenNoOtherActiveNodeCan() {
    // a runs the coordinator and is the quietest: new rooms still go to b, and load never moves onto a.
    var view = new Autoscaler.Allocation(ROLES, Map.of("1", 1000L, "2", 900L), Set.of());
    var shards = Map.of("a", List.<String>of(), "b", List.of("1", "2"), "s", List.<String>of());
    assertEquals("b", RoomAllocation.choose(view, "s", shards, "a"));
    assertEquals(Set.of(), RoomAllocation.moves(view, shards, 500, 1, "a"), "nothing moves onto the coordinator's node");
    assertEquals(Set.of("2"), RoomAllocation.moves(view, shards, 500, 1, null), "without the rule, room 2 would move to a");
    var alone = new Autoscaler.Allocation(Map.of("a", NodeRole.ACTIVE, "s", NodeRole.STANDBY), Map.of(), Set.of());
    assertEquals("a", RoomAllocation.choose(alone, "s", Map.of("a", List.of(), "s", List.of()), "a"),
        "the only active node takes the room");
    var none = new Autoscaler.Allocation(Map.of(), Map.of(), Set.of());
    assertEquals("b", RoomAllocation.choose(none, "a", Map.of("a", List.of(), "b", List.of("1")), "a"),
        "before the autoscaler has a view (the cluster starting), another node still takes it");
  }

  @Test
  void roomsOnANodeThatBecameTheCoordinatorsLeaveItFewAtATimeNeverASaleRoom() {
    // a became the oldest (the previous one was lost) while it held rooms 1-3; room 2 has a sale near.
    var view = new Autoscaler.Allocation(ROLES, Map.of("1", 10L, "2", 500L, "3", 20L, "4", 3000L), Set.of("2"));
    var shards = Map.of("a", List.of("1", "2", "3"), "b", List.of("4"), "s", List.<String>of());
    Set<String> first = RoomAllocation.moves(view, shards, 500, 1, "a");
    assertEquals(1, first.size(), "one room per round: " + first);
    assertTrue(Set.of("1", "3").containsAll(first), "the sale's room stays: " + first);
    assertEquals(Set.of("1", "3"), RoomAllocation.moves(view, shards, 500, 5, "a"),
        "even onto a busier node: it is where a failure costs least");
    assertEquals(Set.of(), RoomAllocation.moves(view, Map.of("a", List.of("2"), "b", List.of("4")), 500, 5, "a"),
        "a room with a sale near never moves");
    var alone = new Autoscaler.Allocation(Map.of("a", NodeRole.ACTIVE, "s", NodeRole.STANDBY), Map.of(), Set.of());
    assertEquals(Set.of(), RoomAllocation.moves(alone, Map.of("a", List.of("1"), "s", List.of()), 500, 5, "a"),
        "the only active node keeps its rooms");
  }

  @Test
  void aRoomAnOperatorMovedGoesToItsNodeFirstAndStaysThere() {
    var roles = Map.of("a", NodeRole.ACTIVE, "b", NodeRole.ACTIVE, "c", NodeRole.ACTIVE, "d", NodeRole.DRAINING);
    var shards = Map.of("a", List.of("1", "2"), "b", List.of("3"), "c", List.<String>of());
    var view = new Autoscaler.Allocation(roles, Map.of("1", 5000L, "2", 10L, "3", 10L), Set.of(), Map.of("2", "b"));
    assertEquals(Set.of("2"), RoomAllocation.moves(view, shards, 500, 1, null), "the operator's move, not one for load");
    assertEquals("b", RoomAllocation.place(view, "2", "a", shards, null), "handed off, it lands on its node");
    assertEquals("c", RoomAllocation.place(view, "9", "a", shards, null), "other rooms are placed as before");

    var arrived = Map.of("a", List.of("1"), "b", List.of("2", "3"), "c", List.<String>of());
    var heavy = new Autoscaler.Allocation(roles, Map.of("1", 10L, "2", 4000L, "3", 10L), Set.of(), Map.of("2", "b"));
    Set<String> balancing = RoomAllocation.moves(heavy, arrived, 500, 1, null);
    assertFalse(balancing.contains("2"), "while pinned the balancer leaves it where the operator put it: " + balancing);
    assertEquals(Set.of("3"), balancing, "other rooms still move for load");

    var saleNear = new Autoscaler.Allocation(roles, Map.of(), Set.of("2"), Map.of("2", "b"));
    assertEquals(Set.of(), RoomAllocation.moves(saleNear, shards, 500, 1, null), "never a room with a sale near");
    var toSpare = new Autoscaler.Allocation(roles, Map.of(), Set.of(), Map.of("2", "b"));
    assertFalse(RoomAllocation.moves(toSpare, shards, 500, 1, "b").contains("2"), "never onto the coordinator's node");
    var drained = new Autoscaler.Allocation(roles, Map.of(), Set.of(), Map.of("2", "d"));
    assertNotEquals("d", RoomAllocation.place(drained, "2", "a", Map.of("a", List.of("1"), "d", List.<String>of()), null),
        "a node that stopped being active loses its pins");
  }
}
