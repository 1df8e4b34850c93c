package io.shardcast.cluster.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.room.LiveRoom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as this node sees it: its members (status, roles, reachability), the oldest Up
 * member (it hosts the singletons), and each node's shard region (shards, rooms, and which shards).
 */
final class ClusterView {

  /** The view's JSON ({@code GET /api/cluster}) and which node hosts each shard. */
  record Seen(ObjectNode json, Map<String, String> nodeOfShard) {}

  private final ActorSystem<?> system;

  ClusterView(ActorSystem<?> system) {
    this.system = system;
  }

  CompletionStage<Seen> read() {
    Cluster cluster = Cluster.get(system);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("self", cluster.selfMember().address().toString());
    out.put("leader", cluster.state().getLeader() == null ? null : cluster.state().getLeader().toString());
    // The oldest Up member hosts the cluster singletons (shard coordinator, autoscaler): the operator
    // rolls its node last, so they move once.
    Member oldest = null;
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    out.put("oldest", oldest == null ? null : oldest.address().toString());
    ArrayNode members = out.putArray("members");
    for (Member m : cluster.state().getMembers()) {
      ObjectNode n = members.addObject();
      n.put("address", m.address().toString()).put("status", m.status().toString());
      n.put("reachable", !cluster.state().getUnreachable().contains(m));
      ArrayNode roles = n.putArray("roles");
      m.getRoles().stream().filter(r -> !r.startsWith("dc-")).forEach(roles::add);
    }
    CompletionStage<ShardRegion.ClusterShardingStats> stats = AskPattern.<ClusterShardingQuery,
        ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
        replyTo -> new GetClusterShardingStats(LiveRoom.TYPE_KEY, Duration.ofSeconds(2), replyTo),
        Duration.ofSeconds(3), system.scheduler());
    return stats.handle((s, failure) -> {
      ArrayNode regions = out.putArray("shardRegions");
      Map<String, String> nodeOfShard = new HashMap<>();
      if (s != null) {
        s.getRegions().forEach((address, region) -> {
          ObjectNode r = regions.addObject().put("address", address.toString());
          r.put("shards", region.getStats().size());
          int rooms = 0;
          for (Map.Entry<String, Object> e : region.getStats().entrySet()) {
            rooms += ((Number) e.getValue()).intValue();
            nodeOfShard.put(e.getKey(), address.toString());
          }
          r.put("rooms", rooms);
        });
      } else {
        out.put("partial", true); // the shard regions did not answer in time
      }
      return new Seen(out, nodeOfShard);
    });
  }
}
