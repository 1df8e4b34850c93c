package io.shardcast.room.assistant;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A rewording replaces a template answer only when it states the same facts. */
class RewordCheckTest {

  private static final List<String> NAMES = List.of("真丝连衣裙", "Silk dress", "Denim jacket");

  private static void accepted(String template, String reworded) {
    assertNull(RewordCheck.problem(template, reworded, NAMES), reworded);
  }

  private static void rejected(String template, String reworded) {
    assertNotNull(RewordCheck.problem(template, reworded, NAMES), "said: " + reworded);
  }

  @Test
  void aFriendlierSentenceWithTheSameFactsIsSaid() {
    accepted("真丝连衣裙现在有尺码：S、XL", "亲，真丝连衣裙目前还有 S 和 XL 码哦～");
    accepted("Silk dress in stock now, sizes: S, XL.", "Good news: the Silk dress is still available in S and XL!");
    accepted("真丝连衣裙的价格是 299", "真丝连衣裙只要 299.00 哦");
    accepted("Silk dress in XL is sold out; in stock now, sizes: S.", "Sorry, XL of the Silk dress is out of stock, but S is still there.");
  }

  @Test
  void anyNumberSizeColourOrProductNotInTheTemplateRejectsIt() {
    rejected("真丝连衣裙的价格是 299", "真丝连衣裙的价格是 199");
    rejected("真丝连衣裙的价格是 299", "真丝连衣裙只要 299，今天下单再减 50");
    rejected("真丝连衣裙的价格是 299", "真丝连衣裙只要两百九十九元");
    rejected("Silk dress in stock now, sizes: S, XL.", "Silk dress comes in S, M and XL.");
    rejected("Silk dress in stock now, sizes: S, XL.", "Silk dress comes in S.");
    rejected("Silk dress in stock now, colours: black.", "Silk dress comes in black and white.");
    rejected("Silk dress is 299.", "Denim jacket is 299.");
    rejected("Silk dress in XL is sold out; in stock now, sizes: S.", "Silk dress: S and XL both available!");
    rejected("Silk dress is 299.", "Silk dress is 299, see https://shop.example/x");
    rejected("Silk dress is 299.", "");
    rejected("Silk dress is 299.", "Silk dress is 299. " + "Really lovely. ".repeat(20));
  }
}
