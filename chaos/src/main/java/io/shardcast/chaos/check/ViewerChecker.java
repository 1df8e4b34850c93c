package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges what every viewer received. Invariants:
 * <ul>
 *   <li>reordered: an event with a lower seq than one the viewer already had;
 *   <li>duplicate: the same seq twice (across reconnects too: a resume sends only what is missing);
 *   <li>lost: a seq the viewer never got, between two it did, with no snapshot in between, that
 *       is a commerce or system event (another viewer received it);
 *   <li>gap: such a missing seq that no viewer received at all, and that the room did not write
 *       as chat;
 *   <li>diverged: two viewers received different events under one seq.
 * </ul>
 * Comments and like totals may be sampled away for a viewer that falls behind (the protocol
 * says so): those holes are counted as {@code sampled}, not violations. A snapshot (sent when a
 * resume's gap is larger than the edge keeps) restarts the viewer's position.
 */
public final class ViewerChecker {

  private ViewerChecker() {}

  /** Event types a server may sample away for a slow viewer. */
  static final Set<String> SAMPLED_TYPES = Set.of("comment", "likes");

  private record Known(long hash, String type, String viewer) {}

  public static Verdict check(List<JsonNode> history) {
    Verdict v = new Verdict("viewers", "reordered", "duplicate", "lost", "gap", "diverged");
    Map<Long, Known> canon = new HashMap<>();
    Map<String, List<JsonNode>> byViewer = new LinkedHashMap<>();
    long events = 0;
    // Which seqs the rooms wrote as chat (comments, like totals): a hole no viewer received may
    // be chat every viewer had sampled away (stale after a stall), not a lost event.
    java.util.Set<Long> chatSeqs = new java.util.HashSet<>();
    for (JsonNode r : history) {
      if (r.path("k").asText().equals("activity") && r.path("chat").asBoolean(false)) {
        chatSeqs.add(r.path("seq").asLong());
      }
    }
    for (JsonNode r : history) {
      String k = r.path("k").asText();
      if (k.equals("recv")) {
        events++;
        long seq = r.path("seq").asLong();
        long h = r.path("h").asLong();
        Known first = canon.putIfAbsent(seq, new Known(h, r.path("type").asText(), r.path("viewer").asText()));
        if (first != null && first.hash() != h) {
          v.violate("diverged", "seq " + seq + ": viewer " + r.path("viewer").asText() + " got " + r.path("type").asText()
              + ", viewer " + first.viewer() + " got " + first.type());
        }
      }
      if (k.equals("recv") || k.equals("snapshot") || k.equals("conn")) {
        byViewer.computeIfAbsent(r.path("viewer").asText(), x -> new ArrayList<>()).add(r);
      }
    }
    long sampled = 0;
    long snapshots = 0;
    long resumes = 0;
    for (Map.Entry<String, List<JsonNode>> e : byViewer.entrySet()) {
      String viewer = e.getKey();
      long last = -1;
      int opened = 0;
      for (JsonNode r : e.getValue()) {
        String k = r.path("k").asText();
        if (k.equals("conn")) {
          if (r.path("phase").asText().equals("open") && opened++ > 0) {
            resumes++;
          }
          continue;
        }
        long seq = r.path("seq").asLong();
        if (k.equals("snapshot")) {
          snapshots++;
          last = Math.max(last, seq);
          continue;
        }
        if (last >= 0) {
          if (seq == last) {
            v.violate("duplicate", "viewer " + viewer + " got seq " + seq + " twice");
          } else if (seq < last) {
            v.violate("reordered", "viewer " + viewer + " got seq " + seq + " after " + last);
          } else {
            for (long missing = last + 1; missing < seq; missing++) {
              Known known = canon.get(missing);
              if (known == null && chatSeqs.contains(missing)) {
                sampled++;
              } else if (known == null) {
                v.violate("gap", "viewer " + viewer + " jumped from " + last + " to " + seq + "; no viewer got seq "
                    + missing);
              } else if (SAMPLED_TYPES.contains(known.type())) {
                sampled++;
              } else {
                v.violate("lost", "viewer " + viewer + " never got seq " + missing + " (" + known.type() + ")");
              }
            }
          }
        }
        last = Math.max(last, seq);
      }
    }
    v.figure("viewers", byViewer.size());
    v.figure("eventsReceived", events);
    v.figure("distinctSeqs", canon.size());
    v.figure("resumes", resumes);
    v.figure("snapshots", snapshots);
    v.figure("chatSampledAway", sampled);
    return v;
  }
}
