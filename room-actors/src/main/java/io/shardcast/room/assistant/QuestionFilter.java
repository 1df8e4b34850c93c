package io.shardcast.room.assistant;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cheap first look at a comment: is it a question at all (a question mark, a Chinese question
 * particle or word, an English question opening), and not spam (a link, a long run of one
 * character, a phone number)? Everything else is left alone.
 */
public final class QuestionFilter {

  private static final List<String> ZH_MARKERS = List.of("吗", "嘛", "么", "呢", "有没有", "多少", "几", "什么", "啥",
      "哪", "怎么", "能不能", "可不可以", "可以", "是不是", "会不会", "要不要", "咋", "请问", "求", "多久", "多长", "多钱",
      "多重", "多宽", "多厚", "多高", "多大", "价格", "谁", "还是");
  /** A sentence ending in 不 or 没 asks ("有L码不", "包邮不"), and so does A-not-A ("贵不贵", "有没有"). */
  private static final Pattern ZH_TAG = Pattern.compile("[不没][啊呀呢]?\\s*$|(\\p{IsHan})[不没]\\1");
  private static final List<String> EN_MARKERS = List.of("how much", "hw much", "price", "how many", "in stock",
      "what size", "which", "how long");
  private static final Pattern EN_OPENING = Pattern.compile(
      "^(is|are|do|does|did|can|could|will|would|how|what|when|where|which|who|why|any|anyone|pls|please|plz"
          + "|wat|wot|wht|whats|hw|r u|u have|do u)\\b.*|.*\\b(pls|please|plz)[.!]*$");
  /** Links, contact baits and long numbers, in any case. */
  private static final Pattern SPAM = Pattern.compile(
      "(https?://|www\\.|\\.com\\b|\\d{8,}|加微|加v|vx|wechat|whatsapp|t\\.me/)", Pattern.CASE_INSENSITIVE);
  /**
   * One character eight times or more. Case-sensitive on purpose: the JDK's case-insensitive back
   * reference fails on text with characters outside the BMP (emoji).
   */
  private static final Pattern RUN = Pattern.compile("(.)\\1{7,}", Pattern.DOTALL);

  private QuestionFilter() {}

  public static boolean isQuestion(String text) {
    if (text == null) {
      return false;
    }
    String t = text.strip();
    if (t.length() < 2 || t.length() > 300 || SPAM.matcher(t).find() || RUN.matcher(t).find()) {
      return false;
    }
    if (t.indexOf('?') >= 0 || t.indexOf('？') >= 0) {
      return true;
    }
    for (String m : ZH_MARKERS) {
      if (t.contains(m)) {
        return true;
      }
    }
    if (ZH_TAG.matcher(t).find()) {
      return true;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    for (String m : EN_MARKERS) {
      if (lower.contains(m)) {
        return true;
      }
    }
    return EN_OPENING.matcher(lower).matches();
  }
}
