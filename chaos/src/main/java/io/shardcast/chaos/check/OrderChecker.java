package io.shardcast.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the orders of a history against the confirmed lists read after the run. Invariants:
 * <ul>
 *   <li>lost: an order a client was told is CONFIRMED is not in its sale's final list;
 *   <li>oversold: a sale's final confirmed quantity exceeds its stock;
 *   <li>duplicated: an order id is in the final lists more than once;
 *   <li>told-otherwise: an order in a final list whose client was only ever told another result
 *       (idempotent retries must repeat the original answer);
 *   <li>inconsistent: one order id answered with two different results;
 *   <li>over-limit: a user's confirmed quantity in a sale exceeds its per-user limit;
 *   <li>phantom: a confirmed order no client ever placed;
 *   <li>unread: a sale whose final list could not be read (nothing about it can be judged).
 * </ul>
 * Orders whose outcome the client never learned (timeouts) may be confirmed or not, at most once.
 */
public final class OrderChecker {

  private OrderChecker() {}

  private record Sale(long stock, long limit) {}

  private record Placed(String userId, String saleId) {}

  public static Verdict check(List<JsonNode> history) {
    Verdict v = new Verdict("orders", "lost", "oversold", "duplicated", "told-otherwise", "inconsistent",
        "over-limit", "phantom", "unread");
    Map<String, Sale> sales = new HashMap<>();
    Map<String, Placed> placed = new HashMap<>();
    Map<String, Set<String>> answers = new HashMap<>();
    Set<String> unknown = new HashSet<>();
    Map<String, JsonNode> finals = new HashMap<>();
    long failed = 0;
    for (JsonNode r : history) {
      switch (r.path("k").asText()) {
        case "sale" -> sales.put(r.path("saleId").asText(),
            new Sale(r.path("stock").asLong(), r.path("limit").asLong()));
        case "final" -> finals.put(r.path("saleId").asText(), r.path("orders"));
        case "op" -> {
          if (!r.path("op").asText().equals("order")) {
            break;
          }
          String id = r.path("orderId").asText();
          switch (r.path("phase").asText()) {
            case "invoke" -> placed.putIfAbsent(id, new Placed(r.path("userId").asText(), r.path("saleId").asText()));
            case "ok" -> answers.computeIfAbsent(id, x -> new LinkedHashSet<>()).add(r.path("result").asText());
            case "info" -> unknown.add(id);
            case "fail" -> failed++;
            default -> { }
          }
        }
        default -> { }
      }
    }
    Map<String, Integer> confirmedIn = new HashMap<>();
    long confirmedFinal = 0;
    for (Map.Entry<String, Sale> s : sales.entrySet()) {
      JsonNode list = finals.get(s.getKey());
      if (list == null) {
        v.violate("unread", "sale " + s.getKey() + " has no final list");
        continue;
      }
      long sold = 0;
      Map<String, Long> perUser = new HashMap<>();
      for (JsonNode o : list) {
        String id = o.path("orderId").asText();
        long q = o.path("quantity").asLong(1);
        sold += q;
        confirmedFinal++;
        perUser.merge(o.path("userId").asText(), q, Long::sum);
        if (confirmedIn.merge(id, 1, Integer::sum) > 1) {
          v.violate("duplicated", "order " + id + " confirmed more than once (sale " + s.getKey() + ")");
        }
        if (!placed.containsKey(id)) {
          v.violate("phantom", "order " + id + " in sale " + s.getKey() + " was never placed");
        }
        Set<String> told = answers.get(id);
        if (told != null && !told.contains("CONFIRMED")) {
          v.violate("told-otherwise", "order " + id + " is confirmed but its client was told " + told);
        }
      }
      v.violate("oversold", sold - s.getValue().stock(), "sale " + s.getKey() + " sold " + sold + " of "
          + s.getValue().stock());
      for (Map.Entry<String, Long> u : perUser.entrySet()) {
        if (s.getValue().limit() > 0 && u.getValue() > s.getValue().limit()) {
          v.violate("over-limit", "user " + u.getKey() + " has " + u.getValue() + " in sale " + s.getKey()
              + " (limit " + s.getValue().limit() + ")");
        }
      }
    }
    long acked = 0;
    long unknownConfirmed = 0;
    Map<String, Long> byResult = new HashMap<>();
    for (Map.Entry<String, Set<String>> a : answers.entrySet()) {
      String id = a.getKey();
      a.getValue().forEach(res -> byResult.merge(res, 1L, Long::sum));
      if (a.getValue().size() > 1) {
        v.violate("inconsistent", "order " + id + " answered " + a.getValue());
      }
      if (a.getValue().contains("CONFIRMED")) {
        acked++;
        Placed p = placed.get(id);
        if (p != null && finals.containsKey(p.saleId()) && !confirmedIn.containsKey(id)) {
          v.violate("lost", "order " + id + " was acknowledged CONFIRMED but is not in sale " + p.saleId());
        }
      }
    }
    long neverLearned = 0;
    for (String id : unknown) {
      if (!answers.containsKey(id)) {
        neverLearned++;
        if (confirmedIn.containsKey(id)) {
          unknownConfirmed++;
        }
      }
    }
    v.figure("sales", sales.size());
    v.figure("ordersPlaced", placed.size());
    v.figure("acknowledgedConfirmed", acked);
    v.figure("confirmedInFinalLists", confirmedFinal);
    v.figure("answersByResult", byResult);
    v.figure("outcomeNeverLearned", neverLearned);
    v.figure("outcomeNeverLearnedButConfirmed", unknownConfirmed);
    v.figure("attemptsFailed", failed);
    return v;
  }
}
