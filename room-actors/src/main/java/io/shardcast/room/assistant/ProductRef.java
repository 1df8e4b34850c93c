package io.shardcast.room.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which products a question means, as viewers name them: by number ("1号链接", "2号", "链接3", "#2",
 * "link 2", "no. 3"), by name (a word of it), by kind in either language ("包包", "the bag", "耳机"),
 * by a colour or size only one product comes in, or "this one" / nothing (the pinned product).
 */
public final class ProductRef {

  /**
   * The products found: {@code named} when the question named them (else the pinned one, or none);
   * {@code unknown} when it named one the room does not have (a number past the last, a kind no
   * product is): nothing may be said about it.
   */
  public record Found(List<CatalogView.Product> products, boolean named, boolean unknown) {
    public CatalogView.Product first() {
      return products.isEmpty() ? null : products.get(0);
    }
  }

  private static final Pattern NUMBER = Pattern.compile(
      "(?:#|＃|链接|link\\s*|no\\.?\\s*|number\\s*|item\\s*)(\\d{1,3})|(\\d{1,3})\\s*(?:号链接|号|號)",
      Pattern.CASE_INSENSITIVE);
  /** Words with a kind's word inside that are no product: "包邮" (free shipping), "包装" (packing). */
  private static final Pattern NOT_A_KIND = Pattern.compile("包邮|包装|包括|in case|just in case");

  private ProductRef() {}

  /** The products named in {@code question}, in the order named; the pinned one when none is. */
  public static List<CatalogView.Product> in(String question, CatalogView view) {
    Found f = find(question, view);
    List<CatalogView.Product> out = new ArrayList<>(f.products());
    if (f.unknown()) {
      out.add(null);
    }
    return out;
  }

  public static Found find(String question, CatalogView view) {
    List<CatalogView.Product> named = new ArrayList<>();
    java.util.Map<CatalogView.Product, Integer> at = new java.util.HashMap<>(); // where each is named
    boolean unknown = false;
    Matcher m = NUMBER.matcher(question);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      if (n >= 1 && n <= view.products().size()) {
        add(named, at, view.products().get(n - 1), m.start());
      } else {
        unknown = true; // a number the room has no product for
      }
    }
    String t = question.toLowerCase(Locale.ROOT);
    for (CatalogView.Product p : view.products()) {
      if (mentionsWholly(t, p.name())) {
        add(named, at, p, firstOf(t, p.name()));
      }
    }
    // By kind too, beside a name ("the scarf or the case"), unless a product named is of that kind
    // ("托特包" names the bag; its 包 adds no other bag).
    boolean byNameOrNumber = !named.isEmpty();
    String kinds = NOT_A_KIND.matcher(t).replaceAll(r -> " ".repeat(r.group().length())); // positions kept
    for (List<String> kind : Synonyms.kindsIn(kinds)) {
      if (named.stream().anyMatch(p -> Synonyms.ofKind(p.name(), kind))) {
        continue;
      }
      List<CatalogView.Product> ofKind = view.products().stream().filter(p -> Synonyms.ofKind(p.name(), kind)).toList();
      if (ofKind.isEmpty() && !byNameOrNumber) {
        unknown = true; // "耳机" in a room that sells none
      }
      int where = Synonyms.firstAt(kinds, kind);
      ofKind.forEach(p -> add(named, at, p, where));
    }
    if (named.isEmpty() && !unknown) {
      // Two characters of a Chinese name ("运动" of "儿童运动鞋") name it only when nothing else
      // does: "耳机运动出汗" asks about the earbuds.
      for (CatalogView.Product p : view.products()) {
        if (mentions(t, p.name())) {
          add(named, at, p, firstOf(t, p.name()));
        }
      }
    }
    if (named.isEmpty() && !unknown) {
      CatalogView.Product only = onlyOneComesIn(t, view);
      if (only != null) {
        named.add(only);
      }
    }
    if (!named.isEmpty() || unknown) {
      named.sort(java.util.Comparator.comparingInt(p -> at.getOrDefault(p, 0))); // in the order named
      return new Found(List.copyOf(named), true, unknown);
    }
    CatalogView.Product pinned = view.pinnedProductId() == null ? null : view.product(view.pinnedProductId());
    return new Found(pinned == null ? List.of() : List.of(pinned), false, false);
  }

  /**
   * The one product with a colour (or a numeric size, "30码") the question names, if only one has
   * it: by the colour's own name first ("brick red"), then by a translation ("red" for "红色").
   */
  private static CatalogView.Product onlyOneComesIn(String t, CatalogView view) {
    CatalogView.Product exact = onlyOne(view, p -> p.facts().variants().stream().anyMatch(v ->
        (v.color() != null && Synonyms.namesOwnColour(t, v.color()))
        || (v.size() != null && v.size().matches("\\d{2,3}")
            && (t.contains(v.size() + "码") || t.contains("size " + v.size()) || t.contains("eu" + v.size())))));
    if (exact != null) {
      return exact;
    }
    return onlyOne(view, p -> p.facts().variants().stream().anyMatch(v ->
        v.color() != null && Synonyms.namesColour(t, v.color())));
  }

  private static CatalogView.Product onlyOne(CatalogView view, java.util.function.Predicate<CatalogView.Product> has) {
    CatalogView.Product found = null;
    for (CatalogView.Product p : view.products()) {
      if (has.test(p)) {
        if (found != null) {
          return null;
        }
        found = p;
      }
    }
    return found;
  }

  private static void add(List<CatalogView.Product> named, java.util.Map<CatalogView.Product, Integer> at,
      CatalogView.Product p, int position) {
    if (!named.contains(p)) {
      named.add(p);
    }
    at.merge(p, Math.max(0, position), Math::min);
  }

  /** Where the text first names {@code name}: the whole name, a Latin word of it, or two characters of it. */
  private static int firstOf(String t, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int first = t.indexOf(n);
    for (String word : n.split("[\\s,，/()（）-]+")) {
      int i = word.length() >= 2 ? t.indexOf(word) : -1;
      first = i >= 0 && (first < 0 || i < first) ? i : first;
    }
    for (int i = 0; i + 2 <= n.length(); i++) {
      int j = t.indexOf(n.substring(i, i + 2));
      first = j >= 0 && (first < 0 || j < first) ? j : first;
    }
    return first;
  }

  /** The whole name, or one of its words of 3 letters or more, or 2 Han characters of it in a row. */
  static boolean mentions(String question, String name) {
    if (mentionsWholly(question, name)) {
      return true;
    }
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i + 2 <= n.length(); i++) {
      String pair = n.substring(i, i + 2);
      if (pair.chars().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
          && question.contains(pair)) {
        return true;
      }
    }
    return false;
  }

  /** The whole name, or a Latin word of it ("scarf" of "Wool scarf"); not two characters of a Chinese name. */
  private static boolean mentionsWholly(String question, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (question.contains(n)) {
      return true;
    }
    for (String word : n.split("[\\s,，/()（）-]+")) {
      if (word.length() >= 3 && word.chars().allMatch(c -> c < 0x2E80) && Synonyms.contains(question, word)) {
        return true;
      }
    }
    return false;
  }

  /** A material before a kind: how a viewer names a product in English ("the silk dress"). */
  private static final Pattern MATERIAL_KIND = Pattern.compile(
      "\\b(silk|cotton|wool|woolen|woollen|leather|denim|linen|cashmere|suede)\\s+([a-z]+)");

  /**
   * {@code lowerText} without a material put before a kind of the products named ("can I wear the
   * silk dress" names the dress; it asks nothing about silk).
   */
  static String withoutMaterialKinds(String lowerText, List<CatalogView.Product> products) {
    Matcher m = MATERIAL_KIND.matcher(lowerText);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String kindWord = m.group(2);
      boolean aKindNamed = products.stream().anyMatch(p -> p != null && Synonyms.KINDS.stream().anyMatch(g ->
          Synonyms.ofKind(p.name(), g) && g.stream().anyMatch(w -> kindWord.startsWith(w))));
      m.appendReplacement(out, Matcher.quoteReplacement(aKindNamed ? kindWord : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code text} without the names (and words of names) of {@code products}: what is left says the intent. */
  static String withoutNames(String lowerText, List<CatalogView.Product> products) {
    String t = lowerText;
    for (CatalogView.Product p : products) {
      String n = p.name().toLowerCase(Locale.ROOT);
      t = t.replace(n, " ");
      for (String word : n.split("[\\s,，/()（）-]+")) {
        if (word.length() >= 3) {
          t = t.replace(word, " ");
        }
      }
      // and two characters of a Chinese name, as viewers shorten it: "真丝裙子" for 真丝连衣裙
      for (int i = 0; i + 2 <= n.length(); i++) {
        String pair = n.substring(i, i + 2);
        if (pair.chars().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
          t = t.replace(pair, " ");
        }
      }
    }
    return t;
  }
}
