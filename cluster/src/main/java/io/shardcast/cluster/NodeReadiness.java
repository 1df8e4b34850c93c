package io.shardcast.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * The management {@code /ready} check: ready once sharding and the gateway are up (cluster
 * membership is checked by pekko-management's own readiness check beside it).
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {

  private final NodeStatus status;

  public NodeReadiness(ActorSystem system) {
    this.status = NodeStatus.ID.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(status.ready());
  }
}
