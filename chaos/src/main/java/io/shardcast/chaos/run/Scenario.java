package io.shardcast.chaos.run;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The chaos scenarios: one kind of fault each, injected repeatedly while the load runs. */
public enum Scenario {
  KILL_ROOM_HOST("kill-room-host", "SIGKILL of the node hosting the hot room, restarted after a while", false, false),
  KILL_RANDOM_LOOP("kill-random-loop", "SIGKILL of --faulty random nodes in a loop, each restarted after a while",
      false, false),
  KILL_COORDINATOR("kill-coordinator", "SIGKILL of the oldest node (shard coordinator and singletons)", false, false),
  PAUSE_ROOM_HOST("pause-room-host", "SIGSTOP of the room's node past the failure detector (a long GC), then SIGCONT",
      false, false),
  PARTITION_MINORITY("partition-minority", "a minority without the room cut off from the rest, then healed", true,
      false),
  PARTITION_MAJORITY("partition-majority", "the room's node (and the oldest, with 5+ nodes) left in a minority: "
      + "the majority is cut off from the room", true, false),
  PARTITION_FLAPPING("partition-flapping", "the link between the room's node and another cut and healed every 2 s",
      true, false),
  POSTGRES_RESTART("postgres-restart", "the PostgreSQL journal stopped mid-sale and started again", false, true),
  ROLLING_RESTART("rolling-restart", "every node in turn: SIGTERM (graceful hand-off), exit, start again", false,
      false),
  SCALE_IN_DURING_SALE("scale-in-during-sale", "the room's node drained and retired by the ops API while a sale is "
      + "open", false, false),
  MEDIA_LOSS("media-loss", "the room's media published over RTMP, watched on every node by RTP players through "
      + "the loss proxy: random 10% with delay, bursty, then 30% loss, in turn", false, false);

  private final String id;
  private final String description;
  private final boolean partitions;
  private final boolean postgres;

  Scenario(String id, String description, boolean partitions, boolean postgres) {
    this.id = id;
    this.description = description;
    this.partitions = partitions;
    this.postgres = postgres;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Needs network namespaces (root). */
  public boolean partitions() {
    return partitions;
  }

  /** Needs the PostgreSQL journal. */
  public boolean postgres() {
    return postgres;
  }

  /** The scenarios {@code name} stands for ("all" for every one); an unknown name is an error listing the known ones. */
  public static List<Scenario> parse(String name) {
    if (name.equals("all")) {
      return List.of(values());
    }
    for (Scenario s : values()) {
      if (s.id.equals(name)) {
        return List.of(s);
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + name + "'; known: all, "
        + Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", ")));
  }
}
