package io.shardcast.embeddings;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.room.assistant.CatalogView;
import io.shardcast.room.assistant.Embedder;
import io.shardcast.room.assistant.FaqIndex;
import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real model, in-process: the node finds it on the class path, questions alike in meaning are
 * closer than others, and the assistant's FAQ finds a question put in other words than the host's.
 */
class BgeSmallZhEmbedderTest {

  private static final Embedder MODEL = Embedder.installed();

  @Test
  void theNodeFindsTheModelOnTheClassPath() {
    assertInstanceOf(BgeSmallZhEmbedder.class, MODEL);
    float[] v = MODEL.embed("有大码吗");
    assertEquals(1.0, Embedder.similarity(v, v), 1e-4, "unit length");
    assertSame(v, MODEL.embed("有大码吗"), "a text is embedded once");
  }

  @Test
  void questionsAlikeInMeaningAreCloserThanOthers() {
    double same = Embedder.similarity(MODEL.embed("这个包能装下笔记本电脑吗"), MODEL.embed("能放电脑吗"));
    double other = Embedder.similarity(MODEL.embed("这个包能装下笔记本电脑吗"), MODEL.embed("什么时候发货"));
    assertTrue(same > other + 0.1, "same " + same + ", other " + other);
  }

  @Test
  void theFaqFindsAQuestionInOtherWords() {
    CatalogView.Product bag = new CatalogView.Product(1, "bag", "真皮托特包", 89_900, 9, new ProductFacts(Map.of(),
        List.of(), List.of(new ProductFacts.Faq("能放电脑吗", "能放 14 寸笔记本"),
            new ProductFacts.Faq("会掉色吗", "不掉色"))));
    CatalogView view = new CatalogView(List.of(bag), "bag", List.of(), List.of(), Policies.NONE, 0);
    String paraphrase = "会不会褪色";
    assertNull(FaqIndex.of(view).best(paraphrase, null), "too few of the entry's words for Lucene alone");
    FaqIndex.Hit hit = FaqIndex.of(view, MODEL).best(paraphrase, null);
    assertNotNull(hit, "found by meaning");
    assertEquals("不掉色", hit.answer());
    assertNull(FaqIndex.of(view, MODEL).best("主播今天穿的什么牌子", null), "nothing alike: nothing said");
  }

  @Test
  void aQuestionNearAnEntryButAboutSomethingElseIsNotAnsweredWithIt() {
    CatalogView.Product cream = new CatalogView.Product(1, "cream", "保湿面霜", 19_900, 40, new ProductFacts(
        Map.of("容量", "50ml"), List.of(), List.of(new ProductFacts.Faq("孕妇能用吗", "成分温和，但孕期建议先咨询医生"))));
    CatalogView view = new CatalogView(List.of(cream), "cream", List.of(), List.of(), Policies.NONE, 0);
    FaqIndex index = FaqIndex.of(view, MODEL);
    assertEquals("成分温和，但孕期建议先咨询医生", index.best("怀孕了可以用面霜吗", null).answer(), "the same question");
    assertNull(index.best("哺乳期能用面霜吗", null), "nursing is not pregnancy: the host did not say");
  }
}
