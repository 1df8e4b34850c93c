package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges the rooms' activity records (each incarnation's recovery, persisted events and stop, as
 * the nodes recorded them). Invariants:
 * <ul>
 *   <li>double-activation: two incarnations of a room on different nodes persisted events in
 *       overlapping spans of time: the room ran in two places at once;
 *   <li>seq-reused: one seq persisted by two incarnations;
 *   <li>recovered-behind: an incarnation recovered at a seq lower than one an earlier incarnation
 *       had already persisted (a write it cannot see: lost, or written by a twin).
 * </ul>
 * A stale incarnation that woke up (a paused node resuming before it learns it was downed) may
 * still try to write; the journal refuses a second write of a sequence number, so the attempt
 * fails and the stale room stops. Such attempts that were never confirmed are counted as
 * {@code unconfirmedAttempts} (with the last writes of killed nodes, which died before the
 * journal answered): the journal, not the cluster, stopped a twin there.
 */
public final class SplitBrainChecker {

  private SplitBrainChecker() {}

  private static final class Incarnation {
    final String node;
    final long recoveredAt;
    final long recoveredSeq;
    long firstPersist = Long.MAX_VALUE;
    long lastPersist = Long.MIN_VALUE;
    long persisted;
    final java.util.Set<Long> attempted = new java.util.HashSet<>();
    final java.util.Set<Long> confirmed = new java.util.HashSet<>();

    Incarnation(String node, long recoveredAt, long recoveredSeq) {
      this.node = node;
      this.recoveredAt = recoveredAt;
      this.recoveredSeq = recoveredSeq;
    }

    boolean acted() {
      return persisted > 0;
    }
  }

  public static Verdict check(List<JsonNode> history) {
    Verdict v = new Verdict("split-brain", "double-activation", "seq-reused", "recovered-behind");
    List<JsonNode> activity = new ArrayList<>();
    for (JsonNode r : history) {
      if (r.path("k").asText().equals("activity")) {
        activity.add(r);
      }
    }
    // Several nodes' files merged: order by time (a stable sort keeps each file's own order).
    activity.sort((a, b) -> Long.compare(a.path("t").asLong(), b.path("t").asLong()));
    Map<String, List<Incarnation>> byRoom = new LinkedHashMap<>();
    Map<String, Incarnation> open = new HashMap<>();
    Map<String, Map<Long, String>> seqOwner = new HashMap<>();
    Map<String, long[]> highest = new HashMap<>(); // room -> {seq, time}
    for (JsonNode r : activity) {
      String room = r.path("room").asText();
      String node = r.path("node").asText();
      String key = room + "@" + node;
      long t = r.path("t").asLong();
      long seq = r.path("seq").asLong();
      switch (r.path("what").asText()) {
        case "recovered" -> {
          Incarnation inc = new Incarnation(node, t, seq);
          open.put(key, inc);
          byRoom.computeIfAbsent(room, x -> new ArrayList<>()).add(inc);
          long[] hi = highest.get(room);
          if (hi != null && hi[0] > seq && hi[1] < t) {
            v.violate("recovered-behind", "room " + room + " recovered on " + node + " at seq " + seq
                + " after seq " + hi[0] + " had been persisted");
          }
        }
        case "attempted" -> open.computeIfAbsent(key, x -> {
          Incarnation i = new Incarnation(node, t, -1);
          byRoom.computeIfAbsent(room, y -> new ArrayList<>()).add(i);
          return i;
        }).attempted.add(seq);
        case "persisted" -> {
          Incarnation inc = open.computeIfAbsent(key, x -> {
            Incarnation i = new Incarnation(node, t, -1);
            byRoom.computeIfAbsent(room, y -> new ArrayList<>()).add(i);
            return i;
          });
          inc.persisted++;
          inc.confirmed.add(seq);
          inc.firstPersist = Math.min(inc.firstPersist, t);
          inc.lastPersist = Math.max(inc.lastPersist, t);
          String before = seqOwner.computeIfAbsent(room, x -> new HashMap<>()).put(seq, node + "#" + inc.recoveredAt);
          if (before != null) {
            v.violate("seq-reused", "room " + room + " seq " + seq + " persisted by " + before + " and " + node);
          }
          long[] hi = highest.computeIfAbsent(room, x -> new long[] {-1, 0});
          if (seq > hi[0]) {
            hi[0] = seq;
            hi[1] = t;
          }
        }
        case "stopped" -> open.remove(key);
        default -> { }
      }
    }
    long incarnations = 0;
    long fenced = 0;
    for (Map.Entry<String, List<Incarnation>> e : byRoom.entrySet()) {
      List<Incarnation> list = e.getValue();
      incarnations += list.size();
      for (Incarnation inc : list) {
        for (long s : inc.attempted) {
          if (!inc.confirmed.contains(s)) {
            fenced++;
          }
        }
      }
      for (int i = 0; i < list.size(); i++) {
        for (int j = i + 1; j < list.size(); j++) {
          Incarnation a = list.get(i);
          Incarnation b = list.get(j);
          if (a.acted() && b.acted() && !a.node.equals(b.node)
              && a.firstPersist <= b.lastPersist && b.firstPersist <= a.lastPersist) {
            v.violate("double-activation", "room " + e.getKey() + " persisted on " + a.node + " and " + b.node
                + " at once (" + a.firstPersist + ".." + a.lastPersist + " and " + b.firstPersist + ".."
                + b.lastPersist + ")");
          }
        }
      }
    }
    v.figure("rooms", byRoom.size());
    v.figure("incarnations", incarnations);
    v.figure("activityRecords", activity.size());
    v.figure("unconfirmedAttempts", fenced);
    return v;
  }
}
