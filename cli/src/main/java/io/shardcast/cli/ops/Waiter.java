package io.shardcast.cli.ops;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Waits for what an order should bring about, by looking at the cluster as it is (never at the
 * order's own record): progress lines on stderr when something changes, so {@code -o json} on
 * stdout stays one document; a timeout is a failure (exit 1).
 */
final class Waiter {

  /** What a look found: whether it is done, and a line on how far along it is. */
  record Progress(boolean done, String line) {}

  /** One look at the cluster. */
  @FunctionalInterface
  interface Look {
    Progress look();
  }

  private static final long POLL_MILLIS = 1000;

  private final PrintWriter err;
  private final Duration timeout;

  Waiter(PrintWriter err, Duration timeout) {
    this.err = err;
    this.timeout = timeout;
  }

  void until(String what, Look look) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (true) {
      Progress p = look.look();
      if (!p.line().equals(last)) {
        err.println(what + ": " + p.line());
        err.flush();
        last = p.line();
      }
      if (p.done()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new OpsFailure(ExitCodes.FAILED, what + " not done within " + timeout.toSeconds() + " s (" + last
            + "); it goes on: look again with shardcast ops nodes");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OpsFailure(ExitCodes.FAILED, "interrupted while waiting for " + what);
      }
    }
  }
}
