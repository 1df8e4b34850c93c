package io.shardcast.chaos.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Which nodes a fault hits, by node index, chosen with the run's seeded random. */
final class Victims {

  /** A choice of nodes, made when a fault's round begins (the room may have moved since the last). */
  @FunctionalInterface
  interface Choice {
    List<Integer> choose() throws Exception;
  }

  private final int nodes;
  private final int faulty;
  private final Random random;
  private final ClusterProbe probe;

  Victims(int nodes, int faulty, Random random, ClusterProbe probe) {
    this.nodes = nodes;
    this.faulty = faulty;
    this.random = random;
    this.probe = probe;
  }

  /** {@code count} nodes at random. */
  List<Integer> random(int count) {
    List<Integer> all = all();
    Collections.shuffle(all, random);
    return new ArrayList<>(all.subList(0, count));
  }

  /** A minority of --faulty nodes (at most), none hosting the room. */
  List<Integer> minorityWithoutRoom() throws InterruptedException {
    List<Integer> rest = others(List.of(probe.roomHost()));
    Collections.shuffle(rest, random);
    return new ArrayList<>(rest.subList(0, Math.min(faulty, (nodes - 1) / 2)));
  }

  /** The room's node, and the oldest node too when the minority can hold two. */
  List<Integer> minorityWithRoom() throws InterruptedException {
    List<Integer> minority = new ArrayList<>(List.of(probe.roomHost()));
    int oldest = probe.oldest();
    if ((nodes - 1) / 2 >= 2 && !minority.contains(oldest)) {
      minority.add(oldest);
    }
    return minority;
  }

  /** Every node but {@code except}. */
  List<Integer> others(List<Integer> except) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      if (!except.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }

  List<Integer> all() {
    return others(List.of());
  }
}
