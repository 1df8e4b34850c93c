package io.shardcast.autoscaler.signal;

/**
 * What one node carries in the last second, as it reports it.
 *
 * @param viewers connected viewer sockets
 * @param joinsPerSecond viewer sockets accepted in the last second
 * @param eventsInPerSecond interaction requests received (comments, likes, orders...)
 * @param eventsOutPerSecond events delivered to viewers (per viewer)
 * @param egressBytesPerSecond bytes written to viewers
 * @param cpu process CPU load, 0..1 of the node's cores
 * @param lagMillis dispatcher lag: how late a scheduled tick ran
 */
public record NodeLoad(
    int viewers,
    double joinsPerSecond,
    double eventsInPerSecond,
    double eventsOutPerSecond,
    double egressBytesPerSecond,
    double cpu,
    double lagMillis) {

  public static final NodeLoad IDLE = new NodeLoad(0, 0, 0, 0, 0, 0, 0);

  /** A load with only the additive demand signals the simulator models. */
  public static NodeLoad of(int viewers, double joinsPerSecond, double eventsInPerSecond) {
    return new NodeLoad(viewers, joinsPerSecond, eventsInPerSecond, 0, 0, 0, 0);
  }
}
