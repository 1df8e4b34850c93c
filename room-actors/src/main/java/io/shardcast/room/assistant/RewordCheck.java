package io.shardcast.room.assistant;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a rewording of a template answer may be said in its place: it must state exactly the facts
 * the template states, no more and no fewer. The facts compared are the numbers (prices, stock,
 * minutes, discounts; digits, or Chinese numerals before a unit), the sizes, the colours, the
 * product names the room has, and whether something is sold out. A link, or a text much longer than
 * the template, rejects it too. It compares words, not meaning: a rewording it cannot read in these
 * terms is rejected, and the template is said instead.
 */
public final class RewordCheck {

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final Pattern HAN_NUMBER = Pattern.compile("[零〇一二两三四五六七八九十百千万]+(?=\\s*[元块件个码号天折张分秒小])");
  /** Letter sizes, upper case and standing alone (S, M, XL, 2XL), as the templates write them. */
  private static final Pattern LETTER_SIZE = Pattern.compile("(?<![A-Za-z])(?:XXS|XS|S|M|X{0,4}L|[2-6]XL)(?![A-Za-z])");
  private static final List<String> SIZE_WORDS = List.of("均码", "大码", "小码", "加大", "free size", "one size");
  private static final List<List<String>> COLOURS = List.of(
      List.of("白", "white"), List.of("黑", "black"), List.of("红", "red"), List.of("蓝", "blue"),
      List.of("绿", "green"), List.of("粉", "pink"), List.of("灰", "grey", "gray"), List.of("黄", "yellow"),
      List.of("紫", "purple"), List.of("橙", "orange"), List.of("棕", "咖啡色", "brown"), List.of("米色", "beige"));
  private static final List<String> SOLD_OUT = List.of("卖完", "售罄", "没货", "抢光", "sold out", "out of stock",
      "none left", "no longer");
  private static final List<String> LINKS = List.of("http", "www.", "://", ".com", ".cn");

  private RewordCheck() {}

  /** Why {@code reworded} may not replace {@code template}, or null when it may. */
  public static String problem(String template, String reworded, List<String> productNames) {
    if (reworded == null || reworded.isBlank()) {
      return "empty";
    }
    if (reworded.length() > 2 * template.length() + 40) {
      return "too long";
    }
    String lower = reworded.toLowerCase(Locale.ROOT);
    for (String l : LINKS) {
      if (lower.contains(l) && !template.toLowerCase(Locale.ROOT).contains(l)) {
        return "a link";
      }
    }
    Set<String> said = facts(template, productNames);
    Set<String> now = facts(reworded, productNames);
    if (!said.equals(now)) {
      Set<String> added = new TreeSet<>(now);
      added.removeAll(said);
      Set<String> dropped = new TreeSet<>(said);
      dropped.removeAll(now);
      return "facts differ: added " + added + ", left out " + dropped;
    }
    return null;
  }

  /** The facts a text states, as comparable tokens. */
  static Set<String> facts(String text, List<String> productNames) {
    Set<String> out = new TreeSet<>();
    String lower = text.toLowerCase(Locale.ROOT);
    // Product names first, and taken out, so that a number or size inside a name is not counted twice.
    List<String> names = new ArrayList<>(productNames);
    names.sort((a, b) -> b.length() - a.length());
    String rest = text;
    for (String n : names) {
      if (!n.isBlank() && rest.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT))) {
        out.add("product:" + n.toLowerCase(Locale.ROOT));
        rest = Pattern.compile(Pattern.quote(n), Pattern.CASE_INSENSITIVE).matcher(rest).replaceAll(" ");
      }
    }
    Matcher m = NUMBER.matcher(rest);
    while (m.find()) {
      out.add("number:" + new BigDecimal(m.group()).stripTrailingZeros().toPlainString());
    }
    m = HAN_NUMBER.matcher(rest);
    while (m.find()) {
      out.add("number:" + m.group());
    }
    m = LETTER_SIZE.matcher(rest);
    while (m.find()) {
      out.add("size:" + m.group());
    }
    String restLower = rest.toLowerCase(Locale.ROOT);
    for (String w : SIZE_WORDS) {
      if (restLower.contains(w)) {
        out.add("size:" + w);
      }
    }
    for (List<String> colour : COLOURS) {
      if (colour.stream().anyMatch(restLower::contains)) {
        out.add("colour:" + colour.get(colour.size() - 1));
      }
    }
    if (SOLD_OUT.stream().anyMatch(lower::contains)) {
      out.add("sold out");
    }
    return out;
  }
}
