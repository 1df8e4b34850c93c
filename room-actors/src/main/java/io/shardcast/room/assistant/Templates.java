package io.shardcast.room.assistant;

import java.util.List;

/**
 * The assistant's sentences, Chinese and English, each filled with facts the room has and nothing
 * else. Prices are the room's own numbers, without a currency the room never named.
 */
final class Templates {

  private Templates() {}

  static String money(long cents) {
    return cents % 100 == 0 ? Long.toString(cents / 100) : String.format(java.util.Locale.ROOT, "%d.%02d", cents / 100,
        cents % 100);
  }

  static String list(List<String> items, Language lang) {
    return String.join(lang == Language.ZH ? "、" : ", ", items);
  }

  static String handover(Language lang) {
    return lang == Language.ZH ? "这个问题主播稍后回答～" : "The host will answer this one shortly.";
  }

  static String inStock(Language lang, String name, List<String> kinds, String what) {
    return lang == Language.ZH ? name + "现在有" + what + "：" + list(kinds, lang)
        : name + " in stock now, " + what + ": " + list(kinds, lang) + ".";
  }

  static String askedFor(Language lang, String name, String asked, boolean soldOut, List<String> left, String what) {
    if (lang == Language.ZH) {
      String head = soldOut ? name + "的 " + asked + " 已经卖完了" : name + "没有 " + asked;
      return left.isEmpty() ? head + "。" : head + "，现在有" + what + "：" + list(left, lang);
    }
    String head = soldOut ? name + " in " + asked + " is sold out" : name + " does not come in " + asked;
    return left.isEmpty() ? head + "." : head + "; in stock now, " + what + ": " + list(left, lang) + ".";
  }

  static String hasIt(Language lang, String name, String asked, int left) {
    return lang == Language.ZH ? name + "的 " + asked + " 有货，还剩 " + left + " 件"
        : name + " in " + asked + " is in stock: " + left + " left.";
  }

  static String noneLeftAtAll(Language lang, String name) {
    return lang == Language.ZH ? name + "已经卖完了" : name + " is sold out.";
  }

  static String stock(Language lang, String name, int left) {
    return left <= 0 ? noneLeftAtAll(lang, name)
        : lang == Language.ZH ? name + "有货，还剩 " + left + " 件" : name + " is in stock: " + left + " left.";
  }

  static String price(Language lang, String name, long cents) {
    return lang == Language.ZH ? name + "的价格是 " + money(cents) : name + " is " + money(cents) + ".";
  }

  static String salePrice(Language lang, String name, long cents, boolean open, long minutes) {
    if (lang == Language.ZH) {
      return open ? name + "正在秒杀，秒杀价 " + money(cents) : name + "秒杀价 " + money(cents) + "，" + minutesZh(minutes)
          + "后开抢";
    }
    return open ? name + " is on flash sale now at " + money(cents) + "."
        : name + " goes on flash sale at " + money(cents) + " in " + minutesEn(minutes) + ".";
  }

  static String coupons(Language lang, List<String> offers) {
    return lang == Language.ZH ? "可以用券：" + list(offers, lang) : "Coupons you can claim: " + list(offers, lang) + ".";
  }

  static String coupon(Language lang, long discountCents, int remaining, String forName) {
    if (lang == Language.ZH) {
      return (forName == null ? "" : forName + "专用 ") + "减 " + money(discountCents) + "（还剩 " + remaining + " 张）";
    }
    return money(discountCents) + " off" + (forName == null ? "" : " " + forName) + " (" + remaining + " left)";
  }

  static String noCoupon(Language lang) {
    return lang == Language.ZH ? "现在没有可领的优惠券" : "There is no coupon to claim right now.";
  }

  static String saleOpen(Language lang, String name, int remaining) {
    return lang == Language.ZH ? name + "已经开抢了，还剩 " + remaining + " 件"
        : name + " is on sale now: " + remaining + " left.";
  }

  static String saleIn(Language lang, String name, long minutes) {
    return lang == Language.ZH ? name + minutesZh(minutes) + "后开抢" : name + " opens in " + minutesEn(minutes) + ".";
  }

  static String policy(Language lang, String what, String text) {
    return lang == Language.ZH ? what + "：" + text : what + ": " + text;
  }

  static String attribute(Language lang, String name, String key, String value) {
    return lang == Language.ZH ? name + "的" + key + "：" + value : name + " " + key + ": " + value + ".";
  }

  static String compare(Language lang, List<String> lines) {
    return String.join(lang == Language.ZH ? "；" : "; ", lines);
  }

  private static String minutesZh(long minutes) {
    return minutes <= 0 ? "马上" : minutes + " 分钟";
  }

  private static String minutesEn(long minutes) {
    return minutes <= 0 ? "a moment" : minutes == 1 ? "1 minute" : minutes + " minutes";
  }
}
