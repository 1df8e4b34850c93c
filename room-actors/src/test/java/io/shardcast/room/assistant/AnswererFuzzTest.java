package io.shardcast.room.assistant;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shardcast.room.state.Policies;
import io.shardcast.room.state.ProductFacts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Fuzzing of what reads viewers' comments: no text may make the assistant throw (a comment is
 * outside bytes, and the room tries questions on its own thread), and no answer names a size or
 * colour the product does not have. Regression mode in the test command; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class AnswererFuzzTest {

  private static final CatalogView ROOM = new CatalogView(List.of(
      new CatalogView.Product(1, "dress", "真丝连衣裙", 29_900, 0, new ProductFacts(Map.of("material", "silk"), List.of(
          new ProductFacts.Variant("s", "S", "红色", 2), new ProductFacts.Variant("xl", "XL", "黑色", 0)),
          List.of(new ProductFacts.Faq("会起球吗", "不起球")))),
      new CatalogView.Product(2, "bag", "Leather bag", 89_900, 3, ProductFacts.NONE)),
      "dress", List.of(new CatalogView.Coupon("c", null, 1000, 5)),
      List.of(new CatalogView.Sale("s1", "bag", 79_900, 1_765_000_600_000L, false, 10)),
      new Policies("中通", "7 天", null), 1_765_000_000_000L);

  @FuzzTest(maxDuration = "30s")
  void comments(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    check(text);
    check(text + "？");
    check("有" + text + "码吗");
  }

  private static void check(String comment) {
    Answer a = Answerer.answer(comment, ROOM);
    if (a.answered() && a.intent() == Intent.SIZE && a.text().contains("M、")) {
      throw new AssertionError("a size the product does not have: " + a);
    }
  }
}
