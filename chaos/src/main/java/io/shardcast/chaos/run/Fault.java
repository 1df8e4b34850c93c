package io.shardcast.chaos.run;

/**
 * A fault a scenario injects again and again while the load runs, healing it each time, and
 * recording each start and end in the history ({@link FaultLog}).
 */
sealed interface Fault permits HardKill, Pause, Partition, PartitionFlapping, PostgresStop, RollingRestart, Drain,
    MediaLoss {

  /** Injects this fault, and heals it, until {@code deadline} (wall-clock milliseconds); always at least once. */
  void injectUntil(long deadline) throws Exception;

  /** One injection and its recovery. */
  @FunctionalInterface
  interface Round {
    void run() throws Exception;
  }

  /**
   * Runs {@code round} every {@code roundSeconds} while one more fits before {@code deadline}
   * (always at least once); the last may run over by half a round.
   */
  static void rounds(long deadline, int roundSeconds, Round round) throws Exception {
    do {
      long start = System.currentTimeMillis();
      round.run();
      long rest = start + roundSeconds * 1000L - System.currentTimeMillis();
      if (rest > 0) {
        Thread.sleep(rest);
      }
    } while (System.currentTimeMillis() + roundSeconds * 500L <= deadline);
  }
}
