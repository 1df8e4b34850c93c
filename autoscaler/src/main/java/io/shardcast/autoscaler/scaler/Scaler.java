package io.shardcast.autoscaler.scaler;

import java.util.List;

/**
 * Where new nodes come from. The autoscaler decides how many nodes should exist; a backend makes
 * them: child processes on this machine ({@link LocalProcessScaler}) or pods of a Kubernetes
 * workload ({@code KubernetesScaler}). Nodes leave by themselves (drained or retired through their
 * own node agent), so a backend only ever adds capacity and learns when a node went for good.
 *
 * <p>Calls are blocking and made off the autoscaler's thread, one at a time; a failure is thrown,
 * retried with backoff by the caller and shown at {@code GET /api/autoscaler}.
 */
public interface Scaler extends AutoCloseable {

  /** A short name for logs and {@code /api/autoscaler}: {@code local}, {@code kubernetes}. */
  String name();

  /**
   * Asks for {@code count} more nodes, on top of the {@code existing} ones the autoscaler counts
   * (serving, standing by or already starting). New nodes join the cluster as warm standbys.
   *
   * @param members addresses of the nodes reporting now ({@code pekko://system@host:port}), oldest
   *     first: a backend that starts processes gives them as seeds
   */
  void start(int count, int existing, List<String> members) throws Exception;

  /** A node retired or drained away for good: release what the backend holds for it. */
  default void removed(String nodeId) throws Exception {}

  /**
   * Nodes this backend started that failed before they could join (a process that exited, a pod
   * that crashed), each as one line, since the last call.
   */
  default List<String> takeFailures() {
    return List.of();
  }

  @Override
  default void close() {}
}
