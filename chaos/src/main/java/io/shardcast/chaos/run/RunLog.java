package io.shardcast.chaos.run;

import java.io.PrintStream;

/** A run's narration on the console: a line a step, stamped with the seconds since the load started. */
final class RunLog {

  private final PrintStream out;
  private final Scenario scenario;
  private volatile long loadStartedAt;

  RunLog(PrintStream out, Scenario scenario) {
    this.out = out;
    this.scenario = scenario;
  }

  /** The load is on: lines count their seconds from now, and so does the run's schedule of faults. */
  void loadStarted() {
    loadStartedAt = System.currentTimeMillis();
  }

  /** When the load started (wall-clock milliseconds), 0 before it did. */
  long loadStartedAt() {
    return loadStartedAt;
  }

  void say(String what) {
    long t = loadStartedAt == 0 ? 0 : (System.currentTimeMillis() - loadStartedAt) / 1000;
    out.println("[" + scenario.id() + " +" + t + "s] " + what);
  }
}
