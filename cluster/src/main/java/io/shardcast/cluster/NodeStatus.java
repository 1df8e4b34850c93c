package io.shardcast.cluster;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/** What this node has brought up so far; read by the readiness check. */
public final class NodeStatus implements Extension {

  /** The extension's id: one status per actor system. */
  public static final class Id extends AbstractExtensionId<NodeStatus> {
    @Override
    public NodeStatus createExtension(ExtendedActorSystem system) {
      return new NodeStatus();
    }
  }

  public static final Id ID = new Id();

  volatile boolean shardingStarted;
  volatile boolean gatewayBound;

  public boolean ready() {
    return shardingStarted && gatewayBound;
  }
}
