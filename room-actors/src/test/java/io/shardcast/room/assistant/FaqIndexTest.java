package io.shardcast.room.assistant;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host's FAQ and the attributes, found by the words of a question in Chinese or English. */
class FaqIndexTest {

  private static final CatalogView.Product BAG = new CatalogView.Product(1, "bag", "真皮托特包", 89_900, 9,
      new ProductFacts(Map.of("尺寸", "35x28x13 cm"), List.of(), List.of(new ProductFacts.Faq("能放电脑吗", "能放 14 寸笔记本"))));
  private static final CatalogView.Product CREAM = new CatalogView.Product(2, "cream", "保湿面霜", 19_900, 40,
      new ProductFacts(Map.of("适合肤质", "干皮、混干"), List.of(),
          List.of(new ProductFacts.Faq("is it good for oily skin", "Rich: for oily skin, at night only."))));
  private static final FaqIndex INDEX = FaqIndex.of(new CatalogView(List.of(BAG, CREAM), "bag", List.of(), List.of(),
      Policies.NONE, 0));

  @Test
  void aQuestionWithMostOfAnEntrysWordsFindsIt() {
    assertEquals("能放 14 寸笔记本", INDEX.best("能放笔记本电脑吗？", null).answer(), "segmented: 笔记本 / 电脑");
    FaqIndex.Hit skin = INDEX.best("面霜适合什么肤质", List.of(CREAM));
    assertEquals("适合肤质", skin.attributeName());
    assertEquals("cream", skin.product().productId());
    assertEquals("Rich: for oily skin, at night only.", INDEX.best("Is this good for OILY skin?", null).answer(),
        "English, any case");
  }

  @Test
  void aQuestionWithFewOfAnEntrysWordsOrAboutAnotherProductFindsNothing() {
    assertNull(INDEX.best("电脑多少钱", null), "one word of four is not the entry's question");
    assertNull(INDEX.best("能放电脑吗", List.of(CREAM)), "only the products the question named");
    assertNull(INDEX.best("适合什么肤质", null), "naming none, it asks about the pinned bag's attributes");
    assertNull(INDEX.best("🙂🙂", null));
  }

  @Test
  void anAttributeIsFoundByTheWordsItIsAskedAboutIn() {
    FaqIndex tea = FaqIndex.of(new CatalogView(List.of(new CatalogView.Product(4, "tea", "明前龙井礼盒", 36_800, 25,
        new ProductFacts(Map.of("产地", "杭州西湖", "保质期", "18 个月"), List.of(), List.of()))), "tea", List.of(),
        List.of(), Policies.NONE, 0));
    assertEquals("杭州西湖", tea.best("茶叶是哪里产的", null).answer());
    FaqIndex.Hit keeps = tea.best("龙井能放多久", null);
    assertEquals("保质期", keeps.attributeName(), "said with the attribute's own name");
    assertEquals("18 个月", keeps.answer());
    assertNull(tea.best("茶叶是散装的吗", null));
  }

  @Test
  void theWordsThatOnlyAskDoNotMakeAQuestionAlike() {
    FaqIndex pilling = FaqIndex.of(new CatalogView(List.of(new CatalogView.Product(3, "dress", "真丝连衣裙", 29_900, 5,
        new ProductFacts(Map.of(), List.of(), List.of(new ProductFacts.Faq("会起球吗", "不起球"))))), "dress",
        List.of(), List.of(), Policies.NONE, 0));
    assertEquals("不起球", pilling.best("这个会起球吗", null).answer());
    assertNull(pilling.best("裙子会起皱吗", null), "creasing is not pilling: 会 and 吗 say nothing about what");
  }
}
