package io.shardcast.room.assistant;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import io.shardcast.room.state.ProductFacts.Faq;
import io.shardcast.room.state.ProductFacts.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assistant's answers from a room's facts, and its silences: what a viewer reads in the chat. */
class AnswererTest {

  private static final long NOW = 1_765_000_000_000L;

  private static CatalogView room(int redXlStock, List<CatalogView.Coupon> coupons, List<CatalogView.Sale> sales) {
    ProductFacts dress = new ProductFacts(Map.of("material", "silk"), List.of(
        new Variant("red-s", "S", "red", 2), new Variant("red-m", "M", "red", 0), new Variant("red-xl", "XL", "red",
            redXlStock), new Variant("blue-m", "M", "blue", 4)),
        List.of(new Faq("可以机洗吗", "建议手洗，不要机洗")));
    ProductFacts bag = new ProductFacts(Map.of("材质", "头层牛皮"), List.of(), List.of());
    return new CatalogView(List.of(
        new CatalogView.Product(1, "dress", "Silk dress", 29_900, 0, dress),
        new CatalogView.Product(2, "bag", "Leather bag", 45_000, 7, bag)),
        "dress", coupons, sales, new Policies("顺丰包邮，48 小时内发货", "7 days, unworn", null), NOW);
  }

  /** A room whose only product is shoes whose FAQ says how they fit. */
  private static CatalogView fitted() {
    ProductFacts shoes = new ProductFacts(Map.of(), List.of(new Variant("28", "28", null, 3), new Variant("32", "32",
        null, 1)), List.of(new Faq("偏大还是偏小", "正常码，脚胖的拍大一码")));
    return new CatalogView(List.of(new CatalogView.Product(1, "shoes", "儿童运动鞋", 25_900, 4, shoes)), "shoes",
        List.of(), List.of(), Policies.NONE, NOW);
  }

  private static CatalogView room() {
    return room(3, List.of(), List.of());
  }

  @Test
  void aSizeQuestionIsAnsweredWithExactlyTheSizesInStockAndFollowsASellOut() {
    Answer a = Answerer.answer("有大码吗？", room());
    assertTrue(a.answered(), a.toString());
    assertEquals(Intent.SIZE, a.intent());
    assertEquals("dress", a.productId(), "this one: the pinned product");
    assertTrue(a.text().contains("S") && a.text().contains("M") && a.text().contains("XL"), a.text());
    Answer xl = Answerer.answer("XL有货吗", room());
    assertTrue(xl.text().contains("XL") && xl.text().contains("3"), xl.text());
    // XL sells out mid-show: no longer offered.
    Answer after = Answerer.answer("XL有货吗", room(0, List.of(), List.of()));
    assertTrue(after.text().contains("卖完"), after.text());
    Answer sizes = Answerer.answer("有什么尺码?", room(0, List.of(), List.of()));
    assertFalse(sizes.text().contains("XL"), "a sold-out size is not offered: " + sizes.text());
    Answer xxl = Answerer.answer("do you have XXL?", room());
    assertTrue(xxl.text().contains("does not come in XXL") && !xxl.text().contains("XXL:"), xxl.text());
    assertEquals(Language.EN, xxl.language());
  }

  @Test
  void aColourAskedByTheVariantsNameOrItsTranslationIsAnsweredAndAnyOtherHandedOver() {
    Answer blue = Answerer.answer("is the blue one in stock?", room());
    assertTrue(blue.answered() && blue.text().contains("blue") && blue.text().contains("4"), blue.toString());
    Answer red = Answerer.answer("红色还有吗", room());
    assertTrue(red.answered() && red.text().contains("red"), "红色 is red: " + red);
    assertEquals(Answer.Kind.HANDOVER, Answerer.answer("酒红色还有吗", room()).kind(), "wine red is not red");
    assertFalse(Answerer.answer("卡其色有吗", room()).answered(), "a colour the room never named");
  }

  @Test
  void stockIsNotSaidForAColourTheVariantsDoNotName() {
    assertEquals(Answer.Kind.HANDOVER, Answerer.answer("1号裸色还有吗", room()).kind(),
        "the dress's stock is not a nude dress's stock");
    assertTrue(Answerer.answer("2号还有吗", room()).text().contains("7"), "a product without variants: its stock");
  }

  /** A room like a real one: Chinese and English names, colours in either language, attributes. */
  private static CatalogView shop() {
    return new CatalogView(List.of(
        new CatalogView.Product(1, "silk-dress", "真丝连衣裙", 29_900, 0, new ProductFacts(Map.of("material", "100% 桑蚕丝"),
            List.of(new Variant("s", "S", "红色", 4), new Variant("xl", "XL", "黑色", 2)),
            List.of(new Faq("会起球吗", "真丝不起球")))),
        new CatalogView.Product(2, "lipstick", "Velvet lipstick", 12_900, 0, new ProductFacts(Map.of(),
            List.of(new Variant("rose", null, "rose", 20), new Variant("brick", null, "brick red", 0)), List.of())),
        new CatalogView.Product(3, "earbuds", "Wireless earbuds", 59_900, 15, new ProductFacts(
            Map.of("water resistance", "IPX4"), List.of(), List.of())),
        new CatalogView.Product(4, "sneakers", "儿童运动鞋", 25_900, 5, new ProductFacts(Map.of(), List.of(), List.of())),
        new CatalogView.Product(5, "tea", "明前龙井礼盒", 36_800, 25, new ProductFacts(Map.of("保质期", "18 个月"),
            List.of(), List.of())),
        new CatalogView.Product(6, "scarf", "Wool scarf", 15_900, 30, new ProductFacts(Map.of(), List.of(), List.of())),
        new CatalogView.Product(7, "case", "手机壳", 4_900, 200, new ProductFacts(Map.of(), List.of(), List.of()))),
        "silk-dress", List.of(), List.of(new CatalogView.Sale("tea-sale", "tea", 29_900, NOW + 600_000, false, 50)),
        Policies.NONE, NOW);
  }

  @Test
  void productsAndIntentsAreReadAsViewersWriteThem() {
    Answer brick = Answerer.answer("砖红色有货没", shop());
    assertEquals("lipstick", brick.productId(), "brick red is the lipstick's, not a shade of the dress's 红色");
    assertTrue(brick.text().contains("brick red"), brick.text());
    assertTrue(Answerer.answer("口红rose色还有吗", shop()).text().contains("rose"), "rose after Chinese is rose");
    Answer sweat = Answerer.answer("耳机运动出汗有影响吗", shop());
    assertEquals("earbuds", sweat.productId(), "耳机 names the earbuds; 运动 alone does not name the sneakers");
    assertTrue(sweat.text().contains("IPX4"), sweat.text());
    Answer cheaper = Answerer.answer("which is cheaper, the scarf or the case", shop());
    assertTrue(cheaper.text().contains("159") && cheaper.text().contains("49"), "a name and a kind: " + cheaper);
    Answer price = Answerer.answer("what's the price of #6", shop());
    assertEquals(Intent.PRICE, price.intent(), "the s of what's is no size S");
    Answer expiry = Answerer.answer("茶叶什么时候过期", shop());
    assertNotEquals(Intent.SALE_TIME, expiry.intent());
    assertTrue(expiry.text().contains("18 个月"), expiry.text());
    assertEquals("真丝不起球", Answerer.answer("真丝裙子穿久了会起球吗", shop()).text(),
        "真丝 in the dress's name is no material question when the FAQ has the question");
    assertTrue(Answerer.answer("是真丝吗", shop()).text().contains("桑蚕丝"), "but it is when nothing else is asked");
    assertTrue(Answerer.answer("sizes pls", shop()).answered(), "a request is a question");
    assertFalse(Answerer.answer("can I wear the silk dress to a wedding", shop()).answered(),
        "the silk dress is the dress's name, not a question about silk");
    assertEquals(Intent.STOCK, Answerer.answer("is the silk dress still in stock?", shop()).intent());
    assertEquals("lipstick", Answerer.answer("口红和手机壳哪个便宜", shop()).productId(), "in the order named");
  }

  @Test
  void noPriceIsInventedForAProductTheRoomLacks() {
    Answer five = Answerer.answer("5号链接多少钱", room());
    assertEquals(Answer.Kind.HANDOVER, five.kind(), five.toString());
    assertFalse(five.text().matches(".*\\d.*"), "no number at all: " + five.text());
    Answer two = Answerer.answer("2号链接多少钱", room());
    assertTrue(two.answered() && two.text().contains("450"), two.toString());
    assertEquals("bag", two.productId());
  }

  @Test
  void chitChatAndSpamAreLeftAlone() {
    for (String text : List.of("哈哈哈哈主播好美", "hello everyone", "666666666", "加微信 abc123 看更多", "❤️❤️❤️",
        "www.cheap-watches.com 便宜吗")) {
      assertEquals(Answer.Kind.IGNORE, Answerer.answer(text, room()).kind(), text);
    }
  }

  @Test
  void policiesSalesCouponsAndTheHostsFaqAnswerFromTheRoomsOwnWords() {
    assertEquals("发货：顺丰包邮，48 小时内发货", Answerer.answer("发什么快递？", room()).text());
    assertEquals(Answer.Kind.HANDOVER, Answerer.answer("几天能到？", room()).kind(), "no delivery policy given");
    assertTrue(Answerer.answer("can I return it?", room()).text().contains("7 days, unworn"));
    assertEquals("现在没有可领的优惠券", Answerer.answer("能用券吗", room()).text());
    CatalogView withCoupon = room(3, List.of(new CatalogView.Coupon("c1", null, 500, 12)),
        List.of(new CatalogView.Sale("s1", "bag", 39_900, NOW + 5 * 60_000, false, 20)));
    assertTrue(Answerer.answer("能用券吗", withCoupon).text().contains("减 5（还剩 12 张）"));
    Answer when = Answerer.answer("2号几点开抢", withCoupon);
    assertTrue(when.text().contains("5 分钟后开抢"), when.text());
    Answer price = Answerer.answer("2号链接多少钱", withCoupon);
    assertTrue(price.text().contains("450") && price.text().contains("399"), price.text());
    Answer wash = Answerer.answer("这个可以机洗吗", room());
    assertEquals("建议手洗，不要机洗", wash.text(), "the host's own answer");
    Answer material = Answerer.answer("2号什么材质？", room());
    assertTrue(material.text().contains("头层牛皮"), material.text());
    Answer lasting = Answerer.answer("这个能放多久", room());
    assertNotEquals(Intent.DELIVERY, lasting.intent(), "how long it lasts is not how long it travels");
    Answer fit = Answerer.answer("尺码偏大还是偏小", fitted());
    assertEquals("正常码，脚胖的拍大一码", fit.text(), "how a size fits: the host's word, not the sizes in stock");
    assertEquals(Answer.Kind.HANDOVER, Answerer.answer("要不要拍大一码", room()).kind(), "no word on the fit");
    Answer compare = Answerer.answer("1号和2号有什么区别", room());
    assertTrue(compare.answered() && compare.text().contains("299") && compare.text().contains("450"),
        compare.toString());
  }
}
