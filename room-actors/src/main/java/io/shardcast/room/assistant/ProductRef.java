package io.shardcast.room.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which products a question means, as viewers name them: by number ("1号链接", "2号", "链接3", "#2",
 * "link 2", "no. 3"), by name (a word of it), or "this one" / "这个" (the pinned product, also when
 * nothing is named).
 */
public final class ProductRef {

  private static final Pattern NUMBER = Pattern.compile(
      "(?:#|＃|链接|link\\s*|no\\.?\\s*|number\\s*|item\\s*)(\\d{1,3})|(\\d{1,3})\\s*(?:号链接|号|號)",
      Pattern.CASE_INSENSITIVE);

  private ProductRef() {}

  /** The products named in {@code question}, in the order named; the pinned one when none is. */
  public static List<CatalogView.Product> in(String question, CatalogView view) {
    List<CatalogView.Product> named = new ArrayList<>();
    Matcher m = NUMBER.matcher(question);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      if (n >= 1 && n <= view.products().size()) {
        add(named, view.products().get(n - 1));
      } else {
        named.add(null); // a number the room has no product for: nothing may be said about it
      }
    }
    String t = question.toLowerCase(Locale.ROOT);
    for (CatalogView.Product p : view.products()) {
      if (mentions(t, p.name())) {
        add(named, p);
      }
    }
    if (named.isEmpty() && view.pinnedProductId() != null) {
      CatalogView.Product pinned = view.product(view.pinnedProductId());
      if (pinned != null) {
        named.add(pinned);
      }
    }
    return named;
  }

  private static void add(List<CatalogView.Product> named, CatalogView.Product p) {
    if (!named.contains(p)) {
      named.add(p);
    }
  }

  /** The whole name, or one of its words of 3 letters or more, or 2 Han characters of it in a row. */
  static boolean mentions(String question, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (question.contains(n)) {
      return true;
    }
    for (String word : n.split("[\\s,，/()（）-]+")) {
      if (word.length() >= 3 && word.chars().allMatch(c -> c < 0x2E80) && question.contains(word)) {
        return true;
      }
    }
    for (int i = 0; i + 2 <= n.length(); i++) {
      String pair = n.substring(i, i + 2);
      if (pair.chars().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
          && question.contains(pair)) {
        return true;
      }
    }
    return false;
  }
}
