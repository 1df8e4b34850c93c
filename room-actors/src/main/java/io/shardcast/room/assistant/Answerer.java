package io.shardcast.room.assistant;

import io.shardcast.room.state.ProductFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Answers one comment from the room's live facts ({@link CatalogView}), by rules: never a size,
 * colour, price, stock, time or policy the room does not have. A clear question the facts cannot
 * answer is handed to the host; anything else is left alone. Live state wins over the host's FAQ
 * (a size in the FAQ may have sold out since), which answers what the live state does not cover.
 */
public final class Answerer {

  private static final Pattern STANDARD_SIZE = Pattern.compile("(?i)(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|4xl)");
  private static final Pattern ASKED_SIZE = Pattern.compile("(?i)(?<![a-z])(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|4xl)(?![a-z])");
  private static final Set<String> MATERIAL_KEYS = Set.of("material", "materials", "fabric", "材质", "面料", "材料", "成分");

  private Answerer() {}

  /** Questions about the host in person ("主播穿什么码"): no product's facts answer them. */
  private static final Pattern ABOUT_THE_HOST = Pattern.compile("主播.{0,6}(穿|用|身高|体重|多高|多重)|(host|you) (wear|wearing)");
  /** What the room's facts never hold: new arrivals, restocks, warranties, invoices, payment. */
  private static final Pattern OUT_OF_SCOPE = Pattern.compile("(?i)上新|补货|保修|质保|保质期|发票|货到付款|分期|"
      + "warranty|restock|new arrivals|invoice|paypal|installment");
  /**
   * How a size fits, not which sizes there are ("偏大还是偏小", "要不要拍大一码", "does it run small"):
   * the host's FAQ may say, the variants cannot.
   */
  private static final Pattern FIT = Pattern.compile("(?i)偏大|偏小|准不准|标准码|正码|大一码|小一码|拍大|拍小|"
      + "runs? (small|large|big)|true to size");
  /** Words that ask which colours there are, naming none. */
  private static final Pattern ASKING_FOR_COLOURS = Pattern.compile("颜色|什么色|几个色|几种色|啥色|哪个色|哪些色|色号|色系");
  private static final Pattern A_COLOUR = Pattern.compile("\\p{IsHan}色");
  /** Parts and wrappings of a product, whose colour is not a variant's. */
  private static final Pattern NOT_THE_PRODUCT = Pattern.compile("包装|盒子|外壳|外盒|袋子|packaging|\\bbox\\b");
  /** A colour ("裸色") or a size ("36码") in Chinese, whichever it is. */
  private static final Pattern VARIANT_WORD = Pattern.compile("\\p{IsHan}色|码");
  /** Shipping abroad: the policies speak of the shop's own country. */
  private static final Pattern ABROAD = Pattern.compile("(?i)international|overseas|abroad|海外|国外|境外|\\bto (canada|the us|"
      + "usa|america|the uk|uk|australia|japan|korea|malaysia|singapore|europe|germany|france)\\b");

  /** As {@link #answer(String, CatalogView, FaqIndex)}, with an index of {@code view} made for this one question. */
  public static Answer answer(String comment, CatalogView view) {
    return answer(comment, view, FaqIndex.of(view));
  }

  /**
   * The assistant's answer to {@code comment} from {@code view}, with {@code index} (of the same
   * facts) for the FAQ and attributes; {@code index} null: the rules alone.
   */
  public static Answer answer(String comment, CatalogView view, FaqIndex index) {
    if (!QuestionFilter.isQuestion(comment)) {
      return Answer.ignore();
    }
    Language lang = Language.of(comment);
    ProductRef.Found found = ProductRef.find(comment, view);
    CatalogView.Product product = found.first();
    List<String> sizes = new ArrayList<>();
    List<String> colors = new ArrayList<>();
    for (CatalogView.Product p : product != null ? List.of(product) : view.products()) {
      for (ProductFacts.Variant v : p.facts().variants()) {
        sizes.add(v.size());
        colors.add(v.color());
      }
    }
    String lower = comment.toLowerCase(Locale.ROOT);
    // The product's own name says nothing of the intent ("真丝连衣裙还有货吗" asks for stock, not the
    // material), unless nothing else does ("是真丝吗"); nor does a material before its kind ("the silk
    // dress").
    String asked = found.named() ? ProductRef.withoutMaterialKinds(lower, found.products()) : lower;
    Intent intent = IntentRules.of(found.named() ? ProductRef.withoutNames(asked, found.products()) : lower, sizes,
        colors);
    // An intent only the name gives ("真丝" in "真丝裙子会起球吗") yields to the host's FAQ when it
    // has the question.
    boolean byNameOnly = false;
    if (intent == Intent.NONE && found.named()) {
      intent = IntentRules.of(asked, sizes, colors);
      byNameOnly = intent != Intent.NONE;
    }
    String productId = product == null ? null : product.productId();
    if (found.unknown()) {
      // "5号链接", or "耳机" in a room that sells none: nothing about it may be said.
      return intent == Intent.NONE ? Answer.ignore() : Answer.handover(intent, null, lang);
    }
    if (ABOUT_THE_HOST.matcher(lower).find() || OUT_OF_SCOPE.matcher(comment).find()
        || ((intent == Intent.SHIPPING || intent == Intent.DELIVERY) && ABROAD.matcher(comment).find())) {
      return Answer.handover(intent, productId, lang);
    }
    boolean fit = intent == Intent.SIZE && FIT.matcher(lower).find();
    FaqIndex.Hit first = byNameOnly && index != null && product != null ? index.best(comment, List.of(product)) : null;
    if (first != null && first.attributeName() == null) {
      return Answer.answer(Intent.NONE, first.product().productId(), lang, first.answer());
    }
    String text = switch (intent) {
      case SIZE -> product == null || fit ? null : variants(comment, product, lang, ProductFacts.Variant::size, true);
      // "什么颜色的包装": the colour of something else than the product's variants
      case COLOR -> product == null || NOT_THE_PRODUCT.matcher(lower).find() ? null
          : variants(comment, product, lang, ProductFacts.Variant::color, false);
      // "裸色还有吗": a colour or size the variants do not name; the product's stock is not its stock
      case STOCK -> product == null || (!product.facts().variants().isEmpty() && VARIANT_WORD.matcher(comment).find())
          ? null : Templates.stock(lang, product.name(), product.unitsLeft());
      case PRICE -> product == null ? null : price(product, view, lang);
      case COUPON -> coupons(found.named() ? product : null, view, lang);
      case SALE_TIME -> saleTime(found.named() ? product : null, view, lang);
      case SHIPPING -> policy(view.policies().shipping(), lang, "发货", "Shipping");
      case DELIVERY -> policy(view.policies().delivery(), lang, "到货", "Delivery");
      case RETURNS -> policy(view.policies().returns(), lang, "退换", "Returns");
      case MATERIAL -> product == null ? null : material(product, lang);
      case COMPARISON -> compare(found.products(), lang);
      case NONE -> null;
    };
    if (intent == Intent.SALE_TIME && !found.named() && text != null && !view.sales().isEmpty()) {
      productId = view.sales().get(0).productId(); // the room's sale, whatever is pinned
    }
    if (text == null && index != null) {
      FaqIndex.Hit hit = index.best(comment, found.named() && product != null ? List.of(product) : null);
      // Sizes, colours, stock, prices, coupons and sale times change during the show: the host's FAQ
      // may be out of date on them, so only an attribute answers those.
      if (hit != null && (hit.attributeName() != null || !live(intent) || fit)) {
        text = hit.attributeName() == null ? hit.answer()
            : Templates.attribute(lang, hit.product().name(), hit.attributeName(), hit.answer());
        productId = hit.product().productId();
      }
    }
    if (text != null) {
      return Answer.answer(intent, productId, lang, text);
    }
    return intent == Intent.NONE ? Answer.ignore() : Answer.handover(intent, productId, lang);
  }

  /**
   * Sizes ({@code bySize}) or colours of a product's variants: the one asked for (in stock, sold out,
   * or not made: the last said only of standard letter sizes, where an absent one surely is absent),
   * else those in stock. Null when the product has none to tell.
   */
  private static String variants(String comment, CatalogView.Product p, Language lang,
      Function<ProductFacts.Variant, String> kind, boolean bySize) {
    List<ProductFacts.Variant> told = p.facts().variants().stream().filter(v -> kind.apply(v) != null).toList();
    if (told.isEmpty()) {
      return null;
    }
    String what = lang == Language.ZH ? (bySize ? "尺码" : "颜色") : (bySize ? "sizes" : "colours");
    Set<String> inStock = new LinkedHashSet<>();
    for (ProductFacts.Variant v : told) {
      if (v.stock() > 0) {
        inStock.add(kind.apply(v));
      }
    }
    String t = comment.toLowerCase(Locale.ROOT);
    for (ProductFacts.Variant v : told) {
      String value = kind.apply(v);
      if (mentions(t, value, bySize)) {
        int left = told.stream().filter(x -> kind.apply(x).equalsIgnoreCase(value)).mapToInt(ProductFacts.Variant::stock)
            .sum();
        return left > 0 ? Templates.hasIt(lang, p.name(), value, left)
            : Templates.askedFor(lang, p.name(), value, true, List.copyOf(inStock), what);
      }
    }
    if (bySize) {
      var asked = ASKED_SIZE.matcher(comment);
      boolean standard = told.stream().allMatch(v -> STANDARD_SIZE.matcher(v.size()).matches());
      if (asked.find() && standard) {
        return Templates.askedFor(lang, p.name(), asked.group(1).toUpperCase(Locale.ROOT), false, List.copyOf(inStock),
            what);
      }
      if (asked.reset().find()) {
        return null; // a letter size against sizes of another system: the host knows how they match
      }
    }
    if (!bySize && !mentionsNoColour(t, told)) {
      return null; // a colour asked by a name the variants do not use ("红" for "red"): the host answers
    }
    return inStock.isEmpty() ? Templates.noneLeftAtAll(lang, p.name())
        : Templates.inStock(lang, p.name(), List.copyOf(inStock), what);
  }

  /** True when the question names no particular colour (only "colour", "颜色", ...). */
  private static boolean mentionsNoColour(String t, List<ProductFacts.Variant> told) {
    for (String c : List.of("红", "蓝", "黑", "白", "绿", "粉", "灰", "黄", "紫", "red", "blue", "black", "white",
        "green", "pink", "grey", "gray", "purple", "yellow", "nude", "rose", "beige", "brown", "棕", "米色", "卡其")) {
      if (t.contains(c)) {
        return false;
      }
    }
    for (List<String> group : Synonyms.COLOURS) {
      for (String c : group) {
        if (t.contains(c)) {
          return false;
        }
      }
    }
    // any other "X色" ("豆沙色"), once the words that ask for colours are taken out
    return !A_COLOUR.matcher(ASKING_FOR_COLOURS.matcher(t).replaceAll(" ")).find();
  }

  private static boolean mentions(String t, String value, boolean bySize) {
    String v = value.toLowerCase(Locale.ROOT);
    if (!bySize) {
      return Synonyms.namesColour(t, value);
    }
    if (!STANDARD_SIZE.matcher(value).matches()) {
      return t.contains(v);
    }
    return Pattern.compile("(?<![a-z])" + Pattern.quote(v) + "(?![a-z])").matcher(t).find();
  }

  private static String price(CatalogView.Product p, CatalogView view, Language lang) {
    String regular = Templates.price(lang, p.name(), p.priceCents());
    for (CatalogView.Sale s : view.sales()) {
      if (s.productId().equals(p.productId())) {
        long minutes = (s.revealAtMillis() - view.nowMillis() + 59_999) / 60_000;
        return regular + (lang == Language.ZH ? "；" : " ") + Templates.salePrice(lang, p.name(), s.priceCents(), s.open(),
            minutes);
      }
    }
    return regular;
  }

  private static String coupons(CatalogView.Product p, CatalogView view, Language lang) {
    List<String> offers = new ArrayList<>();
    for (CatalogView.Coupon c : view.coupons()) {
      if (c.productId() == null || p == null || c.productId().equals(p.productId())) {
        CatalogView.Product forProduct = c.productId() == null ? null : view.product(c.productId());
        offers.add(Templates.coupon(lang, c.discountCents(), c.remaining(), forProduct == null ? null : forProduct.name()));
      }
    }
    return offers.isEmpty() ? Templates.noCoupon(lang) : Templates.coupons(lang, offers);
  }

  private static String saleTime(CatalogView.Product p, CatalogView view, Language lang) {
    for (CatalogView.Sale s : view.sales()) {
      if (p == null || s.productId().equals(p.productId())) {
        CatalogView.Product sold = view.product(s.productId());
        String name = sold == null ? s.saleId() : sold.name();
        return s.open() ? Templates.saleOpen(lang, name, s.remaining())
            : Templates.saleIn(lang, name, (s.revealAtMillis() - view.nowMillis() + 59_999) / 60_000);
      }
    }
    return null;
  }

  private static String policy(String text, Language lang, String zh, String en) {
    return text == null ? null : Templates.policy(lang, lang == Language.ZH ? zh : en, text);
  }

  private static String material(CatalogView.Product p, Language lang) {
    for (Map.Entry<String, String> a : p.facts().attributes().entrySet()) {
      if (MATERIAL_KEYS.contains(a.getKey().toLowerCase(Locale.ROOT))) {
        return Templates.attribute(lang, p.name(), a.getKey(), a.getValue());
      }
    }
    return null;
  }

  private static String compare(List<CatalogView.Product> named, Language lang) {
    if (named.size() < 2) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    for (CatalogView.Product p : named) {
      String material = material(p, lang);
      lines.add(Templates.price(lang, p.name(), p.priceCents()).replaceAll("[.。]$", "")
          + (material == null ? "" : (lang == Language.ZH ? "，" : ", ") + material.replaceAll("[.。]$", "")));
    }
    return Templates.compare(lang, lines);
  }

  private static boolean live(Intent intent) {
    return intent == Intent.SIZE || intent == Intent.COLOR || intent == Intent.STOCK || intent == Intent.PRICE
        || intent == Intent.COUPON || intent == Intent.SALE_TIME;
  }
}
