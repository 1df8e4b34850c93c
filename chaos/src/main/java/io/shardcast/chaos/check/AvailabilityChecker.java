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
 * probe's start to the first answer of a good probe started after it. Probes overlap (one starts
 * every period whatever the others do), so a slow probe sent during an outage belongs to it and
 * starts no outage of its own. A fault's unavailability is the time of the outages that are its:
 * an outage belongs to the last fault begun when its first bad probe was answered (or timed out),
 * so a request sent just before a kill and lost with the node counts against that kill. Also when capacity was
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
    // Outages over the whole run: from a bad probe to the first answer of a good one started after
    // it (probes overlap: a later one may be answered first).
    long[] faultAt = new long[faults.size()];
    for (int f = 0; f < faults.size(); f++) {
      faultAt[f] = faults.get(f).path("t").asLong();
    }
    long[] total = new long[faults.size()];
    long[] longest = new long[faults.size()];
    int i = 0;
    while (i < probes.size()) {
      Probe p = probes.get(i);
      if (p.good()) {
        i++;
        continue;
      }
      long outageStart = p.start();
      long outageEnd = Long.MAX_VALUE;
      for (int j = i + 1; j < probes.size() && probes.get(j).start() < outageEnd; j++) {
        if (probes.get(j).good()) {
          outageEnd = Math.min(outageEnd, probes.get(j).end());
        }
      }
      if (outageEnd == Long.MAX_VALUE) {
        outageEnd = Math.max(p.end(), end);
      }
      // The outage is the last fault's that had begun when its first bad probe ended: a probe sent
      // just before a kill and lost with the node belongs to that kill. None before the first fault.
      int f = faults.size() - 1;
      while (f >= 0 && faultAt[f] > p.end()) {
        f--;
      }
      if (f >= 0) {
        total[f] += outageEnd - outageStart;
        longest[f] = Math.max(longest[f], outageEnd - outageStart);
      }
      // Probes sent before the room answered again were caught in this outage, however they ended.
      while (i < probes.size() && probes.get(i).start() < outageEnd) {
        i++;
      }
    }
    Map<String, List<Long>> byClass = new LinkedHashMap<>();
    for (int f = 0; f < faults.size(); f++) {
      JsonNode fault = faults.get(f);
      long from = faultAt[f];
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
      costs.add(new FaultCost(fault.path("name").asText(), cls, target, from, total[f], longest[f], back));
      byClass.computeIfAbsent(cls, x -> new ArrayList<>()).add(total[f]);
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
