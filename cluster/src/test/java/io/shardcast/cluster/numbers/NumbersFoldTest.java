package io.shardcast.cluster.numbers;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.room.state.RoomEvent.*;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the events of a show add to each platform's numbers. */
class NumbersFoldTest {

  private static final long T = 1_764_999_960_000L; // the start of a minute

  @Test
  void theRoomsLikesAreWhatThePlatformsAreNotAndAudienceTimeIsWeighedByTheGapBetweenReports() {
    NumbersFold fold = new NumbersFold();
    NumbersFold.Batch b = new NumbersFold.Batch();
    fold.add(b, "r", T, new PlatformLiked(0, "tt", "tiktok", "e1", 40, T), (r, s) -> null);
    fold.add(b, "r", T + 1000, new LikesTallied(1, 47, 47), (r, s) -> null); // 40 of them the platform's
    fold.add(b, "r", T + 2000, new PlatformAudience(0, "tt", "tiktok", "e2", 100, 10, T + 2000), (r, s) -> null);
    fold.add(b, "r", T + 32_000, new PlatformAudience(0, "tt", "tiktok", "e3", 200, 5, T + 32_000), (r, s) -> null);
    fold.add(b, "r", T + 40_000, new AudienceSampled(0, 30, 4, T + 40_000), (r, s) -> null);
    NumbersFold.Counts room = b.minutes.get(new NumbersFold.Key("r", NumbersFold.ROOM, T));
    NumbersFold.Counts tiktok = b.minutes.get(new NumbersFold.Key("r", "tiktok", T));
    assertEquals(7, room.likes);
    assertEquals(40, tiktok.likes);
    assertEquals(200, tiktok.viewersPeak);
    assertEquals(100 * 15 + 200 * 30, tiktok.viewerSeconds, "the first report counts 15 s, the next its 30 s gap");
    assertEquals(15, tiktok.joins);
    assertEquals(30 * 15, room.viewerSeconds, "a room sample stands for its 15 s");
  }

  @Test
  void anOrderCountsForTheSalesProductAtItsPriceEvenWhenTheSaleWasAnnouncedInAnEarlierRun() {
    NumbersFold fold = new NumbersFold();
    NumbersFold.Batch b = new NumbersFold.Batch();
    NumbersFold.Sales stored = (room, sale) -> new NumbersFold.Sale(room, sale, "scarf", 1500, T);
    fold.add(b, "r", T + 61_000, new OrderConfirmed(0, "s1", "o1", "u1", 2, T), stored);
    fold.add(b, "r", T + 62_000, new OrderConfirmed(0, "s1", "o2", "u1", 1, T), stored);
    NumbersFold.Counts next = b.minutes.get(new NumbersFold.Key("r", NumbersFold.ROOM, T + 60_000));
    assertEquals(2, next.orders);
    assertEquals(3, next.units);
    assertEquals(4500, next.revenueCents);
    assertEquals(List.of(new NumbersFold.Buyer("r", NumbersFold.ROOM, "u1")), List.copyOf(b.buyers));
    assertEquals(3, b.products.get(new NumbersFold.ProductKey("r", NumbersFold.ROOM, "scarf")).units);
  }

  @Test
  void aCsvCellCannotBecomeASpreadsheetFormula() {
    assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", RoomNumbers.cell("=HYPERLINK(\"x\")"));
    assertEquals("'@SUM(A1)", RoomNumbers.cell("@SUM(A1)"));
    assertEquals("-42", RoomNumbers.cell("-42"), "a negative number stays a number");
    assertEquals("\"a,b\"", RoomNumbers.cell("a,b"));
  }
}
