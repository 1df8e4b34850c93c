package io.shardcast.autoscaler.policy;

/**
 * A number of nodes the policy wants: {@code active} serving, {@code provision} in all (serving,
 * standing by or starting).
 */
record Capacity(int active, int provision) {

  /** At most {@code maxNodes} in all, and never more serving than there are in all. */
  Capacity cappedAt(int maxNodes) {
    int all = Math.min(provision, maxNodes);
    return new Capacity(Math.min(active, all), all);
  }

  /** Never fewer in all than serving. */
  Capacity provisioningActive() {
    return new Capacity(active, Math.max(provision, active));
  }

  /** At least {@code floor} serving, with the same pool above them. */
  Capacity atLeastActive(int floor) {
    int raise = Math.max(0, floor - active);
    return new Capacity(active + raise, provision + raise);
  }
}
