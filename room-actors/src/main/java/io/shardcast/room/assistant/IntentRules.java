package io.shardcast.room.assistant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The common intents by their words, Chinese and English, with the usual variants and slips: what a
 * question asks about, or {@link Intent#NONE}. When words of several intents appear, the more
 * specific wins ("XL 有货吗" asks about a size, not stock in general).
 */
public final class IntentRules {

  /** Checked in this order: the first intent with a word in the question is its intent. */
  private static final Map<Intent, List<String>> WORDS = new LinkedHashMap<>();
  /** A letter size on its own: not a word's letter, nor the s of "what's" or "jacket's". */
  private static final Pattern LATIN_SIZE = Pattern.compile("(?<![a-z'’])(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|4xl)(?![a-z])");
  /** When something expires is not when a sale opens. */
  private static final Pattern EXPIRY = Pattern.compile("过期|到期|保质|expire|expiry|best before");
  /**
   * How long, with arriving: "到上海要几天" asks about delivery, "龙井能放多久" and "how long does it
   * last" do not.
   */
  private static final Pattern HOW_LONG_TO_ARRIVE = Pattern.compile("(几天|多久|多长时间).*(到|收)|(到|收).*(几天|多久|多长时间)"
      + "|(什么时候|啥时候|几时|哪天).*(收到|到货|能到|送到)|(how long|how many days).*(take|get|reach|ship)"
      + "|when (will|would|do|can) (i|we|it|they) (get|receive|have) (it|them|my)");
  private static final Pattern COMPARE = Pattern.compile("(和|跟|与).{1,12}(比|区别|哪个)|\\bvs\\.?\\b|\\bversus\\b"
      + "|which (one )?is (cheaper|better|bigger|smaller|lighter)");

  static {
    WORDS.put(Intent.COMPARISON, List.of("区别", "哪个好", "哪个更", "比较", "对比", "difference", "compare", "better than",
        "which is better", "which one is better"));
    WORDS.put(Intent.COUPON, List.of("券", "优惠", "折扣", "打折", "满减", "coupon", "discount", "voucher", "promo"));
    WORDS.put(Intent.RETURNS, List.of("退货", "退换", "换货", "退款", "无理由", "能退", "可以退", "能换", "return", "refund",
        "exchange"));
    WORDS.put(Intent.SIZE, List.of("尺码", "码数", "尺寸", "大码", "小码", "均码", "几码", "什么码", "多大", "码", "size",
        "sizes", "sizing", "fit "));
    List<String> colours = new java.util.ArrayList<>(List.of("颜色", "色号", "什么色", "几个色", "colour", "color",
        "colours", "colors"));
    Synonyms.COLOURS.forEach(colours::addAll);
    WORDS.put(Intent.COLOR, List.copyOf(colours));
    WORDS.put(Intent.SHIPPING, List.of("快递", "发货", "包邮", "运费", "邮费", "物流", "顺丰", "韵达", "中通", "能发", "发吗",
        "发出", "ship", "shipping", "courier", "postage"));
    WORDS.put(Intent.DELIVERY, List.of("多久到", "几天到", "到货", "送达", "几天能到", "多久能到", "多久收到", "delivery",
        "deliver", "arrive", "get here"));
    WORDS.put(Intent.SALE_TIME, List.of("几点", "什么时候", "开抢", "秒杀", "开卖", "啥时候", "几号开", "when", "what time",
        "flash sale", "start"));
    WORDS.put(Intent.PRICE, List.of("多少钱", "价格", "几块", "价钱", "多钱", "啥价", "什么价", "几钱", "多少米", "价位", "贵",
        "便宜", "price", "how much", "hw much", "cost", "pricey", "money"));
    WORDS.put(Intent.MATERIAL, List.of("材质", "面料", "什么做的", "成分", "材料", "质地", "纯棉", "真丝", "羊毛", "真皮",
        "什么皮", "皮的", "material", "fabric", "made of", "cotton", "silk", "wool", "leather"));
    WORDS.put(Intent.STOCK, List.of("有货", "现货", "库存", "没货", "卖完", "售罄", "还有吗", "还有没有", "还剩", "剩多少",
        "还有多少", "有没有货", "几件", "还有几", "in stock", "stock", "sold out", "available", "left", "still have"));
  }

  private IntentRules() {}

  /** The intent of {@code question}, with the product's own sizes and colours as words too. */
  public static Intent of(String question, List<String> sizes, List<String> colors) {
    String t = question.toLowerCase(Locale.ROOT);
    for (Map.Entry<Intent, List<String>> e : WORDS.entrySet()) {
      if (e.getKey() == Intent.COMPARISON && COMPARE.matcher(t).find()) {
        return Intent.COMPARISON;
      }
      if (e.getKey() == Intent.SIZE && (LATIN_SIZE.matcher(t).find() || containsAny(t, sizes))) {
        return Intent.SIZE;
      }
      if (e.getKey() == Intent.DELIVERY && HOW_LONG_TO_ARRIVE.matcher(t).find()) {
        return Intent.DELIVERY;
      }
      if (e.getKey() == Intent.SALE_TIME && EXPIRY.matcher(t).find()) {
        continue;
      }
      if (e.getKey() == Intent.COLOR && containsAny(t, colors)) {
        return Intent.COLOR;
      }
      for (String w : e.getValue()) {
        if (t.contains(w)) {
          return e.getKey();
        }
      }
    }
    return Intent.NONE;
  }

  private static boolean containsAny(String t, List<String> words) {
    for (String w : words) {
      if (w != null && w.length() >= 2 && t.contains(w.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
