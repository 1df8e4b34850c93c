package io.shardcast.chaos.run;

import io.shardcast.testkit.cluster.Endpoint;
import java.util.Random;

/**
 * The nodes a run's clients may talk to right now, as a load balancer would offer them: the
 * chaos harness's {@link Targets}, or the serving pods of a LiveCluster.
 */
@FunctionalInterface
public interface Gateways {

  /** A node chosen by {@code random} among those serving; when none is, any node (the request fails, as it should). */
  Endpoint any(Random random);
}
