package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeRole;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Where rooms live. A new room goes to the active node whose rooms have the fewest viewers (a room
 * weighs its viewers, not 1); standby and draining nodes get none. Each rebalance round moves every
 * room off nodes that are no longer active; otherwise at most {@code maxMoves} rooms off the
 * coordinator's node (below), or else from the most to the least loaded active node, only when
 * that narrows a real imbalance; never a room whose flash sale is open or about to open. A room an
 * operator moved ({@code shardcast ops room ID move --to NODE}) goes to its node first and stays there
 * while pinned (it still leaves a node that stops being active).
 *
 * <p>The node this strategy runs on (the oldest: it holds the shard coordinator and the
 * singletons) gets new rooms only when no other active node can take them, is never the target of
 * a move, and sheds the rooms it holds (placed there before it became the oldest) a few per round
 * once another active node can take them: when it is lost, the coordinator and the singletons must move and Pekko waits
 * a removal margin before starting them elsewhere, so its rooms would be unavailable about 4 s
 * longer than those of any other node (docs/chaos.md).
 *
 * <p>The view (roles, viewers per shard, rooms with a sale) comes from the autoscaler singleton,
 * cached for a second. While it has none (the singleton starting or moving), new rooms go to the
 * node with the fewest rooms and none are moved. With the autoscaler disabled the node uses Pekko's
 * default allocation instead of this one.
 */
public final class RoomAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {

  private static final Duration VIEW_TTL = Duration.ofSeconds(1);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
  private static final Autoscaler.Allocation EMPTY = new Autoscaler.Allocation(Map.of(), Map.of(), Set.of());

  private final ActorSystem<?> system;
  private final org.apache.pekko.actor.typed.ActorRef<Autoscaler.Command> autoscaler;
  private final long minImbalance;
  private final int maxMoves;
  private volatile Autoscaler.Allocation view = EMPTY;
  private volatile long viewAtNanos = Long.MIN_VALUE / 2;

  /**
   * @param minImbalance viewers between the most and least loaded active node below which no room moves
   * @param maxMoves rooms moved per rebalance round for load, or off the coordinator's node (evacuating a
   *     non-active node is not limited)
   */
  public RoomAllocation(ActorSystem<?> system, org.apache.pekko.actor.typed.ActorRef<Autoscaler.Command> autoscaler,
      long minImbalance, int maxMoves) {
    this.system = system;
    this.autoscaler = autoscaler;
    this.minImbalance = minImbalance;
    this.maxMoves = maxMoves;
  }

  private CompletionStage<Autoscaler.Allocation> view() {
    if (System.nanoTime() - viewAtNanos < VIEW_TTL.toNanos()) {
      return java.util.concurrent.CompletableFuture.completedFuture(view);
    }
    return AskPattern.<Autoscaler.Command, Autoscaler.Allocation>ask(autoscaler, Autoscaler.GetAllocation::new,
        ASK_TIMEOUT, system.scheduler()).handle((v, failure) -> {
          if (v != null) {
            view = v;
            viewAtNanos = System.nanoTime();
          }
          return view; // the singleton moving: the last view (empty at first) will do for now
        });
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
      Map<ActorRef, IndexedSeq<String>> current) {
    return FutureConverters.asScala(view().thenApply(v -> {
      Map<String, ActorRef> regions = new HashMap<>();
      Map<String, List<String>> shards = byNode(current, regions);
      String node = place(v, shardId, nodeOf(requester), shards, system.address().toString());
      return regions.getOrDefault(node, requester);
    }));
  }

  @Override
  public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
    if (!inProgress.isEmpty()) {
      return Future.successful(Set.of()); // one round at a time
    }
    return FutureConverters.asScala(view().thenApply(v -> moves(v, byNode(current, new HashMap<>()), minImbalance,
        maxMoves, system.address().toString())));
  }

  private Map<String, List<String>> byNode(Map<ActorRef, IndexedSeq<String>> current, Map<String, ActorRef> regions) {
    Map<String, List<String>> out = new HashMap<>();
    current.forEach((region, shards) -> {
      String node = nodeOf(region);
      regions.put(node, region);
      out.put(node, CollectionConverters.asJava(shards));
    });
    return out;
  }

  /** The node for {@code shardId}: where an operator moved it while that node is active, else {@link #choose}. */
  static String place(Autoscaler.Allocation v, String shardId, String requester, Map<String, List<String>> shardsByNode,
      String spare) {
    String pinned = v.pinnedShards().get(shardId);
    if (pinned != null && shardsByNode.containsKey(pinned) && v.roles().get(pinned) == NodeRole.ACTIVE
        && !pinned.equals(spare)) {
      return pinned;
    }
    return choose(v, requester, shardsByNode, spare);
  }

  /**
   * The node for a new room: the active node whose rooms have the fewest viewers (ties: fewer rooms,
   * the requester); {@code spare} (the coordinator's node, or null) only when no other node can.
   */
  static String choose(Autoscaler.Allocation v, String requester, Map<String, List<String>> shardsByNode,
      String spare) {
    String best = null;
    long bestLoad = Long.MAX_VALUE;
    int bestCount = Integer.MAX_VALUE;
    boolean anyActive = anyActive(v, shardsByNode);
    // Without the autoscaler's view yet (the cluster starting), any other node will do.
    boolean spareIt = spare != null && (anyActive ? otherActive(v, shardsByNode, spare)
        : shardsByNode.keySet().stream().anyMatch(n -> !n.equals(spare)));
    for (Map.Entry<String, List<String>> e : shardsByNode.entrySet()) {
      if (anyActive && v.roles().get(e.getKey()) != NodeRole.ACTIVE || spareIt && e.getKey().equals(spare)) {
        continue;
      }
      long load = load(v, e.getValue());
      int count = e.getValue().size();
      boolean better = load < bestLoad || (load == bestLoad && count < bestCount)
          || (load == bestLoad && count == bestCount && e.getKey().equals(requester));
      if (better) {
        best = e.getKey();
        bestLoad = load;
        bestCount = count;
      }
    }
    return best != null ? best : requester;
  }

  /**
   * The rooms to move this round. {@code spare} (the coordinator's node, or null) is never where load
   * moves to, and rooms leave it, at most {@code maxMoves} a round and never one locked by a sale, while
   * another active node can take them; until it is empty of those, rooms do not move for load. (If
   * that other node goes silent before the room is placed again, the room may land back here and
   * leave again next round.)
   */
  static Set<String> moves(Autoscaler.Allocation v, Map<String, List<String>> shardsByNode, long minImbalance,
      int maxMoves, String spare) {
    Set<String> out = new HashSet<>();
    if (!anyActive(v, shardsByNode)) {
      return out;
    }
    String most = null;
    String least = null;
    long mostLoad = Long.MIN_VALUE;
    long leastLoad = Long.MAX_VALUE;
    for (Map.Entry<String, List<String>> e : shardsByNode.entrySet()) {
      NodeRole role = v.roles().get(e.getKey());
      if (role == null) {
        // Not reporting (just started, or unreachable and about to be downed): leave its rooms be;
        // a hand-off from a node that cannot answer would hold them until the hand-off timeout.
        continue;
      }
      if (role != NodeRole.ACTIVE) {
        out.addAll(e.getValue()); // standing by or draining: every room leaves
        continue;
      }
      long load = load(v, e.getValue());
      if (load > mostLoad) {
        most = e.getKey();
        mostLoad = load;
      }
      if (load < leastLoad && !e.getKey().equals(spare)) {
        least = e.getKey();
        leastLoad = load;
      }
    }
    if (!out.isEmpty() || most == null || least == null) {
      return out;
    }
    // An operator's moves come first: each pinned shard not yet on its (active, not spare) node.
    for (Map.Entry<String, String> pin : v.pinnedShards().entrySet()) {
      String to = pin.getValue();
      if (v.roles().get(to) == NodeRole.ACTIVE && !to.equals(spare) && shardsByNode.containsKey(to)
          && !shardsByNode.get(to).contains(pin.getKey()) && !v.lockedShards().contains(pin.getKey())
          && shardsByNode.values().stream().anyMatch(l -> l.contains(pin.getKey()))) {
        out.add(pin.getKey());
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    // Rooms on the coordinator's node leave it when another active node can take them: they were
    // placed there before it became the oldest (the previous oldest was lost), and there they would
    // be unavailable about 4 s longer if it failed. A few per round, never a room with a sale near.
    List<String> onSpare = spare == null ? null : shardsByNode.get(spare);
    if (onSpare != null && v.roles().get(spare) == NodeRole.ACTIVE) {
      for (String shard : onSpare) {
        if (out.size() < maxMoves && !v.lockedShards().contains(shard) && !v.pinnedShards().containsKey(shard)) {
          out.add(shard);
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    if (most.equals(least)) {
      return out;
    }
    long gap = mostLoad - leastLoad;
    for (int moved = 0; moved < maxMoves && gap >= minImbalance; moved++) {
      // The heaviest room that still narrows the gap (moving it must not just swap the two nodes).
      String pick = null;
      long pickWeight = 0;
      for (String shard : shardsByNode.get(most)) {
        long w = v.shardViewers().getOrDefault(shard, 0L);
        if (w > pickWeight && 2 * w < gap && !v.lockedShards().contains(shard) && !out.contains(shard)
            && !v.pinnedShards().containsKey(shard)) {
          pick = shard;
          pickWeight = w;
        }
      }
      if (pick == null) {
        break;
      }
      out.add(pick);
      gap -= 2 * pickWeight;
    }
    return out;
  }

  /** Viewers of the node's rooms, plus one per room so empty rooms spread too. */
  private static long load(Autoscaler.Allocation v, List<String> shards) {
    long load = 0;
    for (String s : shards) {
      load += 1 + v.shardViewers().getOrDefault(s, 0L);
    }
    return load;
  }

  private static boolean otherActive(Autoscaler.Allocation v, Map<String, List<String>> shardsByNode, String node) {
    for (String n : shardsByNode.keySet()) {
      if (!n.equals(node) && v.roles().get(n) == NodeRole.ACTIVE) {
        return true;
      }
    }
    return false;
  }

  /** A node the autoscaler has not heard of yet counts as not active (probably a standby starting). */
  private static boolean anyActive(Autoscaler.Allocation v, Map<String, List<String>> shardsByNode) {
    for (String node : shardsByNode.keySet()) {
      if (v.roles().get(node) == NodeRole.ACTIVE) {
        return true;
      }
    }
    return false;
  }

  private String nodeOf(ActorRef region) {
    Address a = region.path().address();
    return (a.hasLocalScope() ? system.address() : a).toString();
  }
}
