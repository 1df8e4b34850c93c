package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the room refused or stalled requests after each fault, from the prober's records: a
 * probe is bad when it failed or took longer than {@link #STALL_MS}; an outage runs from a bad
 * probe's start to the end of the next good one. A fault's unavailability is the outage time
 * that starts between it and the next fault (or the end of the run). Also when capacity was
 * back: the fault's target node serving again. Targets, not invariants: a miss is reported,
 * and does not make the run fail.
 */
public final class AvailabilityChecker {

  /** A probe slower than this counts as the room stalling. */
  public static final long STALL_MS = 1000;

  /** Unavailability targets by fault class, in milliseconds (p99). */
  public static final Map<String, Long> TARGET_P99_MS = Map.of("hard-kill", 10_000L, "drain", 1_000L);

  private AvailabilityChecker() {}

  /** One fault and what it cost. */
  public record FaultCost(String name, String faultClass, String target, long startMillis, long unavailableMillis,
      long longestOutageMillis, long capacityBackMillis) {}

  private record Probe(long start, long end, boolean good) {}

  public static Verdict check(List<JsonNode> history) {
    return check(history, new ArrayList<>());
  }

  /** Checks, and adds each fault's cost to {@code costs} (for the report). */
  public static Verdict check(List<JsonNode> history, List<FaultCost> costs) {
    Verdict v = new Verdict("availability");
    List<Probe> probes = new ArrayList<>();
    List<JsonNode> faults = new ArrayList<>();
    List<JsonNode> capacity = new ArrayList<>();
    long end = 0;
    for (JsonNode r : history) {
      end = Math.max(end, r.path("t").asLong());
      switch (r.path("k").asText()) {
        case "op" -> {
          if (r.path("op").asText().equals("probe") && !r.path("phase").asText().equals("invoke")) {
            long start = r.path("start").asLong();
            long ms = r.path("ms").asLong();
            probes.add(new Probe(start, start + ms, r.path("phase").asText().equals("ok") && ms <= STALL_MS));
          }
        }
        case "fault" -> {
          if (r.path("phase").asText().equals("start")) {
            faults.add(r);
          }
        }
        case "capacity" -> capacity.add(r);
        default -> { }
      }
    }
    probes.sort((a, b) -> Long.compare(a.start(), b.start()));
    Map<String, List<Long>> byClass = new LinkedHashMap<>();
    for (int f = 0; f < faults.size(); f++) {
      JsonNode fault = faults.get(f);
      long from = fault.path("t").asLong();
      long to = f + 1 < faults.size() ? faults.get(f + 1).path("t").asLong() : end;
      long total = 0;
      long longest = 0;
      int i = 0;
      while (i < probes.size()) {
        Probe p = probes.get(i);
        if (p.good() || p.start() < from || p.start() >= to) {
          i++;
          continue;
        }
        // An outage: from this bad probe to the end of the next good one.
        long outageStart = p.start();
        int j = i + 1;
        while (j < probes.size() && !probes.get(j).good()) {
          j++;
        }
        long outageEnd = j < probes.size() ? probes.get(j).end() : Math.max(p.end(), end);
        total += outageEnd - outageStart;
        longest = Math.max(longest, outageEnd - outageStart);
        i = j + 1;
      }
      String target = fault.path("target").asText();
      long back = -1;
      for (JsonNode c : capacity) {
        if (c.path("phase").asText().equals("back") && c.path("t").asLong() >= from
            && c.path("node").asText().equals(target)) {
          back = c.path("t").asLong() - from;
          break;
        }
      }
      String cls = fault.path("class").asText(fault.path("name").asText());
      costs.add(new FaultCost(fault.path("name").asText(), cls, target, from, total, longest, back));
      byClass.computeIfAbsent(cls, x -> new ArrayList<>()).add(total);
    }
    long good = probes.stream().filter(Probe::good).count();
    v.figure("probes", probes.size());
    v.figure("probesBad", probes.size() - good);
    v.figure("faults", faults.size());
    Map<String, Object> stats = new LinkedHashMap<>();
    for (Map.Entry<String, List<Long>> e : byClass.entrySet()) {
      List<Long> xs = new ArrayList<>(e.getValue());
      xs.sort(Long::compare);
      Map<String, Object> s = new HashMap<>();
      s.put("faults", xs.size());
      s.put("p50Ms", percentile(xs, 0.50));
      s.put("p99Ms", percentile(xs, 0.99));
      s.put("maxMs", xs.get(xs.size() - 1));
      Long target = TARGET_P99_MS.get(e.getKey());
      if (target != null) {
        s.put("targetP99Ms", target);
        s.put("targetMet", percentile(xs, 0.99) <= target);
      }
      stats.put(e.getKey(), s);
    }
    v.figure("unavailabilityByFaultClass", stats);
    return v;
  }

  /** Nearest-rank percentile of a sorted list. */
  public static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
