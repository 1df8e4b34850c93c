package io.shardcast.room.assistant;

import java.util.List;
import java.util.Locale;

/**
 * The words viewers use for the same thing in Chinese and English: product kinds ("包包" for a
 * "托特包", "bag" for either) and colours ("白色" for a variant named "white"). True translations
 * only, so a match through them is the same fact.
 */
final class Synonyms {

  /** Groups of words for one kind of product; a product is of a kind when its name has one of them. */
  static final List<List<String>> KINDS = List.of(
      List.of("包", "bag", "tote", "handbag"),
      List.of("围巾", "scarf", "scarves"),
      List.of("鞋", "sneaker", "shoe", "trainers"),
      List.of("耳机", "earbud", "earphone", "headphone"),
      List.of("手机壳", "phone case", "case"),
      List.of("茶", "龙井", "tea"),
      List.of("面霜", "cream", "moisturi"),
      List.of("口红", "lipstick"),
      List.of("裙", "dress"),
      List.of("外套", "夹克", "jacket", "coat", "牛仔", "denim"));

  /** Colour names across the two languages. */
  static final List<List<String>> COLOURS = List.of(
      List.of("白色", "白的", "white"), List.of("黑色", "黑的", "black"), List.of("红色", "红的", "red"),
      List.of("蓝色", "蓝的", "blue"), List.of("绿色", "绿的", "green"), List.of("粉色", "粉的", "pink"),
      List.of("灰色", "灰的", "grey", "gray"), List.of("黄色", "黄的", "yellow"), List.of("紫色", "紫的", "purple"),
      List.of("玫瑰色", "玫瑰红", "rose"), List.of("裸色", "nude"), List.of("砖红色", "砖红", "brick red"),
      List.of("米色", "米白", "beige"), List.of("卡其色", "卡其", "khaki"), List.of("藏青色", "藏青", "navy"));

  /**
   * Attributes a host commonly gives, each with the words viewers ask about it in: a group's first
   * words are the attribute's usual names, the rest the questions' ("哪里产" for 产地). An attribute
   * whose name is one of a group's words is also found by the others.
   */
  static final List<List<String>> ATTRIBUTES = List.of(
      List.of("保质期", "保存期", "shelf life", "expiry", "放多久", "存放", "过期"),
      List.of("产地", "原产地", "origin", "哪里产", "产自", "made in"),
      List.of("容量", "volume", "capacity", "一瓶多少", "多少ml", "多少毫升"),
      List.of("净含量", "净重", "重量", "net weight", "weight", "多重", "多少克", "一瓶多少", "多少毫升"),
      List.of("water resistance", "防水", "waterproof", "water resistant", "rain", "出汗", "汗", "sweat", "sweatproof"),
      List.of("battery", "电池", "battery life", "充一次电"),
      List.of("适配", "兼容", "compatible", "型号", "机型", "phones", "phone model"),
      List.of("长度", "length", "多长", "how long is"),
      List.of("尺寸", "size", "大小", "dimensions", "多大"),
      List.of("care", "洗涤", "机洗", "手洗", "怎么洗", "wash"));

  /** The other words an attribute named {@code name} is asked about in (empty for an unknown name). */
  static List<String> attributeWords(String name) {
    String n = name.toLowerCase(Locale.ROOT).trim();
    return ATTRIBUTES.stream().filter(g -> g.contains(n)).findFirst()
        .map(g -> g.stream().filter(w -> !w.equals(n)).toList()).orElse(List.of());
  }

  private Synonyms() {}

  /** The kind groups the text names, in the order it names them (lower case in, lower case words). */
  static List<List<String>> kindsIn(String lowerText) {
    return KINDS.stream().filter(g -> firstAt(lowerText, g) >= 0)
        .sorted(java.util.Comparator.comparingInt(g -> firstAt(lowerText, g))).toList();
  }

  /** Where the text first names the kind {@code group}, or -1. */
  static int firstAt(String lowerText, List<String> group) {
    int first = -1;
    for (String w : group) {
      if (contains(lowerText, w)) {
        int at = lowerText.indexOf(w);
        first = first < 0 ? at : Math.min(first, at);
      }
    }
    return first;
  }

  /** Whether a product's name is of the kind {@code group}. */
  static boolean ofKind(String productName, List<String> group) {
    String n = productName.toLowerCase(Locale.ROOT);
    return group.stream().anyMatch(w -> contains(n, w));
  }

  /** Characters that make a shade of a colour another colour: 酒红, 藏青, 天蓝, 墨绿, ... */
  private static final String SHADES = "酒玫枣砖粉深浅藏天宝墨军橘湖孔雀奶米卡";

  /** Whether the text names the colour {@code value} by its own name, not as a shade ("红色" is not in "砖红色"). */
  static boolean namesOwnColour(String lowerText, String value) {
    return plainColour(lowerText, value.toLowerCase(Locale.ROOT));
  }

  /** Whether the text names the colour {@code value}, by its own name or a translation of it (not a shade of it). */
  static boolean namesColour(String lowerText, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (plainColour(lowerText, v)) {
      return true;
    }
    for (List<String> g : COLOURS) {
      if (g.contains(v) && g.stream().anyMatch(w -> plainColour(lowerText, w))) {
        return true;
      }
    }
    return false;
  }

  /** The colour word in the text, not as a shade ("红色" in "红色的", not in "酒红色"; "red" not in "brick red"). */
  private static boolean plainColour(String lowerText, String word) {
    int i = lowerText.indexOf(word);
    while (i >= 0) {
      boolean han = word.chars().anyMatch(c -> c >= 0x2E80);
      boolean shade = han ? i > 0 && SHADES.indexOf(lowerText.charAt(i - 1)) >= 0
          : i > 0 && (isLatinLetter(lowerText.charAt(i - 1))
              || lowerText.substring(0, i).matches("(?s).*\\b(brick|wine|dark|light|navy|sky|rose|hot)\\s+$"));
      if (!shade) {
        return true;
      }
      i = lowerText.indexOf(word, i + 1);
    }
    return false;
  }

  private static boolean isLatinLetter(char c) {
    return c < 0x2E80 && Character.isLetter(c); // "口红rose色": rose after a Han word is rose
  }

  /** A Latin word is matched at a word's start ("bag" in "bags", not in "cabbage"); Han anywhere. */
  static boolean contains(String lowerText, String word) {
    if (word.chars().anyMatch(c -> c >= 0x2E80)) {
      return lowerText.contains(word);
    }
    int i = lowerText.indexOf(word);
    while (i >= 0) {
      if (i == 0 || !Character.isLetter(lowerText.charAt(i - 1))) {
        return true;
      }
      i = lowerText.indexOf(word, i + 1);
    }
    return false;
  }
}
