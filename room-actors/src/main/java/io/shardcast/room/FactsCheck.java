package io.shardcast.room;

import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The limits on what a host tells about products and policies: what is wrong, or null. */
final class FactsCheck {

  static final int MAX_ATTRIBUTES = 50;
  static final int MAX_VARIANTS = 100;
  static final int MAX_FAQ = 50;
  static final int MAX_POLICY = 2000;

  private FactsCheck() {}

  static String problem(ProductFacts facts) {
    if (facts == null) {
      return null;
    }
    if (facts.attributes().size() > MAX_ATTRIBUTES) {
      return "at most " + MAX_ATTRIBUTES + " attributes";
    }
    for (Map.Entry<String, String> a : facts.attributes().entrySet()) {
      if (blankOrLong(a.getKey(), 64) || blankOrLong(a.getValue(), 500)) {
        return "attributes are name (1..64 chars) to value (1..500 chars)";
      }
    }
    if (facts.variants().size() > MAX_VARIANTS) {
      return "at most " + MAX_VARIANTS + " variants";
    }
    Set<String> ids = new HashSet<>();
    for (ProductFacts.Variant v : facts.variants()) {
      if (v == null || !Ids.valid(v.variantId()) || !ids.add(v.variantId()) || v.stock() < 0
          || tooLong(v.size(), 32) || tooLong(v.color(), 32)) {
        return "each variant needs a unique variantId (1..64 of [A-Za-z0-9_-]) and stock >= 0; size and color "
            + "at most 32 chars";
      }
    }
    if (facts.faq().size() > MAX_FAQ) {
      return "at most " + MAX_FAQ + " faq entries";
    }
    for (ProductFacts.Faq f : facts.faq()) {
      if (f == null || blankOrLong(f.q(), 300) || blankOrLong(f.a(), 1000)) {
        return "each faq entry is {\"q\" (1..300 chars), \"a\" (1..1000 chars)}";
      }
    }
    return null;
  }

  static String problem(Policies p) {
    if (p == null || (p.shipping() == null && p.returns() == null && p.delivery() == null)) {
      return "give at least one of shipping, returns, delivery";
    }
    if (tooLong(p.shipping(), MAX_POLICY) || tooLong(p.returns(), MAX_POLICY) || tooLong(p.delivery(), MAX_POLICY)) {
      return "each policy is at most " + MAX_POLICY + " characters";
    }
    return null;
  }

  private static boolean blankOrLong(String s, int max) {
    return s == null || s.isBlank() || s.length() > max;
  }

  private static boolean tooLong(String s, int max) {
    return s != null && s.length() > max;
  }
}
