package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;

/**
 * What faults did, written to the history and said on the console: a fault's start and end on its
 * target, and a node's capacity lost and back. The checkers measure each fault's cost from these.
 */
final class FaultLog {

  /** The target of faults on the journal's PostgreSQL server. */
  static final String POSTGRES = "postgres";
  /** The target of faults on the media players' network path. */
  static final String MEDIA_PATH = "media path";

  private final History history;
  private final RunLog log;

  FaultLog(History history, RunLog log) {
    this.history = history;
    this.log = log;
  }

  /** Node {@code i}'s name in the history (node-1 for the first). */
  static String node(int i) {
    return "node-" + (i + 1);
  }

  void start(String name, String faultClass, String target) {
    fault("start", name, faultClass, target);
    log.say(name + " " + target);
  }

  void end(String name, String faultClass, String target) {
    fault("end", name, faultClass, target);
    log.say(name + " " + target + " over");
  }

  /** Node {@code i} stopped serving (killed, retired, given up on). */
  void lost(int i) {
    capacity("lost", i);
    log.say(node(i) + " gone");
  }

  /** Node {@code i} serves again. */
  void back(int i) {
    capacity("back", i);
    log.say(node(i) + " serving again");
  }

  /** Something a fault did beyond its plan, for whoever watches the run. */
  void say(String what) {
    log.say(what);
  }

  private void fault(String phase, String name, String faultClass, String target) {
    history.add(History.record("fault").put("phase", phase).put("name", name).put("class", faultClass)
        .put("target", target));
  }

  private void capacity(String phase, int i) {
    history.add(History.record("capacity").put("phase", phase).put("node", node(i)));
  }
}
